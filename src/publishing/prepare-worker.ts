/**
 * Worker thread: reads a file, validates and prepares its records, and hands them to the writer in batches.
 * Parsing and validation use one core while the database writes on the other. The writer grants credits,
 * so the worker is never more than a few batches ahead (bounded memory).
 * It reads files under the standard (CSV, NDJSON) and contract register dumps.
 */
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../errors.ts';
import { prepareItem } from '../register/prepare.ts';
import { readRecords, type InputFormat } from './input.ts';
import type { RecordType } from '../standard/schema.ts';
import { readRegisterDump } from '../imports/registr-smluv/reader.ts';
import { prepareRegisterEntry } from '../imports/registr-smluv/prepare.ts';
import { VersionIndex } from '../imports/registr-smluv/versions.ts';

export type PrepareWorkerData =
  | { kind: 'standard'; path: string; format?: InputFormat; defaultType?: RecordType; batchSize: number; credits: number }
  | { kind: 'registr-smluv'; path: string; gzip: boolean; batchSize: number; credits: number };

const port = parentPort!;
const data = workerData as PrepareWorkerData;
let credits = data.credits;
let wake: (() => void) | null = null;
port.on('message', (message) => {
  if (message === 'credit') {
    credits++;
    wake?.();
    wake = null;
  }
});

const consumed = { bytes: 0 };
async function* countedFile(path: string): AsyncGenerator<Uint8Array> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    consumed.bytes += (chunk as Buffer).length;
    yield chunk as Buffer;
  }
}

async function send(items: unknown[]): Promise<void> {
  while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
  credits--;
  port.postMessage({ type: 'batch', items, bytes: consumed.bytes });
}

async function batched<T>(source: AsyncIterable<T>): Promise<void> {
  let batch: T[] = [];
  for await (const item of source) {
    batch.push(item);
    if (batch.length >= data.batchSize) {
      await send(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await send(batch);
}

try {
  if (data.kind === 'standard') {
    const reading = await readRecords(countedFile(data.path), { format: data.format, defaultType: data.defaultType });
    port.postMessage({ type: 'meta', format: reading.format, encoding: reading.encoding, fileType: reading.fileType, fileIssues: reading.fileIssues });
    const type = data.defaultType ?? reading.fileType;
    await batched(
      (async function* () {
        for await (const item of reading.items) yield prepareItem(item, type);
      })(),
    );
  } else {
    port.postMessage({ type: 'meta' });
    await batched(
      (async function* () {
        const versions = new VersionIndex();
        for await (const entry of readRegisterDump(countedFile(data.path), { gzip: data.gzip })) yield prepareRegisterEntry(entry, versions);
      })(),
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
