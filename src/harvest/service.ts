/**
 * Harvesting: the portal fetches the files organisations publish on their own websites and imports what changed.
 * Each fetch is a conditional GET (ETag, Last-Modified), the body is capped in size and time, an unchanged body
 * (same sha256) is not imported again, and every run leaves one row in the organisation's harvest log.
 * A failing source is logged and the others go on.
 */
import { createHash } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { Agent, fetch as undiciFetch } from 'undici';
import { AppError } from '../errors.ts';
import { nowUtc } from '../shared/dates.ts';
import { silentLogger, type Logger } from '../shared/log.ts';
import { bytesSource } from '../imports/source.ts';
import { RECORD_TYPES, type RecordType } from '../standard/schema.ts';
import type { JobService } from '../jobs/service.ts';
import type { TableImportService } from '../imports/table/service.ts';
import type { PublishingService } from '../publishing/service.ts';
import type { Organization, OrganizationService } from '../organizations/service.ts';
import type { HarvestLogRow, HarvestRepository, HarvestSourceRow } from './repository.ts';
import {
  checkSourceUrl,
  isPublicAddress,
  chooseImporter,
  conditionalHeaders,
  failureMessage,
  HARVEST_ACTOR,
  HARVEST_OUTCOME_LABELS,
  isHarvestOutcome,
  looksLikeHtml,
  MAX_REDIRECTS,
  REDIRECT_STATUSES,
  rejectedRowsMessage,
  resolveRedirect,
  type HarvestFailure,
  type HarvestOutcome,
} from './rules.ts';

export interface HarvestSource {
  id: number;
  organizationId: number;
  url: string;
  recordType: RecordType | null;
  active: boolean;
  etag: string | null;
  lastModified: string | null;
  contentSha256: string | null;
  createdAt: string;
  lastCheckedAt: string | null;
}

export interface HarvestRunSummary {
  /** Null only when even the log row could not be written (the database failed); the error is logged. */
  runId: number | null;
  sourceId: number;
  organizationId: number;
  url: string;
  outcome: HarvestOutcome;
  httpStatus: number | null;
  jobId: number | null;
  created: number;
  newVersions: number;
  rejected: number;
  /** Czech: why the run failed, or how many rows were rejected. */
  message: string | null;
  startedAt: string;
  finishedAt: string;
}

export interface HarvestLogEntry extends Omit<HarvestRunSummary, 'runId' | 'organizationId'> {
  id: number;
  outcomeLabel: string;
}

export interface HarvestSchedule {
  stop(): void;
  /** Resolves when no run is in progress, so a server can finish one before closing the database. */
  idle(): Promise<void>;
}

export interface HarvestDeps {
  tables: TableImportService;
  publishing: PublishingService;
  jobs: JobService;
  organizations: OrganizationService;
  fetch?: typeof fetch;
  /** Name resolution for the address checks (tests stand in a changing DNS answer). */
  resolve?: Resolve;
  /** Which addresses may be fetched from when private networks are not allowed: public ones (tests add loopback). */
  isAllowedAddress?: (ip: string) => boolean;
  logger?: Logger;
  maxBytes?: number;
  timeoutMs?: number;
  /** Lets harvesting reach private and loopback addresses (an intranet installation; tests). Off by default. */
  allowPrivateNetworks?: boolean;
}

export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 30_000;
const USER_AGENT = 'otevrena-mesta-harvest/1.0 (+https://github.com/otevrena-mesta)';
const ACCEPT = 'application/json, application/x-ndjson, text/csv, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;q=0.9, */*;q=0.5';
const MAX_LOG_LIMIT = 500;

type Download =
  | { kind: 'not_modified'; status: number; url: string }
  | { kind: 'body'; status: number; url: string; contentType: string | null; etag: string | null; lastModified: string | null; body: Uint8Array }
  | { kind: 'failed'; status: number | null; url: string; failure: HarvestFailure; detail: string };

type RunResult = Pick<HarvestRunSummary, 'outcome' | 'httpStatus' | 'jobId' | 'created' | 'newVersions' | 'rejected' | 'message'>;

const emptyResult = (outcome: HarvestOutcome, httpStatus: number | null, message: string | null = null): RunResult => ({
  outcome,
  httpStatus,
  jobId: null,
  created: 0,
  newVersions: 0,
  rejected: 0,
  message,
});

function toSource(row: HarvestSourceRow): HarvestSource {
  return {
    id: row.id,
    organizationId: row.organization_id,
    url: row.url,
    recordType: isRecordType(row.record_type) ? row.record_type : null,
    active: Number(row.active) === 1,
    etag: row.etag,
    lastModified: row.last_modified,
    contentSha256: row.content_sha256,
    createdAt: row.created_at,
    lastCheckedAt: row.last_checked_at,
  };
}

