/**
 * Use-cases of the register: publish records (created / new version / unchanged / rejected), withdraw a record,
 * read records with their history. Nothing here deletes: a correction is a new version, a withdrawal too.
 */
import { GenerationCache } from '../shared/generation-cache.ts';
import { AppError } from '../errors.ts';
import { randomUUID } from 'node:crypto';
import { nowUtc } from '../shared/dates.ts';
import { rejectedRecordsCs } from '../shared/format.ts';
import type { Redaction, ValidationIssue } from '../standard/validate.ts';
import { primaryDate, type RecordType, type StandardRecord } from '../standard/schema.ts';
import type { QualityGap } from '../standard/quality.ts';
import type { Organization } from '../organizations/service.ts';
import { diffRecords, linksOf, type FieldChange, type LinkKind } from './rules.ts';
import { concentration, dominantSupplierFlag, flagColumn, redFlagsOf, withLatenessFrom, type Concentration, type RedFlag } from './red-flags.ts';
import { prepareAll, type InputItem, type PreparedItem, type PreparedRecord } from './prepare.ts';

export type { InputItem } from './prepare.ts';
import type { RecordListFilter, RecordListRow, RegisterRepository } from './repository.ts';
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

export type PublishStatus = 'created' | 'new_version' | 'unchanged' | 'rejected';

export interface PublishOutcome {
  line: number;
  id: string | null;
  status: PublishStatus;
  version: number | null;
  quality: string | null;
  issues: ValidationIssue[];
}

export interface PublishCounts {
  read: number;
  created: number;
  newVersions: number;
  unchanged: number;
  rejected: number;
  withWarnings: number;
}

export interface PublishReport extends PublishCounts {
  outcomes: PublishOutcome[];
  /** True when outcomes were capped (counts stay exact). */
  outcomesTruncated: boolean;
}

export interface PublishOptions {
  source: string;
  atomic?: boolean;
  defaultType?: RecordType;
  note?: string;
  batchSize?: number;
  /** 'all' keeps every outcome (API answers per record); 'problems' only rejected and warned ones (large files). */
  keepOutcomes?: 'all' | 'problems';
  maxOutcomes?: number;
  onProgress?: (counts: PublishCounts) => void;
  /**
   * Runs inside the transaction of each batch that stores records, after its records, with that transaction's
   * connection; throwing rolls the batch back. For a write of another module that must commit together with the
   * records or not at all (a draft marked published).
   */
  alsoInTransaction?: (transaction: Transaction<Database>) => Promise<void>;
}

interface Pending {
  organizationId: number;
  outcome: PublishOutcome;
  item: PreparedRecord;
}

export interface VersionView {
  versionNo: number;
  change: 'created' | 'corrected' | 'withdrawn';
  content: StandardRecord;
  quality: string;
  qualityGaps: QualityGap[];
  warnings: ValidationIssue[];
  redactedPaths: string[];
  note: string | null;
  source: string;
  publishedAt: string;
  changes: FieldChange[];
}

export interface ChangeItem {
  /** Position in the feed; pass the last one seen as `since` to continue. */
  seq: number;
  change: 'created' | 'corrected' | 'withdrawn';
  organizationIco: string;
  id: string;
  type: RecordType;
  version: number;
  publishedAt: string;
  note: string | null;
  record: StandardRecord;
}

export interface RecordDetail {
  organization: Organization;
  id: string;
  type: RecordType;
  status: 'published' | 'withdrawn';
  withdrawalReason: string | null;
  withdrawnAt: string | null;
  firstPublishedAt: string;
  updatedAt: string;
  current: VersionView;
  versions: VersionView[];
}

export interface OrganizationProfile {
  years: Array<{ year: string; type: string; quality: string; count: number; amount: number }>;
  suppliers: Array<{ key: string; name: string; ico: string | null; amount: number; records: number }>;
  concentrationByYear: Array<{ year: string } & Concentration>;
  /** CZK sum of all published records. */
  total: number;
}

