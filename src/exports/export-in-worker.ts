/** The export's side of an export worker (export-worker.ts): requests go in, answers come out in order. */
import { Worker } from 'node:worker_threads';
import type { ExportWorkerData, ExportWorkerMessage, ExportWorkerRequest } from './export-worker.ts';

/**
 * From the sources (tests, tsx) the worker is a TypeScript module behind a small entry that registers tsx;
 * in the build that bin/om.mjs runs (dist/main.js) it is the bundled dist/export-worker.js beside it.
 */
const WORKER_URL = import.meta.url.endsWith('.ts') ? new URL('./export-worker-entry.mjs', import.meta.url) : new URL('./export-worker.js', import.meta.url);

type Answer = Exclude<ExportWorkerMessage, { type: 'progress' | 'error' }>;

export class ExportWorker {
  private readonly worker: Worker;
  private readonly answers: Answer[] = [];
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  private stopped = false;
  private exited = false;
  /** Whether it has sent the answer to its last request (the part). */
  private finished = false;
  private readonly exit: Promise<void>;

  /** `onProgress` may throw or reject: the failure ends the export like any other. */
  constructor(data: ExportWorkerData, onProgress: (done: number) => void | Promise<void>) {
    // A small heap: the worker holds one batch of rows at a time (at most ~0.5 MB, range-writer.ts).
    // Measured at a million records: 4 MB of young and 48 MB of old generation ran as fast as 16 and 64 MB, ~15 MB
    // lower at the peak; 32 MB of old generation collected so often that the export took a third longer.
    this.worker = new Worker(WORKER_URL, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 48 } });
    this.exit = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('message', (message: ExportWorkerMessage) => {
      if (message.type === 'progress') {
        if (this.stopped) return;
        try {
          void Promise.resolve(onProgress(message.done)).catch((error: unknown) => this.fail(error as Error));
        } catch (error) {
          this.fail(error as Error);
        }
      } else if (message.type === 'error') this.fail(new Error(`export worker failed: ${message.message}`));
      else {
        if (message.type === 'part-written') this.finished = true;
        this.answers.push(message);
        this.notify();
      }
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.fail(new Error(`export worker exited with code ${code}`));
    });
  }

  send(request: ExportWorkerRequest): void {
    this.worker.postMessage(request);
  }

  /** The worker's next answer, which must be of this type. */
  async answer<T extends Answer['type']>(type: T): Promise<Extract<Answer, { type: T }>> {
    const answer = await this.nextAnswer();
    if (answer.type !== type) throw new Error(`export worker answered ${answer.type}, expected ${type}`);
    return answer as Extract<Answer, { type: T }>;
  }

  /**
   * Ends the worker, done or not (the export removes the part file). A worker that has answered its last request
   * gets a moment to close its database connection (PostgreSQL logs a cut connection) before it is terminated.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.finished && !this.exited) await Promise.race([this.exit, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    await this.worker.terminate();
  }

  private async nextAnswer(): Promise<Answer> {
    for (;;) {
      const answer = this.answers.shift();
      if (answer) return answer;
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private fail(error: Error): void {
    // An exit after the last answer is the normal end; it only matters while an answer is still awaited.
    this.failure ??= error;
    this.notify();
  }

  private notify(): void {
    this.wake?.();
    this.wake = null;
  }
}
