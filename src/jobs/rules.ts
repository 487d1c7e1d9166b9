/** Import jobs: their states, counts and the estimate of what remains. Pure. */

export const JOB_KINDS = ['table', 'standard', 'isdoc', 'registr-smluv', 'harvest', 'ocds'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export type JobState = 'running' | 'completed' | 'failed';

export interface ImportCounts {
  read: number;
  created: number;
  newVersions: number;
  unchanged: number;
  rejected: number;
}

export const ZERO_COUNTS: ImportCounts = { read: 0, created: 0, newVersions: 0, unchanged: 0, rejected: 0 };

/**
 * The source recorded on every version a job stores. It names the job, so that a resumed job can count what all
 * its attempts stored: a killed attempt's records come back as unchanged to the next one.
 */
export function jobSource(kind: JobKind, jobId: number, sourceName?: string): string {
  return sourceName ? `${kind}:job-${jobId}:${sourceName}` : `${kind}:job-${jobId}`;
}

/**
 * The counts of a job that ran in several attempts: what the register holds from the job (first versions are
 * created, later ones new versions), the rest of what the last attempt read and did not reject unchanged.
 */
export function countsAfterResume(last: ImportCounts, stored: { created: number; newVersions: number }): ImportCounts {
  return { read: last.read, rejected: last.rejected, created: stored.created, newVersions: stored.newVersions, unchanged: Math.max(0, last.read - last.rejected - stored.created - stored.newVersions) };
}

export const JOB_KIND_LABELS: Record<JobKind, string> = {
  table: 'Tabulka (CSV, XLSX)',
  standard: 'Soubor podle standardu',
  isdoc: 'Faktury ISDOC',
  'registr-smluv': 'Dump registru smluv',
  harvest: 'Sklizeň z webu organizace',
  ocds: 'Balíček OCDS',
};

/** A job that has reported nothing for this long was killed; running the same import again resumes it. */
export const STALE_AFTER_MS = 10 * 60 * 1000;

export type ShownJobState = JobState | 'interrupted';

/**
 * Whether a new run of the same import may take over an unfinished job: a failed one, or a running one whose
 * process is gone (same host, pid no longer alive) or that has reported nothing for a long time. A job that is
 * still being run by a live process is left to it, and the new run gets its own job.
 */
export function isResumable(job: { state: string; runner: string | null; updated_at: string }, here: { host: string; isAlive: (pid: number) => boolean }, now: Date): boolean {
  if (job.state === 'failed') return true;
  if (job.state !== 'running') return false;
  if (now.getTime() - Date.parse(job.updated_at) > STALE_AFTER_MS) return true;
  const [host, pid] = (job.runner ?? '').split(':');
  return host === here.host && pid !== undefined && /^\d+$/.test(pid) && !here.isAlive(Number(pid));
}

export function shownState(state: JobState, updatedAt: string, now: Date): ShownJobState {
  if (state === 'running' && now.getTime() - Date.parse(updatedAt) > STALE_AFTER_MS) return 'interrupted';
  return state;
}

export const JOB_STATE_LABELS: Record<ShownJobState, string> = {
  running: 'probíhá',
  completed: 'dokončeno',
  failed: 'selhalo',
  interrupted: 'přerušeno',
};

export interface ProgressEstimate {
  /** 0..1 when the size of the input is known. */
  fraction: number | null;
  recordsPerSecond: number;
  secondsLeft: number | null;
}

export function estimateProgress(read: number, doneBytes: number, totalBytes: number | null, elapsedSeconds: number): ProgressEstimate {
  const recordsPerSecond = elapsedSeconds > 0 ? read / elapsedSeconds : 0;
  if (!totalBytes || totalBytes <= 0) return { fraction: null, recordsPerSecond, secondsLeft: null };
  const fraction = Math.min(1, Math.max(0, doneBytes / totalBytes));
  const secondsLeft = fraction > 0 && elapsedSeconds > 0 ? (elapsedSeconds * (1 - fraction)) / fraction : null;
  return { fraction, recordsPerSecond, secondsLeft };
}

export function addCounts(a: ImportCounts, b: ImportCounts): ImportCounts {
  return { read: a.read + b.read, created: a.created + b.created, newVersions: a.newVersions + b.newVersions, unchanged: a.unchanged + b.unchanged, rejected: a.rejected + b.rejected };
}
