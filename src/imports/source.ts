/** An import's input: opened once per pass, named for reports, keyed so that the same input resumes its job. */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';

export interface ImportSource {
  name: string;
  /** Same input, same key: name, size and modification time for files; a digest for uploads. */
  key: string;
  size: number | null;
  /** Set for files on disk, which a worker thread can read by itself. */
  path?: string;
  open(): Uint8Array | AsyncIterable<Uint8Array>;
}

export function fileSource(path: string): ImportSource {
  const stat = statSync(path);
  return {
    name: basename(path),
    key: `file:${resolve(path)}:${stat.size}:${stat.mtimeMs}`,
    size: stat.size,
    path,
    open: () => createReadStream(path, { highWaterMark: 1 << 20 }),
  };
}

export function bytesSource(name: string, bytes: Uint8Array): ImportSource {
  return { name, key: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, size: bytes.length, open: () => bytes };
}

/** Counts the bytes a pass has consumed, for progress and its estimate of the time left. */
export function countingBytes(source: Uint8Array | AsyncIterable<Uint8Array>, counter: { bytes: number }): Uint8Array | AsyncIterable<Uint8Array> {
  if (source instanceof Uint8Array) {
    counter.bytes = source.length;
    return source;
  }
  return (async function* () {
    for await (const chunk of source) {
      counter.bytes += chunk.length;
      yield chunk;
    }
  })();
}

/** Reads a whole input into memory, refusing it once it passes `maxBytes` (the caller's error names the limit). */
export async function readAllBytes(source: Uint8Array | AsyncIterable<Uint8Array>, maxBytes: number): Promise<Uint8Array | null> {
  if (source instanceof Uint8Array) return source.length > maxBytes ? null : source;
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const part of source) {
    total += part.length;
    if (total > maxBytes) return null;
    parts.push(part);
  }
  return Buffer.concat(parts);
}