export interface RecordListItem {
  organizationIco: string;
  organizationName: string;
  id: string;
  type: RecordType;
  status: string;
  subject: string;
  ownNumber: string | null;
  date: string;
  amountWithoutVat: number | null;
  amountWithVat: number | null;
  currency: string;
  quality: string;
  hasAttachment: boolean;
  version: number;
  updatedAt: string;
}

/** A prepared item and its organisation; a rejected item may have none (e.g. its publisher is unknown). */
export type PreparedForOrganization = { organization: Organization; item: PreparedItem } | { organization: null; item: PreparedItem & { rejected: true } };

class AtomicRollback extends Error {}

/**
 * Past this many written records the planner's statistics are refreshed. Measured on PostgreSQL after importing a
 * 1,000,000-record dump into an empty schema: without it, search p95 was 21 s (plans for an empty table).
 */
const BULK_LOAD_RECORDS = 50_000;

/** Keeps the outcomes a caller asked for ('problems': rejected and warned only), up to its limit. */
function outcomeRecorder(report: PublishReport, options: PublishOptions): (outcome: PublishOutcome) => void {
  const keep = options.keepOutcomes ?? 'all';
  const maxOutcomes = options.maxOutcomes ?? Number.POSITIVE_INFINITY;
  return (outcome) => {
    if (keep === 'problems' && outcome.status !== 'rejected' && outcome.issues.length === 0) return;
    if (report.outcomes.length < maxOutcomes) report.outcomes.push(outcome);
    else report.outcomesTruncated = true;
  };
}

