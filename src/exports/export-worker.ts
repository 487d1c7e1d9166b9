/**
 * Worker thread of a large bulk export: on its own core and database connection it computes the scopes of the
 * second range of records, then writes that range into one part file and reports each bulk file's segments (no
 * header), which the export appends to the files it wrote from the first range.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/connection.ts';
import { ExportRepository, type ExportScopeRow } from './repository.ts';
import { PartFile } from './part-file.ts';
import { partWriter, type ExportPlan, type TableFormat, type WrittenPart } from './range-writer.ts';

export interface ExportWorkerData {
  database: { url: string; searchPath?: string };
}

export interface Range {
  afterId: number;
  /** Inclusive; null: to the last record. */
  untilId: number | null;
}

/** What the export asks of the worker, in this order: the scopes (CSV only), then the part. */
export type ExportWorkerRequest = { type: 'scopes'; range: Range; organizationIds?: number[] } | { type: 'part'; plan: ExportPlan; range: Range; partPath: string };

export type ExportWorkerMessage =
  | { type: 'scopes'; scopes: ExportScopeRow[] }
  | { type: 'progress'; done: number }
  | { type: 'part-written'; records: number; parts: WrittenPart[] }
  | { type: 'error'; message: string };

const port = parentPort!;
const data = workerData as ExportWorkerData;
const send = (message: ExportWorkerMessage) => port.postMessage(message);

async function writePart(repository: ExportRepository, plan: ExportPlan, range: Range, partPath: string): Promise<void> {
  const part = new PartFile(partPath);
  try {
    const writer = partWriter(plan, part);
    // Batches are small (range-writer.ts): progress goes to the other thread every 1,000 records or so, and at the end.
    let nextProgress = 0;
    const records = await writer.write(repository, range.afterId, range.untilId, (done) => {
      if (done < nextProgress) return;
      nextProgress = done + 1000;
      send({ type: 'progress', done });
    });
    send({ type: 'progress', done: records });
    const parts = writer.opened.map(({ entry, organizationId, file }): WrittenPart => {
      file.flush();
      return { path: entry.path, organizationId, type: entry.type!, format: entry.format as TableFormat, rows: entry.rows, personalData: entry.personalData, segments: file.segments };
    });
    send({ type: 'part-written', records, parts });
  } finally {
    part.close();
  }
}

const db = openDatabase(data.database.url, { searchPath: data.database.searchPath, poolSize: 2 });
db.preferScans();
const repository = new ExportRepository(db);
const reportFailure = (error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
port.on('message', (request: ExportWorkerRequest) => {
  if (request.type === 'scopes') {
    repository
      .scopes(request.organizationIds, request.range)
      .then((scopes) => send({ type: 'scopes', scopes }))
      .catch(reportFailure);
    return;
  }
  // The part is the last request: the connection and the port close after it, which ends the thread.
  writePart(repository, request.plan, request.range, request.partPath)
    .catch(reportFailure)
    .finally(() => db.close().finally(() => port.close()));
});