function toLogEntry(row: HarvestLogRow): HarvestLogEntry {
  // A value the code does not know (written by a newer version) is shown as a failure rather than hidden.
  const outcome: HarvestOutcome = isHarvestOutcome(row.outcome) ? row.outcome : 'failed';
  return {
    id: row.id,
    sourceId: row.source_id,
    url: row.url,
    outcome,
    outcomeLabel: HARVEST_OUTCOME_LABELS[outcome],
    httpStatus: row.http_status,
    jobId: row.job_id,
    created: row.created,
    newVersions: row.new_versions,
    rejected: row.rejected,
    message: row.message,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

function isRecordType(value: string | null | undefined): value is RecordType {
  return typeof value === 'string' && (RECORD_TYPES as readonly string[]).includes(value);
}

/** The first `code` in an error's chain of causes: fetch wraps the socket error (ECONNREFUSED…) in a TypeError. */
function errorCode(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 5) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  const fromCause = errorCode(cause, depth + 1);
  if (fromCause) return fromCause;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = errorCode(inner, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** Resolves a host name to all its addresses (dns.lookup; tests give their own). */
export type Resolve = (host: string) => Promise<Array<{ address: string; family: number }>>;

const systemResolve: Resolve = (host) => lookup(host, { all: true });

/** Every address the URL's host resolves to must be public: the early check, with a clear failure. */
async function resolvesToPublicAddresses(url: string, resolve: Resolve, isAllowed: (ip: string) => boolean): Promise<boolean> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const addresses = await resolve(host);
  return addresses.length > 0 && addresses.every((address) => isAllowed(address.address));
}

/** The error code of a connection refused at connect time because its address is not public. */
const PRIVATE_ADDRESS_CODE = 'E_HARVEST_PRIVATE_ADDRESS';

type LookupCallback = (error: Error | null, address: string | Array<{ address: string; family: number }>, family?: number) => void;

/**
 * A connection agent that resolves the host itself and connects only to public addresses. The early check alone
 * would leave a gap: the name is resolved again when connecting, and a DNS answer that changes in between (DNS
 * rebinding) could point the request at the intranet. Here the address checked is the address connected to.
 */
function publicOnlyAgent(resolve: Resolve, isAllowed: (ip: string) => boolean): Agent {
  const checkedLookup = (hostname: string, options: { all?: boolean }, callback: LookupCallback) => {
    resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0 || !addresses.every((a) => isAllowed(a.address))) {
          callback(Object.assign(new Error(`${hostname} resolves to a non-public address`), { code: PRIVATE_ADDRESS_CODE }), '');
        } else if (options.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: Error) => callback(error, ''),
    );
  };
  return new Agent({ connect: { lookup: checkedLookup as never } });
}

async function discard(response: Response): Promise<void> {
  // Cancelling frees the connection instead of leaving the unread body to the garbage collector.
  await response.body?.cancel().catch(() => undefined);
}