export function encodeCursor(date: string, id: number): string {
  return Buffer.from(JSON.stringify([date, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { date: string; id: number } {
  try {
    const [date, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof date === 'string' && typeof id === 'number') return { date, id };
  } catch {
    // fall through
  }
  throw new AppError('bad_request', 'Neplatný kurzor stránkování.', 'invalid cursor');
}

export function toListItem(row: RecordListRow): RecordListItem {
  return {
    organizationIco: row.organization_ico,
    organizationName: row.organization_name,
    id: row.record_key,
    type: row.type as RecordType,
    status: row.status,
    subject: row.subject,
    ownNumber: row.own_number,
    date: row.primary_date,
    amountWithoutVat: row.amount_without_vat,
    amountWithVat: row.amount_with_vat,
    currency: row.currency,
    quality: row.quality,
    hasAttachment: row.has_attachment === 1,
    version: row.current_version_no,
    updatedAt: row.updated_at,
  };
}

export class RegisterService {
  private totalsCache: { value: { records: number; versions: number }; until: number } | null = null;

  private readonly figures = new GenerationCache<unknown>(2000);
  private pendingGeneration: Promise<string> | null = null;

  constructor(private readonly repository: RegisterRepository) {}

  /** The id of the organisation's record of a type with this own number (contract number, order number), if any. */
  findKeyByOwnNumber(organization: Organization, type: RecordType, ownNumber: string): Promise<string | undefined> {
    return this.repository.findKeyByOwnNumber(organization.id, type, ownNumber);
  }

  /** Validates and stores items read in this thread. */
  publish(organization: Organization, items: AsyncIterable<InputItem> | Iterable<InputItem>, options: PublishOptions): Promise<PublishReport> {
    return this.publishPrepared(organization, prepareAll(items, options.defaultType), options);
  }

  /** Stores items already validated and prepared (possibly by a worker thread). */
  async publishPrepared(organization: Organization, items: AsyncIterable<PreparedItem> | Iterable<PreparedItem>, options: PublishOptions): Promise<PublishReport> {
    const batchSize = options.batchSize ?? 1000;
    async function* batches(): AsyncGenerator<PreparedForOrganization[]> {
      let batch: PreparedForOrganization[] = [];
      for await (const item of items) {
        batch.push({ organization, item });
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    }
    return this.publishPreparedGroups(batches(), options);
  }

  /**
   * Stores batches of prepared items, possibly of several organisations (a contract register dump): each batch is
   * one transaction, so a crash leaves whole batches only; with `atomic` all batches are one transaction.
   */
  async publishPreparedGroups(batches: AsyncIterable<PreparedForOrganization[]>, options: Omit<PublishOptions, 'batchSize' | 'defaultType'>): Promise<PublishReport> {
    const report: PublishReport = { read: 0, created: 0, newVersions: 0, unchanged: 0, rejected: 0, withWarnings: 0, outcomes: [], outcomesTruncated: false };
    if (options.atomic) {
      // All or nothing: every batch in one transaction, rolled back when anything was rejected.
      try {
        await this.repository.inTransaction(async (trx) => {
          await this.writeGroups(trx, batches, options, report, true);
          if (report.rejected > 0) throw new AtomicRollback();
        });
      } catch (error) {
        if (!(error instanceof AtomicRollback)) throw error;
        throw this.atomicRejection(report);
      }
      return report;
    }
    await this.writeGroups(this.repository, batches, options, report, false);
    if (report.created + report.newVersions >= BULK_LOAD_RECORDS) await this.repository.refreshStatistics();
    return report;
  }

  private atomicRejection(report: PublishReport): AppError {
    report.created = 0;
    report.newVersions = 0;
    report.unchanged = 0;
    report.outcomes = report.outcomes.filter((outcome) => outcome.status === 'rejected');
    return new AppError(
      'atomic_rejected',
      `${rejectedRecordsCs(report.rejected)}; v režimu „vše, nebo nic“ se proto neuložilo nic.`,
      `atomic publish rejected ${report.rejected} records; nothing stored`,
      report,
    );
  }

  private async writeGroups(repository: RegisterRepository, batches: AsyncIterable<PreparedForOrganization[]>, options: PublishOptions, report: PublishReport, inTransaction: boolean): Promise<void> {
    const record = outcomeRecorder(report, options);
    for await (const batch of batches) {
      const pending: Pending[] = [];
      for (const { organization, item } of batch) {
        report.read++;
        if (item.rejected || organization === null) {
          if (!item.rejected) throw new Error('an accepted item needs its organisation');
          report.rejected++;
          record({ line: item.line, id: item.id, status: 'rejected', version: null, quality: null, issues: item.issues });
          continue;
        }
        if (item.warnings.length > 0) report.withWarnings++;
        const outcome: PublishOutcome = { line: item.line, id: item.key, status: 'unchanged', version: null, quality: item.quality, issues: item.warnings };
        record(outcome);
        pending.push({ organizationId: organization.id, outcome, item });
      }
      // One statement per wave for all organisations of the batch: a dump touches hundreds of them per batch.
      if (pending.length > 0 && !(inTransaction && report.rejected > 0)) {
        const write = async (trx: RegisterRepository) => {
          await this.writeBatch(trx, pending, options, report);
          if (options.alsoInTransaction) await options.alsoInTransaction(trx.transaction!);
        };
        if (inTransaction) await write(repository);
        else await repository.inTransaction(write);
      }
      options.onProgress?.(report);
    }
  }

  private async writeBatch(repository: RegisterRepository, batch: Pending[], options: PublishOptions, report: PublishReport): Promise<void> {
    this.totalsCache = null;
    // A key may repeat within a batch (several versions in one file); each wave holds a key at most once.
    // The n-th occurrence of a key goes to wave n, so a batch needs as many statements as its most repeated key
    // has versions (splitting at every repeat instead made a register dump run ~100 statements per batch).
    // The database decides per record: a new key is inserted, a changed one gets the next version, and an
    // identical one is left alone and not returned (the upsert only updates when the content hash differs).
    const waves: Pending[][] = [];
    const occurrences = new Map<string, number>();
    for (const pending of batch) {
      const waveKey = `${pending.organizationId}:${pending.item.key}`;
      const wave = occurrences.get(waveKey) ?? 0;
      occurrences.set(waveKey, wave + 1);
      (waves[wave] ??= []).push(pending);
    }
    const unchanged: Pending[] = [];

    const now = nowUtc();
    for (const wave of waves) {
      if (wave.length === 0) continue;
      const written = await repository.upsertRecords(
        wave.map(({ organizationId, item: { key, hash, summary } }) => ({
          organization_id: organizationId,
          record_key: key,
          type: summary.type,
          status: 'published',
          current_version_no: 1,
          content_hash: hash,
          subject: summary.subject,
          own_number: summary.ownNumber,
          primary_date: summary.primaryDate,
          amount_without_vat: summary.amountWithoutVat,
          amount_with_vat: summary.amountWithVat,
          currency: summary.currency,
          quality: summary.quality,
          has_attachment: summary.hasAttachment ? 1 : 0,
          party_count: summary.partyCount,
          attachment_count: summary.attachmentCount,
          search_text: summary.searchText,
          first_published_at: now,
          updated_at: now,
          withdrawn_at: null,
          withdrawal_reason: null,
          source_version: summary.sourceVersion,
          red_flags: summary.redFlags,
        })),
      );
      const byKey = new Map(written.map((row) => [`${row.organization_id}:${row.record_key}`, row]));
      const versions = [];
      const parties = [];
      const links = [];
      const relinked: number[] = [];
      for (const pending of wave) {
        const { item, outcome } = pending;
        const row = byKey.get(`${pending.organizationId}:${item.key}`);
        if (!row) {
          outcome.status = 'unchanged';
          report.unchanged++;
          unchanged.push(pending);
          continue;
        }
        versions.push({
          record_id: row.id,
          version_no: row.current_version_no,
          change: row.current_version_no === 1 ? 'created' : 'corrected',
          content: item.content,
          content_hash: item.hash,
          quality: item.quality,
          quality_gaps: item.qualityGapsJson,
          warnings: JSON.stringify(item.warnings),
          redactions: item.redactionsJson,
          personal_data: item.personalDataJson,
          note: options.note ?? null,
          source: options.source,
          published_at: now,
        });
        // A new record's links are only inserted; a new version's replace the old ones (usually none).
        if (row.current_version_no > 1) relinked.push(row.id);
        for (const link of item.summary.links) links.push({ record_id: row.id, organization_id: row.organization_id, kind: link.kind, target_key: link.key });
        for (const party of item.summary.parties) {
          parties.push({
            record_id: row.id,
            version_no: row.current_version_no,
            position: party.position,
            name: party.name,
            name_folded: party.nameFolded,
            ico: party.ico,
            foreign_id: party.foreignId,
            role: party.role,
          });
        }
        const lateness = item.summary.latenessFromFirstPublication;
        if (row.current_version_no > 1 && lateness) {
          const flags = withLatenessFrom(item.summary.redFlags, lateness, row.first_published_at.slice(0, 10));
          if (flags !== item.summary.redFlags) await repository.setRedFlags(row.id, flags);
        }
        outcome.version = row.current_version_no;
        if (row.current_version_no === 1) {
          outcome.status = 'created';
          report.created++;
        } else {
          outcome.status = 'new_version';
          report.newVersions++;
        }
      }
      await repository.insertVersions(versions);
      await repository.insertParties(parties);
      if (links.length > 0 || relinked.length > 0) await repository.replaceLinks(relinked, links);
    }
    // Only answers that list every record (the API) need the version an unchanged record stays at.
    if (unchanged.length > 0 && (options.keepOutcomes ?? 'all') === 'all') {
      for (const organizationId of new Set(unchanged.map((p) => p.organizationId))) {
        const own = unchanged.filter((p) => p.organizationId === organizationId);
        const states = await repository.findStates(organizationId, [...new Set(own.map(({ item }) => item.key))]);
        for (const { item, outcome } of own) outcome.version = states.get(item.key)?.current_version_no ?? null;
      }
    }
  }

  /**
   * Computes the stored red flags again from each record's current content: after the migration that added them
   * (`onlyMissing`), or after the methodology changed (e.g. a new threshold). Returns how many records changed.
   * A change is marked in the register's generation: cached answers and the search index of every process follow.
   */
  async recomputeRedFlags(options: { onlyMissing: boolean }): Promise<number> {
    let afterId = 0;
    let changed = 0;
    for (;;) {
      const rows = await this.repository.recordsForFlags(afterId, 500, options.onlyMissing);
      if (rows.length === 0) {
        if (changed > 0) await this.repository.markFlagsRecomputed(`${nowUtc()} ${randomUUID()}`);
        return changed;
      }
      await this.repository.inTransaction(async (trx) => {
        for (const row of rows) {
          const flags = flagColumn(redFlagsOf(JSON.parse(row.content) as StandardRecord, row.first_published_at.slice(0, 10)));
          if (flags !== row.red_flags) {
            await trx.setRedFlags(row.id, flags);
            changed++;
          }
        }
      });
      afterId = rows[rows.length - 1]!.id;
    }
  }

  /** Computes the party and attachment counts of records older than those columns (after their migration). */
  async fillListCounts(): Promise<number> {
    let afterId = 0;
    let filled = 0;
    for (;;) {
      const rows = await this.repository.recordsWithoutListCounts(afterId, 500);
      if (rows.length === 0) return filled;
      await this.repository.inTransaction(async (trx) => {
        for (const row of rows) {
          const record = JSON.parse(row.content) as StandardRecord;
          await trx.setListCounts(row.id, record.strany.length, (record.prilohy ?? []).length);
        }
      });
      filled += rows.length;
      afterId = rows[rows.length - 1]!.id;
    }
  }

  /** Writes the links of every record from its current content (after the migration that added them). */
  async rebuildLinks(): Promise<number> {
    let afterId = 0;
    let written = 0;
    for (;;) {
      const rows = await this.repository.recordsForLinks(afterId, 500);
      if (rows.length === 0) return written;
      const links = rows.flatMap((row) => linksOf(JSON.parse(row.content) as StandardRecord).map((link) => ({ record_id: row.id, organization_id: row.organization_id, kind: link.kind, target_key: link.key })));
      await this.repository.inTransaction((trx) => trx.replaceLinks(rows.map((r) => r.id), links));
      written += links.length;
      afterId = rows[rows.length - 1]!.id;
    }
  }

  /** The record's red flags as of now, with the organisation-level one (a dominant supplier in the record's year). */
  async redFlags(detail: RecordDetail): Promise<RedFlag[]> {
    const record = detail.current.content;
    const flags = redFlagsOf(record, detail.firstPublishedAt.slice(0, 10));
    const year = primaryDate(record).slice(0, 4);
    const measured = concentration(await this.repository.supplierSharesByYear([detail.organization.id], year));
    const dominant = measured.largest;
    if (measured.highlyConcentrated && dominant && record.strany.some((party) => (party.ico ?? null) === dominant.ico && (party.role ?? 'prijemce') === 'prijemce')) {
      flags.push(dominantSupplierFlag(year, measured));
    }
    return flags;
  }

  /** Records of the organisation that refer to this one, and whether the records this one refers to exist. */
  async links(detail: RecordDetail): Promise<{ from: Array<RecordListItem & { linkKind: string }>; to: Array<{ kind: LinkKind; key: string; exists: boolean; subject: string | null }> }> {
    const rows = await this.repository.linkedTo(detail.organization.id, detail.id);
    const from = rows.map((row) => ({ ...toListItem({ ...row, organization_ico: detail.organization.ico, organization_name: detail.organization.name }), linkKind: row.link_kind }));
    const to = await Promise.all(
      linksOf(detail.current.content).map(async (link) => {
        const target = await this.repository.findRecord(detail.organization.id, link.key);
        return { ...link, exists: target !== undefined, subject: target?.subject ?? null };
      }),
    );
    return { from, to };
  }

  /** An organisation's figures: counts and sums by year and type, quality by year, suppliers, and concentration per year. */
  /**
   * Computes an answer once per state of the register: organisation pages under load ask the same aggregates
   * again and again, and each costs milliseconds at a million records. Any stored version (by any process) or
   * changed organisation makes every entry stale.
   */
  private async memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const generation = await this.currentGeneration();
    const cached = this.figures.get(key, generation) as T | undefined;
    if (cached !== undefined) return cached;
    const value = await compute();
    this.figures.set(key, generation, value);
    return value;
  }

  /** First and later versions stored with this source (a resumed import job counts all its attempts so). */
  versionsWithSource(source: string): Promise<{ created: number; newVersions: number }> {
    return this.repository.versionsWithSource(source);
  }

  /** A value that changes with every stored version and organisation change (repository.generation). */
  generation(): Promise<string> {
    return this.currentGeneration();
  }

  /** Calls made together (a page's Promise.all) share one generation query. */
  private currentGeneration(): Promise<string> {
    this.pendingGeneration ??= this.repository.generation().finally(() => {
      this.pendingGeneration = null;
    });
    return this.pendingGeneration;
  }

  organizationProfile(organizationIds: number[]): Promise<OrganizationProfile> {
    return this.memo(`profile:${organizationIds.join(',')}`, () => this.computeOrganizationProfile(organizationIds));
  }

  private async computeOrganizationProfile(organizationIds: number[]): Promise<OrganizationProfile> {
    const [years, shares] = await Promise.all([this.repository.organizationYears(organizationIds), this.repository.supplierSharesByYear(organizationIds)]);
    const bySupplier = new Map<string, { key: string; name: string; ico: string | null; amount: number; records: number }>();
    for (const share of shares) {
      const sum = bySupplier.get(share.key) ?? { key: share.key, name: share.name, ico: share.ico, amount: 0, records: 0 };
      sum.amount += share.amount;
      sum.records += share.records;
      bySupplier.set(share.key, sum);
    }
    const suppliers = [...bySupplier.values()].sort((a, b) => b.amount - a.amount || a.key.localeCompare(b.key)).slice(0, 10);
    const yearNames = [...new Set(years.map((y) => y.year))].sort();
    const concentrationByYear = yearNames.map((year) => ({ year, ...concentration(shares.filter((s) => s.year === year)) }));
    const total = years.reduce((sum, y) => sum + y.amount, 0);
    return { years, suppliers, concentrationByYear, total };
  }

  async withdraw(organization: Organization, key: string, reason: string, options: { source: string; note?: string }): Promise<RecordDetail> {
    const trimmed = reason.trim();
    if (trimmed.length < 3) {
      throw new AppError('validation_failed', 'Znepřístupnění vyžaduje důvod.', 'withdrawal reason missing');
    }
    this.totalsCache = null;
    await this.repository.inTransaction(async (repository) => {
      const record = await repository.findRecord(organization.id, key);
      if (!record) throw new AppError('not_found', `Záznam „${key}“ neexistuje.`, `record ${key} not found`);
      if (record.status === 'withdrawn') throw new AppError('conflict', 'Záznam už je znepřístupněn.', `record ${key} already withdrawn`);
      const current = await repository.versionRow(record.id, record.current_version_no);
      if (!current) throw new Error(`record ${record.id} lacks its current version`);
      const versionNo = record.current_version_no + 1;
      const now = nowUtc();
      await repository.insertVersions([
        { ...current, version_no: versionNo, change: 'withdrawn', note: options.note ? `${trimmed} — ${options.note}` : trimmed, source: options.source, published_at: now, personal_data: null },
      ]);
      await repository.copyParties(record.id, record.current_version_no, versionNo);
      await repository.markWithdrawn(record.id, versionNo, trimmed, now);
    });
    return this.detail(organization, key);
  }

  /**
   * The values the current version of a record keeps out of its public content (birth numbers), for the
   * organisation's own correction of the record only: never for a page or the API.
   */
  async hiddenValues(organization: Organization, key: string): Promise<Redaction[]> {
    const json = await this.repository.currentPersonalData(organization.id, key);
    return json ? (JSON.parse(json) as Redaction[]) : [];
  }

  async detail(organization: Organization, key: string): Promise<RecordDetail> {
    const record = await this.repository.findRecord(organization.id, key);
    if (!record) throw new AppError('not_found', `Záznam „${key}“ organizace ${organization.name} neexistuje.`, `record ${key} of ${organization.ico} not found`);
    const rows = await this.repository.versions(record.id);
    let previous: unknown = undefined;
    const versions: VersionView[] = rows.map((row) => {
      const content = JSON.parse(row.content) as StandardRecord;
      const view: VersionView = {
        versionNo: row.version_no,
        change: row.change as VersionView['change'],
        content,
        quality: row.quality,
        qualityGaps: JSON.parse(row.quality_gaps) as QualityGap[],
        warnings: JSON.parse(row.warnings) as ValidationIssue[],
        redactedPaths: (JSON.parse(row.redactions) as Array<{ path: string }>).map((r) => r.path),
        note: row.note,
        source: row.source,
        publishedAt: row.published_at,
        changes: previous === undefined ? [] : diffRecords(previous, content),
      };
      previous = content;
      return view;
    });
    return {
      organization,
      id: record.record_key,
      type: record.type as RecordType,
      status: record.status as RecordDetail['status'],
      withdrawalReason: record.withdrawal_reason,
      withdrawnAt: record.withdrawn_at,
      firstPublishedAt: record.first_published_at,
      updatedAt: record.updated_at,
      current: versions[versions.length - 1]!,
      versions,
    };
  }

  /** A page of records; first pages (what organisation pages show) are kept per state of the register. */
  list(filter: RecordListFilter, options: { cursor?: string; limit: number }): Promise<{ items: RecordListItem[]; nextCursor: string | null }> {
    if (options.cursor) return this.listPage(filter, options);
    return this.memo(`list:${options.limit}:${JSON.stringify(filter)}`, () => this.listPage(filter, options));
  }

  private async listPage(filter: RecordListFilter, options: { cursor?: string; limit: number }): Promise<{ items: RecordListItem[]; nextCursor: string | null }> {
    const cursor = options.cursor ? decodeCursor(options.cursor) : undefined;
    const rows = await this.repository.list(filter, cursor, options.limit + 1);
    const page = rows.slice(0, options.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toListItem),
      nextCursor: rows.length > options.limit && last ? encodeCursor(last.primary_date, last.id) : null,
    };
  }

  /** What changed after sequence number `since`, oldest first: new records, new versions, withdrawals. */
  async changes(since: number, limit: number, organizationId?: number): Promise<{ items: ChangeItem[]; nextSince: number; hasMore: boolean }> {
    const rows = await this.repository.changesAfter(since, limit + 1, organizationId);
    const page = rows.slice(0, limit);
    return {
      items: page.map((row) => ({
        seq: row.seq,
        change: row.change as ChangeItem['change'],
        organizationIco: row.organization_ico,
        id: row.record_key,
        type: row.type as RecordType,
        version: row.version_no,
        publishedAt: row.published_at,
        note: row.note,
        record: JSON.parse(row.content) as StandardRecord,
      })),
      nextSince: page.length > 0 ? page[page.length - 1]!.seq : since,
      hasMore: rows.length > limit,
    };
  }

  count(filter: RecordListFilter): Promise<number> {
    return this.memo(`count:${JSON.stringify(filter)}`, () => this.repository.count(filter));
  }

  /**
   * Platform totals for the home page. Counting a million rows takes ~0.2 s on SQLite, so the answer is kept for
   * 30 seconds and dropped whenever this process writes (other processes' imports show within the 30 seconds).
   */
  async totals(): Promise<{ records: number; versions: number }> {
    const now = Date.now();
    if (this.totalsCache && this.totalsCache.until > now) return this.totalsCache.value;
    const value = await this.repository.totals();
    this.totalsCache = { value, until: now + 30_000 };
    return value;
  }
}
