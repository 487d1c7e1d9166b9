/**
 * Serves the bulk files from the export directory: media type, Content-Length, ETag, conditional GET and one
 * byte range. The file is opened once and everything is answered from that open handle, so a file replaced by
 * an export in the meantime cannot mix into the answer.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Context } from 'hono';
import { AppError } from '../errors.ts';
import { mediaTypeOf } from '../exports/rules.ts';
import { matchesEtag, parseRange } from '../shared/http-range.ts';

/** Names the export writes: the index, or a scope folder (platform or IČO) with a file. Anything else is not served. */
const SERVABLE = /^(?:index\.json|(?:vse|\d{8})\/[a-z][a-z-]*\.(?:csv|ndjson|json))$/;

export async function serveExportFile(c: Context, directory: string, path: string): Promise<Response> {
  const notFound = new AppError('not_found', 'Soubor neexistuje. Hromadné soubory vznikají při nočním exportu; seznam je na stránce Otevřená data.', `no export file ${path}`);
  if (!SERVABLE.test(path)) throw notFound;
  let handle;
  try {
    handle = await open(join(directory, path), 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notFound;
    throw error;
  }
  try {
    const stat = await handle.stat();
    const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    const headers: Record<string, string> = {
      'content-type': mediaTypeOf(path),
      etag,
      'last-modified': stat.mtime.toUTCString(),
      'accept-ranges': 'bytes',
      'cache-control': 'public, max-age=300',
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'ETag, Content-Length, Content-Range, Accept-Ranges',
    };
    // Tables download under a name that says whose they are; JSON documents may be read in the browser.
    if (!path.endsWith('.json')) headers['content-disposition'] = `attachment; filename="${path.replace('/', '-')}"`;
    if (matchesEtag(c.req.header('if-none-match'), etag)) {
      await handle.close();
      return new Response(null, { status: 304, headers });
    }
    const ifRange = c.req.header('if-range');
    const range = ifRange && ifRange !== etag ? ({ kind: 'none' } as const) : parseRange(c.req.header('range'), stat.size);
    if (range.kind === 'unsatisfiable') {
      await handle.close();
      return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${stat.size}` } });
    }
    const start = range.kind === 'range' ? range.start : 0;
    const end = range.kind === 'range' ? range.end : stat.size - 1;
    const length = stat.size === 0 ? 0 : end - start + 1;
    headers['content-length'] = String(length);
    if (range.kind === 'range') headers['content-range'] = `bytes ${start}-${end}/${stat.size}`;
    const status = range.kind === 'range' ? 206 : 200;
    if (c.req.method === 'HEAD' || length === 0) {
      await handle.close();
      return new Response(null, { status, headers });
    }
    const stream = handle.createReadStream({ start, end, autoClose: true });
    return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { status, headers });
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}
