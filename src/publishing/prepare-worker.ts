/**
 * Worker thread: reads a file, validates and prepares its records, and hands them to the writer in batches.
 * Parsing and validation use one core while the database writes on the other. The writer grants credits,
 * so the worker is never more than a few batches ahead (bounded memory). A credit may ask for its batch read but
 * not prepared: the writer then prepares it itself, when it would otherwise wait for this thread (see work-share.ts).
 * It reads files under the standard (CSV, NDJSON) and contract register dumps.
 */
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../errors.ts';
import { packPreparedItem, prepareItem } from '../register/prepare.ts';
import { readRecords, type InputFormat } from './input.ts';
import type { RecordType } from '../standard/schema.ts';
import { readRegisterDump } from '../imports/registr-smluv/reader.ts';
import { mapRegisterEntry, packRegisterEntry, prepareMappedEntry } from '../imports/registr-smluv/prepare.ts';
import { VersionIndex } from '../imports/registr-smluv/versions.ts';

export type PrepareWorkerData =
  | { kind: 'standard'; path: string; format?: InputFormat; defaultType?: RecordType; messageItems: number; credits: number }
  | { kind: 'registr-smluv'; path: string; gzip: boolean; messageItems: number; credits: number };

const port = parentPort!;
const data = workerData as PrepareWorkerData;
/** Credits in the order granted; true asks for the batch unprepared. */
const credits: boolean[] = new Array<boolean>(data.credits).fill(false);
let wake: (() => void) | null = null;
port.on('message', (message: { credit: 'prepared' | 'raw' }) => {
  credits.push(message.credit === 'raw');
  wake?.();
  wake = null;
});

const consumed = { bytes: 0 };
// Chunks of 64 KiB, not 1 MiB: a chunk decodes into one string, and every value of more than a few characters
// sliced from it keeps the whole string alive until its batch is sent. A register dump of 200,000 records peaked at
// 250-258 MB instead of 287-296 MB, at the same speed (16.5-16.8 s against 16.8-18.2 s).
const CHUNK_BYTES = 64 * 1024;
async function* countedFile(path: string): AsyncGenerator<Uint8Array> {
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
    consumed.bytes += (chunk as Buffer).length;
    yield chunk as Buffer;
  }
}

async function send<Raw>(batch: Raw[], prepare: (raw: Raw) => unknown): Promise<void> {
  while (credits.length === 0) await new Promise<void>((resolve) => (wake = resolve));
  const raw = credits.shift()!;
  const items = raw ? batch : batch.map(prepare);
  // performance.timeOrigin + now() is one clock for all threads: the writer compares it with when it asked.
  port.postMessage({ type: 'batch', raw, items, bytes: consumed.bytes, sentAt: performance.timeOrigin + performance.now() });
}

async function batched<Raw>(source: AsyncIterable<Raw> | Iterable<Raw>, prepare: (raw: Raw) => unknown): Promise<void> {
  let batch: Raw[] = [];
  for await (const item of source) {
    batch.push(item);
    if (batch.length >= data.messageItems) {
      await send(batch, prepare);
      batch = [];
    }
  }
  if (batch.length > 0) await send(batch, prepare);
}

try {
  if (data.kind === 'standard') {
    const reading = await readRecords(countedFile(data.path), { format: data.format, defaultType: data.defaultType });
    port.postMessage({ type: 'meta', format: reading.format, encoding: reading.encoding, fileType: reading.fileType, fileIssues: reading.fileIssues });
    const type = data.defaultType ?? reading.fileType;
    await batched(reading.items, (item) => packPreparedItem(prepareItem(item, type)));
  } else {
    port.postMessage({ type: 'meta' });
    await batched(
      (async function* () {
        const versions = new VersionIndex();
        for await (const entry of readRegisterDump(countedFile(data.path), { gzip: data.gzip })) yield mapRegisterEntry(entry, versions);
      })(),
      (mapped) => packRegisterEntry(prepareMappedEntry(mapped)),
    );
  }
  port.postMessage({ type: 'done' });
} catch (error) {
  const appError = error instanceof AppError ? error : null;
  port.postMessage({
    type: 'error',
    code: appError?.code ?? 'internal_error',
    userMessage: appError?.userMessage ?? 'Soubor se nepodařilo zpracovat.',
    message: error instanceof Error ? error.message : String(error),
  });
}
