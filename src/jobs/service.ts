/**
 * Import jobs: every import (a file, a dump, a harvest) runs as one job with a state, counts and a report.
 * Running the same import again (same kind, organisation and input) resumes its unfinished job: batches already
 * stored come back as unchanged, and the job completes.
 */
import { AppError } from '../errors.ts';
import { nowUtc } from '../shared/dates.ts';
import type { JobRepository, ImportJobRow } from './repository.ts';
import { hostname } from 'node:os';
import { isResumable, shownState, type ImportCounts, type JobKind, type JobState, type ShownJobState } from './rules.ts';

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface JobStart {
  kind: JobKind;
  organizationId: number | null;
  sourceName: string;
  sourceKey: string;
  actor: string;
  totalBytes?: number | null;
  /** Called once the job has its id, before the work starts (the upload page redirects to the job). */
  onStarted?: (jobId: number) => void;
}

export interface ImportJob {
  id: number;
  organizationId: number | null;
  kind: JobKind;
  sourceName: string;
  actor: string;
  state: JobState;
  shownState: ShownJobState;
  totalBytes: number | null;
  doneBytes: number;
  counts: ImportCounts;
  error: string | null;
  attempts: number;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface JobReport {
  [key: string]: unknown;
}

/** Progress is written at most this often, so that a fast import does not spend its time on bookkeeping. */
const PROGRESS_INTERVAL_MS = 1000;

export interface JobTracker {
  readonly id: number;
  readonly resumed: boolean;
  progress(counts: ImportCounts, doneBytes?: number): Promise<void>;
}

function toJob(row: ImportJobRow, now = new Date()): ImportJob {
  return {
    id: row.id,
    organizationId: row.organization_id,
    kind: row.kind as JobKind,
    sourceName: row.source_name,
    actor: row.actor,
    state: row.state as JobState,
    shownState: shownState(row.state as JobState, row.updated_at, now),
    totalBytes: row.total_bytes === null ? null : Number(row.total_bytes),
    doneBytes: Number(row.done_bytes),
    counts: { read: row.read, created: row.created, newVersions: row.new_versions, unchanged: row.unchanged, rejected: row.rejected },
    error: row.error,
    attempts: row.attempts,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

const countColumns = (counts: ImportCounts) => ({ read: counts.read, created: counts.created, new_versions: counts.newVersions, unchanged: counts.unchanged, rejected: counts.rejected });

export class JobService {
  constructor(private readonly jobs: JobRepository) {}

  /**
   * Runs `work` as a job. The job fails (and the error propagates) when work throws; a killed process leaves
   * the job running, and the next run with the same source key resumes it.
   */
  async run<R extends { counts: ImportCounts; report: JobReport; rejectedCsv?: string | null }>(start: JobStart, work: (tracker: JobTracker) => Promise<R>): Promise<R & { job: ImportJob }> {
    const now = nowUtc();
    const runner = `${hostname()}:${process.pid}`;
    const unfinished = await this.jobs.findUnfinished(start.kind, start.sourceKey, start.organizationId);
    let id: number | undefined;
    if (unfinished && isResumable(unfinished, { host: hostname(), isAlive: processIsAlive }, new Date())) {
      const claimed = await this.jobs.claim(unfinished.id, unfinished.attempts, {
        state: 'running',
        error: null,
        attempts: unfinished.attempts + 1,
        updated_at: now,
        done_bytes: 0,
        total_bytes: start.totalBytes ?? null,
        actor: start.actor,
        runner,
      });
      if (claimed) id = unfinished.id;
    }
    const resumed = id !== undefined;
    id ??= await this.jobs.insert({ organization_id: start.organizationId, kind: start.kind, source_name: start.sourceName, source_key: start.sourceKey, actor: start.actor, runner, total_bytes: start.totalBytes ?? null, now });
    const jobId = id;
    start.onStarted?.(jobId);
    let lastWrite = 0;
    let latest: { counts: ImportCounts; doneBytes: number } = { counts: { read: 0, created: 0, newVersions: 0, unchanged: 0, rejected: 0 }, doneBytes: 0 };
    const tracker: JobTracker = {
      id: jobId,
      resumed,
      progress: async (counts, doneBytes) => {
        latest = { counts: { ...counts }, doneBytes: doneBytes ?? 0 };
        const time = Date.now();
        if (time - lastWrite < PROGRESS_INTERVAL_MS) return;
        lastWrite = time;
        // Progress is best effort: a busy database must not fail the import itself.
        await this.jobs.update(jobId, { ...countColumns(counts), done_bytes: doneBytes ?? 0, updated_at: nowUtc() }).catch(() => undefined);
      },
    };
    try {
      const result = await work(tracker);
      const finished = nowUtc();
      await this.jobs.update(jobId, {
        ...countColumns(result.counts),
        state: 'completed',
        report: JSON.stringify(result.report),
        rejected_csv: result.rejectedCsv ?? null,
        done_bytes: start.totalBytes ?? 0,
        updated_at: finished,
        finished_at: finished,
      });
      return { ...result, job: (await this.get(jobId))! };
    } catch (error) {
      const message = error instanceof AppError ? error.userMessage : 'Import selhal kvůli neočekávané chybě; podrobnosti jsou v protokolu serveru.';
      // The counts of what was stored before the failure, so that the job says what is in the register.
      await this.jobs.update(jobId, { ...countColumns(latest.counts), done_bytes: latest.doneBytes, state: 'failed', error: message, updated_at: nowUtc() });
      throw error;
    }
  }

  async get(id: number): Promise<ImportJob | undefined> {
    const row = await this.jobs.get(id);
    return row ? toJob(row) : undefined;
  }

  async getReport(id: number): Promise<{ job: ImportJob; report: JobReport | null; rejectedCsv: string | null }> {
    const row = await this.jobs.get(id);
    if (!row) throw new AppError('not_found', `Import č. ${id} neexistuje.`, `import job ${id} not found`);
    return { job: toJob(row), report: row.report ? (JSON.parse(row.report) as JobReport) : null, rejectedCsv: row.rejected_csv };
  }

  async listForOrganization(organizationId: number, limit = 20): Promise<ImportJob[]> {
    const rows = await this.jobs.listForOrganization(organizationId, limit);
    const now = new Date();
    return rows.map((row) => toJob({ ...row, source_key: '', runner: null, report: null, rejected_csv: null }, now));
  }
}
