/** Runs prepare-worker.ts and exposes its output as an async stream of prepared items. */
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../errors.ts';
import { prepareItem, unpackPreparedItem, type InputItem, type PreparedItem } from '../register/prepare.ts';
import type { TextEncodingName } from '../shared/decode.ts';
import type { RecordType } from '../standard/schema.ts';
import { prepareMappedEntry, unpackRegisterEntry, type MappedRegisterEntry, type PreparedRegisterEntry } from '../imports/registr-smluv/prepare.ts';
import type { FileIssue, InputFormat } from './input.ts';
import type { PrepareWorkerData } from './prepare-worker.ts';
import { WorkShare } from './work-share.ts';

export interface PreparedFile {
  format: InputFormat;
  encoding: TextEncodingName;
  fileType?: RecordType;
  fileIssues: FileIssue[];
  items: AsyncGenerator<PreparedItem>;
}

interface Meta {
  type: 'meta';
  format: InputFormat;
  encoding: TextEncodingName;
  fileType?: RecordType;
  fileIssues: FileIssue[];
}

type WorkerMessage = Meta | { type: 'batch'; raw: boolean; items: unknown[]; bytes: number; sentAt: number } | { type: 'done' } | { type: 'error'; code: ErrorCode; userMessage: string; message: string };

/**
 * From the sources (tests, tsx) the worker is a TypeScript module behind a small entry that registers tsx;
 * in the build that bin/om.mjs runs (dist/main.js) it is the bundled dist/prepare-worker.js beside it.
 */
const WORKER_URL = import.meta.url.endsWith('.ts') ? new URL('./prepare-worker-entry.mjs', import.meta.url) : new URL('./prepare-worker.js', import.meta.url);

/** Decides which batches the writer prepares itself (WorkShare; tests pass a fixed choice). */
export type Share = Pick<WorkShare, 'nextUnprepared'>;

interface WorkerRun<T> {
  meta: Meta;
  /**
   * Items in the worker's order, in batches of `batchSize` (the last may be smaller): those it sent unprepared
   * prepared here by `prepare`, the others unpacked.
   */
  batches(batchSize: number, prepare: (raw: never) => T, unpack: (packed: never) => T, share?: Share): AsyncGenerator<T[]>;
  /** Bytes of the file the worker has read so far. */
  bytesRead(): number;
}

async function startWorker<T>(data: PrepareWorkerData, youngGenerationMb = 48): Promise<WorkerRun<T>> {
  // Few items in flight and the old-generation limit keep the worker's garbage from piling up (measured on 300,000
  // records: peak RSS 239 MB instead of 511 MB, at the same speed), and a 48 MB young generation measured ~10 %
  // faster than 16 MB at the same peak memory.
  const worker = new Worker(WORKER_URL, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: youngGenerationMb, maxOldGenerationSizeMb: 128 } });
  const queue: Array<WorkerMessage> = [];
  let notify: (() => void) | null = null;
  let exitError: Error | null = null;
  let bytes = 0;
  const wakeUp = () => {
    notify?.();
    notify = null;
  };
  worker.on('message', (message: WorkerMessage) => {
    queue.push(message);
    wakeUp();
  });
  worker.on('error', (error) => {
    exitError = error;
    wakeUp();
  });
  worker.on('exit', (code) => {
    if (code !== 0 && !exitError) exitError = new Error(`prepare worker exited with code ${code}`);
    wakeUp();
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

  async function* batches(batchSize: number, prepare: (raw: never) => T, unpack: (packed: never) => T, share: Share = new WorkShare()): AsyncGenerator<T[]> {
    try {
      let batch: T[] = [];
      for (;;) {
        // Messages arrive (and are copied in) only when this thread's event loop turns, so whether the message was
        // ready shows by when the worker sent it, not by the queue.
        const asked = performance.timeOrigin + performance.now();
        const message = await next();
        if (message.type === 'done') break;
        if (message.type !== 'batch') continue;
        const waited = message.sentAt > asked;
        bytes = message.bytes;
        worker.postMessage({ credit: share.nextUnprepared(waited) ? 'raw' : 'prepared' });
        for (const item of message.items) {
          batch.push(message.raw ? prepare(item as never) : unpack(item as never));
          if (batch.length === batchSize) {
            yield batch;
            batch = [];
          }
        }
      }
      if (batch.length > 0) yield batch;
    } finally {
      await worker.terminate();
    }
  }
  return { meta: first, batches, bytesRead: () => bytes };
}

export async function prepareFileInWorker(path: string, options: { format?: InputFormat; defaultType?: RecordType; batchSize?: number; share?: Share }): Promise<PreparedFile> {
  // Rows of a table are small: messages of 500 measured faster than of 100 (100,000 rows: 5.1–5.5 s against 5.6–6.3 s).
  const batchSize = options.batchSize ?? 500;
  const run = await startWorker<PreparedItem>({ kind: 'standard', path, format: options.format, defaultType: options.defaultType, messageItems: batchSize, credits: 2 });
  const type = options.defaultType ?? run.meta.fileType;
  async function* items(): AsyncGenerator<PreparedItem> {
    for await (const batch of run.batches(batchSize, (item: InputItem) => prepareItem(item, type), unpackPreparedItem, options.share)) yield* batch;
  }
  return { format: run.meta.format, encoding: run.meta.encoding, fileType: run.meta.fileType, fileIssues: run.meta.fileIssues, items: items() };
}

/**
 * Reads and prepares a contract register dump in a worker, in batches of `batchSize` entries (the writer's
 * transactions), with the bytes read so far.
 */
export async function prepareDumpInWorker(path: string, options: { gzip: boolean; batchSize: number; messageItems?: number; share?: Share }): Promise<{ batches: AsyncGenerator<PreparedRegisterEntry[]>; bytesRead(): number }> {
  // A dump's records are larger than a table row's: a 16 MB young generation lowered the peak by ~10 MB at the same
  // speed (measured on 100,000 records).
  // The worker fills a message and prepares it at once, and all of it survives the young-generation collections
  // meanwhile: with messages of 500 records each collection copied megabytes (6–14 ms each). With 100, a
  // 200,000-record dump spent 0.8 s of the worker's time collecting instead of 3.7 s, and imported in 14.0–19.0 s
  // instead of 16.9–24.3 s (alternating runs). Eight messages ahead keep about as many records in flight as two of
  // 500 did.
  const messageItems = Math.min(options.messageItems ?? 100, options.batchSize);
  const run = await startWorker<PreparedRegisterEntry>({ kind: 'registr-smluv', path, gzip: options.gzip, messageItems, credits: 8 }, 16);
  return { batches: run.batches(options.batchSize, (entry: MappedRegisterEntry) => prepareMappedEntry(entry), unpackRegisterEntry, options.share), bytesRead: run.bytesRead };
}
