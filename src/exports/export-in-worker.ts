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

  constructor(data: ExportWorkerData, onProgress: (done: number) => void) {
    // A small heap: the worker holds one chunk of rows at a time. Measured at a million records: 8 MB of young and
    // 48 MB of old generation ran as fast as 16 and 64 MB, ~10 MB lower at the peak; 32 MB of old generation
    // collected so often that the export took a third longer.
    this.worker = new Worker(WORKER_URL, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 48 } });
    this.worker.on('message', (message: ExportWorkerMessage) => {
      if (message.type === 'progress') onProgress(message.done);
      else if (message.type === 'error') this.fail(new Error(`export worker failed: ${message.message}`));
      else {
        this.answers.push(message);
        this.notify();
      }
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`export worker exited with code ${code}`)));
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

  /** Ends the worker, done or not (the export removes the part file). */
  async stop(): Promise<void> {
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