/** Reads a body up to maxBytes; null when it is larger (the rest is not downloaded). */
async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array | null> {
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export class HarvestService {
  private readonly fetch: typeof fetch;
  private readonly resolve: Resolve;
  private readonly isAllowedAddress: (ip: string) => boolean;
  /** Connects only to public addresses; null when the installation allows private networks. */
  private readonly dispatcher: Agent | null;
  private readonly logger: Logger;
  private readonly maxBytes: number;
  private readonly timeoutMs: number;
  private running: Promise<HarvestRunSummary[]> | null = null;

  constructor(
    private readonly repository: HarvestRepository,
    private readonly deps: HarvestDeps,
  ) {
    this.resolve = deps.resolve ?? systemResolve;
    this.isAllowedAddress = deps.isAllowedAddress ?? isPublicAddress;
    this.dispatcher = deps.allowPrivateNetworks ? null : publicOnlyAgent(this.resolve, this.isAllowedAddress);
    this.fetch = deps.fetch ?? (this.dispatcher ? (undiciFetch as unknown as typeof fetch) : globalThis.fetch);
    this.logger = deps.logger ?? silentLogger;
    this.maxBytes = deps.maxBytes ?? DEFAULT_MAX_BYTES;
    this.timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Registers a URL; the same URL again is a conflict, one removed earlier comes back (and is fetched afresh). */
  async addSource(organization: Organization, url: string, recordType?: RecordType | string | null): Promise<HarvestSource> {
    const checked = checkSourceUrl(url);
    if (!checked.ok) throw new AppError('validation_failed', checked.message, `invalid harvest url ${url.slice(0, 200)}`);
    let type: RecordType | null = null;
    if (recordType !== undefined && recordType !== null && recordType !== '') {
      if (!isRecordType(recordType)) {
        throw new AppError('validation_failed', `Typ záznamů „${recordType}“ neexistuje; zvolte smlouva, objednavka nebo faktura.`, `invalid record type ${recordType}`);
      }
      type = recordType;
    }
    const duplicate = () =>
      new AppError('conflict', `Adresa ${checked.url} už je mezi zdroji sklizně organizace ${organization.name}.`, `harvest source ${checked.url} exists for organization ${organization.id}`);
    const existing = await this.repository.findSourceByUrl(organization.id, checked.url);
    if (existing) {
      if (Number(existing.active) === 1) throw duplicate();
      return toSource(await this.repository.reactivateSource(existing.id, type));
    }
    try {
      return toSource(await this.repository.insertSource({ organization_id: organization.id, url: checked.url, record_type: type, created_at: nowUtc() }));
    } catch (error) {
      // Two registrations at once: the unique constraint lets one in.
      if (await this.repository.findSourceByUrl(organization.id, checked.url)) throw duplicate();
      throw error;
    }
  }

  async listSources(organization: Organization, options: { includeInactive?: boolean } = {}): Promise<HarvestSource[]> {
    return (await this.repository.listSources(organization.id, options)).map(toSource);
  }

  /** Stops harvesting a source; it stays in the database with its log. */
  async removeSource(organization: Organization, sourceId: number): Promise<void> {
    const row = await this.repository.findSource(sourceId);
    if (!row || row.organization_id !== organization.id) {
      throw new AppError('not_found', `Organizace ${organization.name} nemá zdroj sklizně č. ${sourceId}.`, `harvest source ${sourceId} not found for organization ${organization.id}`);
    }
    if (Number(row.active) === 1) await this.repository.deactivateSource(row.id);
  }

  /** The organisation's harvest log for its page, newest first. */
  async log(organization: Organization, limit = 50): Promise<HarvestLogEntry[]> {
    const capped = Math.min(MAX_LOG_LIMIT, Math.max(1, Math.floor(limit)));
    return (await this.repository.listRuns(organization.id, capped)).map(toLogEntry);
  }

  /** Harvests every active source, one after another. A call while a harvest runs joins it instead of starting another. */
  harvestAll(): Promise<HarvestRunSummary[]> {
    if (!this.running) {
      this.running = this.runAll().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  async harvestSource(sourceId: number): Promise<HarvestRunSummary> {
    const row = await this.repository.findSource(sourceId);
    if (!row) throw new AppError('not_found', `Zdroj sklizně č. ${sourceId} neexistuje.`, `harvest source ${sourceId} not found`);
    if (Number(row.active) !== 1) throw new AppError('conflict', `Zdroj sklizně č. ${sourceId} je vypnutý.`, `harvest source ${sourceId} is inactive`);
    return this.harvestRow(row);
  }

  /** Runs harvestAll every intervalMs; a tick while the previous run goes on is skipped. The timer never keeps the process alive. */
  startSchedule(intervalMs: number): HarvestSchedule {
    if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new Error(`harvest interval must be a positive number of milliseconds, got ${intervalMs}`);
    let current: Promise<void> | null = null;
    const tick = () => {
      if (current) {
        this.logger.info('harvest still running, tick skipped');
        return;
      }
      current = this.harvestAll()
        .then((summaries) => {
          const count = (outcome: HarvestOutcome) => summaries.filter((s) => s.outcome === outcome).length;
          this.logger.info('harvest finished', { sources: summaries.length, imported: count('imported'), failed: count('failed'), notModified: count('not_modified'), unchanged: count('unchanged') });
        })
        .catch((error: unknown) => this.logger.error('harvest failed', { error: (error as Error).message }))
        .finally(() => {
          current = null;
        });
    };
    const timer = setInterval(tick, intervalMs);
    timer.unref();
    this.logger.info('harvest scheduled', { intervalMs });
    return {
      stop: () => clearInterval(timer),
      idle: async () => {
        await current;
      },
    };
  }

  private async runAll(): Promise<HarvestRunSummary[]> {
    const sources = await this.repository.dueSources();
    const summaries: HarvestRunSummary[] = [];
    for (const row of sources) {
      const startedAt = nowUtc();
      try {
        summaries.push(await this.harvestRow(row));
      } catch (error) {
        this.logger.error('harvest run not recorded', { sourceId: row.id, url: row.url, error: (error as Error).message });
        summaries.push({
          runId: null,
          sourceId: row.id,
          organizationId: row.organization_id,
          url: row.url,
          ...emptyResult('failed', null, 'Běh sklizně se nepodařilo zaznamenat; podrobnosti jsou v logu serveru.'),
          startedAt,
          finishedAt: nowUtc(),
        });
      }
    }
    return summaries;
  }

  private async harvestRow(row: HarvestSourceRow): Promise<HarvestRunSummary> {
    const startedAt = nowUtc();
    let result: RunResult;
    try {
      result = await this.fetchAndImport(row);
    } catch (error) {
      // Only unexpected errors get here (a database failure, a bug): fetch and import failures are results.
      this.logger.error('harvest source failed unexpectedly', { sourceId: row.id, url: row.url, error: (error as Error).stack ?? String(error) });
      result = emptyResult('failed', null, 'Při sklizni došlo k neočekávané chybě; podrobnosti jsou v logu serveru.');
    }
    const finishedAt = nowUtc();
    const runId = await this.repository.insertRun({
      source_id: row.id,
      organization_id: row.organization_id,
      started_at: startedAt,
      finished_at: finishedAt,
      outcome: result.outcome,
      http_status: result.httpStatus,
      job_id: result.jobId,
      created: result.created,
      new_versions: result.newVersions,
      rejected: result.rejected,
      message: result.message,
    });
    const fields = { sourceId: row.id, organizationId: row.organization_id, url: row.url, outcome: result.outcome, httpStatus: result.httpStatus, jobId: result.jobId, created: result.created, newVersions: result.newVersions, rejected: result.rejected, durationMs: Date.parse(finishedAt) - Date.parse(startedAt) };
    if (result.outcome === 'failed') this.logger.warn('harvest run failed', fields);
    else this.logger.info('harvest run', fields);
    return { runId, sourceId: row.id, organizationId: row.organization_id, url: row.url, ...result, startedAt, finishedAt };
  }

  private async fetchAndImport(row: HarvestSourceRow): Promise<RunResult> {
    const organization = await this.deps.organizations.findById(row.organization_id);
    if (!organization) throw new Error(`organization ${row.organization_id} of harvest source ${row.id} not found`);
    const download = await this.download(row);
    const checkedAt = () => nowUtc();
    if (download.kind === 'failed') {
      this.logger.warn('harvest download failed', { sourceId: row.id, url: download.url, status: download.status, detail: download.detail });
      await this.repository.markChecked(row.id, checkedAt());
      return emptyResult('failed', download.status, failureMessage(download.failure));
    }
    if (download.kind === 'not_modified') {
      await this.repository.markChecked(row.id, checkedAt());
      return emptyResult('not_modified', download.status);
    }
    const digest = sha256(download.body);
    const validators = { etag: download.etag, last_modified: download.lastModified, content_sha256: digest };
    if (row.content_sha256 === digest) {
      // The server ignores conditional requests but the content is the same; its current validators may still let it answer 304 next time.
      await this.repository.updateValidators(row.id, validators, checkedAt());
      return emptyResult('unchanged', download.status);
    }
    if (looksLikeHtml(download.contentType, download.body)) {
      await this.repository.markChecked(row.id, checkedAt());
      return emptyResult('failed', download.status, failureMessage({ kind: 'html_page' }));
    }
    let imported: { jobId: number; created: number; newVersions: number; rejected: number };
    try {
      imported = await this.importBody(organization, row, download, digest);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // The validators stay as they were, so the next run fetches the (hopefully fixed) file in full.
      this.logger.warn('harvest import failed', { sourceId: row.id, url: row.url, code: error.code, error: error.message });
      await this.repository.markChecked(row.id, checkedAt());
      return emptyResult('failed', download.status, `Soubor nelze načíst: ${error.userMessage}`);
    }
    await this.repository.updateValidators(row.id, validators, checkedAt());
    return {
      outcome: 'imported',
      httpStatus: download.status,
      jobId: imported.jobId,
      created: imported.created,
      newVersions: imported.newVersions,
      rejected: imported.rejected,
      message: rejectedRowsMessage(imported.rejected, imported.jobId),
    };
  }

  private async importBody(
    organization: Organization,
    row: HarvestSourceRow,
    download: Extract<Download, { kind: 'body' }>,
    digest: string,
  ): Promise<{ jobId: number; created: number; newVersions: number; rejected: number }> {
    const choice = chooseImporter(download.contentType, download.url, download.body.subarray(0, 64));
    const defaultType = isRecordType(row.record_type) ? row.record_type : undefined;
    if (choice.importer === 'table') {
      const result = await this.deps.tables.importTable(organization, bytesSource(row.url, download.body), { actor: HARVEST_ACTOR, defaultType });
      return { jobId: result.job.id, created: result.created, newVersions: result.newVersions, rejected: result.rejected };
    }
    const result = await this.deps.jobs.run(
      { kind: 'harvest', organizationId: organization.id, sourceName: row.url, sourceKey: `harvest:${row.id}:sha256:${digest}`, actor: HARVEST_ACTOR, totalBytes: download.body.length },
      async () => {
        const report = await this.deps.publishing.publishFile(organization, download.body, {
          format: choice.format,
          defaultType,
          source: `harvest:${row.url}`,
          keepOutcomes: 'problems',
          maxOutcomes: 10_000,
        });
        return {
          counts: { read: report.read, created: report.created, newVersions: report.newVersions, unchanged: report.unchanged, rejected: report.rejected },
          report: { url: row.url, finalUrl: download.url, format: report.format, encoding: report.encoding, fileIssues: report.fileIssues, outcomes: report.outcomes, outcomesTruncated: report.outcomesTruncated },
        };
      },
    );
    return { jobId: result.job.id, created: result.counts.created, newVersions: result.counts.newVersions, rejected: result.counts.rejected };
  }

  /** A conditional GET that follows redirects itself, so that every hop is checked and counted. */
  private async download(row: HarvestSourceRow): Promise<Download> {
    const asked = conditionalHeaders({ etag: row.etag, lastModified: row.last_modified });
    const headers = { 'user-agent': USER_AGENT, accept: ACCEPT, ...asked };
    const signal = AbortSignal.timeout(this.timeoutMs);
    let url = row.url;
    let status: number | null = null;
    const failed = (failure: HarvestFailure, detail: string): Download => ({ kind: 'failed', status, url, failure, detail });
    try {
      for (let redirects = 0; ; redirects++) {
        if (!this.deps.allowPrivateNetworks && !(await resolvesToPublicAddresses(url, this.resolve, this.isAllowedAddress))) return failed({ kind: 'private_address' }, `${url} resolves to a non-public address`);
        const response = await this.fetch(url, { headers, redirect: 'manual', signal, ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}) } as RequestInit);
        status = response.status;
        if (REDIRECT_STATUSES.has(response.status)) {
          await discard(response);
          if (redirects >= MAX_REDIRECTS) return failed({ kind: 'too_many_redirects', max: MAX_REDIRECTS }, `more than ${MAX_REDIRECTS} redirects`);
          const next = resolveRedirect(url, response.headers.get('location'));
          if (!next.ok) return failed({ kind: 'bad_redirect', reason: next.message }, `bad redirect to ${response.headers.get('location') ?? '(none)'}`);
          url = next.url;
          continue;
        }
        if (response.status === 304) {
          await discard(response);
          if (Object.keys(asked).length === 0) return failed({ kind: 'not_modified_unasked' }, '304 to an unconditional request');
          return { kind: 'not_modified', status: response.status, url };
        }
        if (response.status !== 200 && response.status !== 203) {
          await discard(response);
          return failed({ kind: 'http_status', status: response.status }, `HTTP ${response.status}`);
        }
        const declared = Number(response.headers.get('content-length') ?? NaN);
        if (Number.isFinite(declared) && declared > this.maxBytes) {
          await discard(response);
          return failed({ kind: 'too_large', maxBytes: this.maxBytes }, `content-length ${declared} over ${this.maxBytes}`);
        }
        const body = await readCapped(response, this.maxBytes);
        if (!body) return failed({ kind: 'too_large', maxBytes: this.maxBytes }, `body over ${this.maxBytes} bytes`);
        return {
          kind: 'body',
          status: response.status,
          url,
          contentType: response.headers.get('content-type'),
          etag: response.headers.get('etag'),
          lastModified: response.headers.get('last-modified'),
          body,
        };
      }
    } catch (error) {
      if (signal.aborted) return failed({ kind: 'timeout', timeoutMs: this.timeoutMs }, `timed out after ${this.timeoutMs} ms`);
      const code = errorCode(error);
      if (code === PRIVATE_ADDRESS_CODE) return failed({ kind: 'private_address' }, `${url} resolved to a non-public address when connecting`);
      return failed({ kind: 'network', code }, `${(error as Error).message}${code ? ` (${code})` : ''}`);
    }
  }
}
