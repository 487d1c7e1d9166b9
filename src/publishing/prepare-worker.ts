/**
 * Worker thread: reads a file, validates and prepares its records, and hands them to the writer in batches.
 * Parsing and validation use one core while the database writes on the other. The writer grants credits,
 * so the worker is never more than a few batches ahead (bounded memory).
 */
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../errors.ts';
import { prepareItem, type PreparedItem } from '../register/prepare.ts';
import { readRecords, type InputFormat } from './input.ts';
import type { RecordType } from '../standard/schema.ts';

export interface PrepareWorkerData {
  path: string;
  format?: InputFormat;
  defaultType?: RecordType;
  batchSize: number;
  credits: number;
}

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

async function send(items: PreparedItem[]): Promise<void> {
  while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
  credits--;
  port.postMessage({ type: 'batch', items });
}

try {
  const reading = await readRecords(createReadStream(data.path, { highWaterMark: 1 << 20 }), { format: data.format, defaultType: data.defaultType });
  port.postMessage({ type: 'meta', format: reading.format, encoding: reading.encoding, fileType: reading.fileType, fileIssues: reading.fileIssues });
  const type = data.defaultType ?? reading.fileType;
  let batch: PreparedItem[] = [];
  for await (const item of reading.items) {
    batch.push(prepareItem(item, type));
    if (batch.length >= data.batchSize) {
      await send(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await send(batch);
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
