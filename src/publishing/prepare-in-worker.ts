/** Runs prepare-worker.ts and exposes its output as an async stream of prepared items. */
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../errors.ts';
import type { PreparedItem } from '../register/prepare.ts';
import type { TextEncodingName } from '../shared/decode.ts';
import type { RecordType } from '../standard/schema.ts';
import type { FileIssue, InputFormat } from './input.ts';
import type { PrepareWorkerData } from './prepare-worker.ts';

export interface PreparedFile {
  format: InputFormat;
  encoding: TextEncodingName;
  fileType?: RecordType;
  fileIssues: FileIssue[];
  items: AsyncGenerator<PreparedItem>;
}

type WorkerMessage =
  | { type: 'meta'; format: InputFormat; encoding: TextEncodingName; fileType?: RecordType; fileIssues: FileIssue[] }
  | { type: 'batch'; items: PreparedItem[] }
  | { type: 'done' }
  | { type: 'error'; code: ErrorCode; userMessage: string; message: string };

/**
 * From the sources (tests, tsx) the worker is a TypeScript module behind a small entry that registers tsx;
 * in the build that bin/om.mjs runs (dist/main.js) it is the bundled dist/prepare-worker.js beside it.
 */
const WORKER_URL = import.meta.url.endsWith('.ts') ? new URL('./prepare-worker-entry.mjs', import.meta.url) : new URL('./prepare-worker.js', import.meta.url);

export async function prepareFileInWorker(path: string, options: { format?: InputFormat; defaultType?: RecordType; batchSize?: number }): Promise<PreparedFile> {
  const data: PrepareWorkerData = { path, format: options.format, defaultType: options.defaultType, batchSize: options.batchSize ?? 500, credits: 2 };
  // Small batches and two credits keep little in flight; the old-generation limit keeps the worker's garbage from
  // piling up, and a 48 MB young generation measured ~10 % faster than 16 MB at the same peak memory.
  // Measured on 300,000 records: peak RSS 239 MB instead of 511 MB, at the same speed.
  const worker = new Worker(WORKER_URL, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 48, maxOldGenerationSizeMb: 128 } });
  const queue: WorkerMessage[] = [];
  let notify: (() => void) | null = null;
  let exitError: Error | null = null;
  worker.on('message', (message: WorkerMessage) => {
    queue.push(message);
    notify?.();
    notify = null;
  });
  worker.on('error', (error) => {
    exitError = error;
    notify?.();
    notify = null;
  });
  worker.on('exit', (code) => {
    if (code !== 0 && !exitError) exitError = new Error(`prepare worker exited with code ${code}`);
    notify?.();
    notify = null;
  });

  const next = async (): Promise<WorkerMessage> => {
    for (;;) {
      const message = queue.shift();
      if (message) {
        if (message.type === 'error') {
          await worker.terminate();
          throw new AppError(message.code, message.userMessage, message.message);
        }
        return message;
      }
      if (exitError) throw new AppError('internal_error', 'Zpracování souboru selhalo.', exitError.message);
      await new Promise<void>((resolve) => (notify = resolve));
    }
  };

  const first = await next();
  if (first.type === 'done') {
    await worker.terminate();
    throw new AppError('unreadable_input', 'Soubor je prázdný.', 'empty input');
  }
  if (first.type !== 'meta') throw new Error(`prepare worker sent ${first.type} before meta`);

  async function* items(): AsyncGenerator<PreparedItem> {
    try {
      for (;;) {
        const message = await next();
        if (message.type === 'done') return;
        if (message.type !== 'batch') continue;
        worker.postMessage('credit');
        yield* message.items;
      }
    } finally {
      await worker.terminate();
    }
  }
  return { format: first.format, encoding: first.encoding, fileType: first.fileType, fileIssues: first.fileIssues, items: items() };
}
