/** All SQL of the register. Versions are only ever inserted; records are updated to point at their newest version. */
import { sql, type RawBuilder, type Expression, type ExpressionBuilder, type Insertable, type InsertQueryBuilder, type InsertResult, type Kysely, type SqlBool, type Transaction } from 'kysely';
import { bulkInsert, type ColumnType } from '../db/bulk.ts';
import { refreshStatistics, serializeVersionWrites, textPosition } from '../db/dialect.ts';
import type { Database, NewRecordRow, RecordRow, RecordsTable, RecordVersionRow } from '../db/schema.ts';

type RecordsEb = ExpressionBuilder<Database & { r: RecordsTable }, 'r'>;

export interface RecordState {
  id: number;
  record_key: string;
  content_hash: string;
  status: string;
  current_version_no: number;
}

export interface RecordListFilter {
  organizationIds?: number[];
  type?: string;
  partyIco?: string;
  dateFrom?: string;
  dateTo?: string;
  amountFrom?: number;
  amountTo?: number;
  /** Folded search tokens; every one must start a word of the record's text. */
  tokens?: string[];
  /** Folded tokens of a party name; every one must start a word of a current party's name. */
  partyTokens?: string[];
  currency?: string;
  quality?: string;
  flag?: string;
  withAttachment?: boolean;
  includeWithdrawn?: boolean;
}

export type RecordSearchSort = 'relevance' | 'date_desc' | 'date_asc' | 'amount_desc' | 'amount_asc';

export interface RecordFacets {
  total: number;
  types: Record<string, number>;
  qualities: Record<string, number>;
  flags: Record<string, number>;
  withAttachment: number;
  currencies: Array<{ currency: string; count: number }>;
  organizations: Array<{ ico: string; name: string; count: number }>;
}

export interface PartySummaryRow {
  name: string;
  records: number;
  firstDate: string;
  lastDate: string;
  flags: Record<string, number>;
  byYear: Array<{ year: string; count: number; amount: number }>;
  byBuyer: Array<{ ico: string; name: string; count: number; amount: number }>;
}

export interface PartyRow {
  record_id: number;
  position: number;
  name: string;
  ico: string | null;
  role: string;
}

export interface ChangeRow {
  seq: number;
  change: string;
  version_no: number;
  published_at: string;
  note: string | null;
  content: string;
  record_key: string;
  type: string;
  organization_ico: string;
}

export interface RecordListCursor {
  date: string;
  id: number;
}

/** A record as the in-memory search index holds it (search-index.ts). */
export interface IndexDocumentRow {
  id: number;
  organization_id: number;
  type: string;
  status: string;
  quality: string;
  currency: string;
  has_attachment: number;
  red_flags: string | null;
  primary_date: string;
  amount: number | null;
  search_text: string;
  parties: Array<{ name_folded: string; ico: string | null }>;
}

export type RecordListRow = RecordRow & { organization_ico: string; organization_name: string };

/** Column types for bulk inserts (PostgreSQL sends each column as one typed array). */
const RECORD_COLUMNS = {
  organization_id: 'bigint',
  record_key: 'text',
  type: 'text',
  status: 'text',
  current_version_no: 'integer',
  content_hash: 'text',
  subject: 'text',
  own_number: 'text',
  primary_date: 'text',
  amount_without_vat: 'bigint',
  amount_with_vat: 'bigint',
  currency: 'text',
  quality: 'text',
  has_attachment: 'integer',
  search_text: 'text',
  first_published_at: 'text',
  updated_at: 'text',
  withdrawn_at: 'text',
  withdrawal_reason: 'text',
  source_version: 'bigint',
  red_flags: 'text',
  party_count: 'integer',
  attachment_count: 'integer',
} as const satisfies Record<string, ColumnType>;

const VERSION_COLUMNS = {
  record_id: 'bigint',
  version_no: 'integer',
  change: 'text',
  content: 'text',
  content_hash: 'text',
  quality: 'text',
  quality_gaps: 'text',
  warnings: 'text',
  redactions: 'text',
  personal_data: 'text',
  note: 'text',
  source: 'text',
  published_at: 'text',
} as const satisfies Record<string, ColumnType>;

const PARTY_COLUMNS = {
  record_id: 'bigint',
  version_no: 'integer',
  position: 'integer',
  name: 'text',
  name_folded: 'text',
  ico: 'text',
  foreign_id: 'text',
  role: 'text',
} as const satisfies Record<string, ColumnType>;

const LINK_COLUMNS = {
  record_id: 'bigint',
  organization_id: 'bigint',
  kind: 'text',
  target_key: 'text',
} as const satisfies Record<string, ColumnType>;

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const FLAGS_MARK = 'red_flags';

export class RegisterRepository {
  constructor(private readonly db: Kysely<Database> | Transaction<Database>) {}

  /** The connection of this repository's transaction, for another module's write that must commit with it. */
  get transaction(): Transaction<Database> | null {
    return this.db.isTransaction ? (this.db as Transaction<Database>) : null;
  }

  async inTransaction<T>(work: (repository: RegisterRepository) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return work(this);
    // The lock comes first, before any row lock, so that two writers can never hold one each and wait for the other.
    return (this.db as Kysely<Database>).transaction().execute(async (trx) => {
      await serializeVersionWrites(trx);
      return work(new RegisterRepository(trx));
    });
  }

  /**
   * Scans the organisation's records through its date index. An index on own numbers made every written record
   * ~6 µs slower (a quarter of the register dump import's SQL) for a lookup that only ISDOC imports make.
   */
  async findKeyByOwnNumber(organizationId: number, type: string, ownNumber: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('records')
      .select('record_key')
      .where('organization_id', '=', organizationId)
      .where('type', '=', type)
      .where('own_number', '=', ownNumber)
      .orderBy('id')
      .executeTakeFirst();
    return row?.record_key;
  }

  async findStates(organizationId: number, keys: string[]): Promise<Map<string, RecordState>> {
    const states = new Map<string, RecordState>();
    for (const part of chunk(keys, 5000)) {
      const rows = await this.db
        .selectFrom('records')
        .select(['id', 'record_key', 'content_hash', 'status', 'current_version_no'])
        .where('organization_id', '=', organizationId)
        .where('record_key', 'in', part)
        .execute();
      for (const row of rows) states.set(row.record_key, row);
    }
    return states;
  }

  /**
   * Inserts new records and moves changed ones to a new version in one statement per chunk; a record whose
   * content hash is unchanged is neither updated nor returned. The version number is incremented by the
   * database, so concurrent publishers cannot reuse one.
   */
  async upsertRecords(rows: NewRecordRow[]): Promise<Array<{ id: number; organization_id: number; record_key: string; current_version_no: number; first_published_at: string }>> {
    return bulkInsert(this.db, 'upsert records', 'records', RECORD_COLUMNS, rows as Array<Record<keyof typeof RECORD_COLUMNS, unknown>>, (query: InsertQueryBuilder<Database, 'records', InsertResult>) =>
      query
        .onConflict((oc) =>
          oc.columns(['organization_id', 'record_key']).doUpdateSet((eb) => ({
            current_version_no: eb(eb.ref('records.current_version_no'), '+', 1),
            type: eb.ref('excluded.type'),
            status: eb.ref('excluded.status'),
            content_hash: eb.ref('excluded.content_hash'),
            subject: eb.ref('excluded.subject'),
            own_number: eb.ref('excluded.own_number'),
            primary_date: eb.ref('excluded.primary_date'),
            amount_without_vat: eb.ref('excluded.amount_without_vat'),
            amount_with_vat: eb.ref('excluded.amount_with_vat'),
            currency: eb.ref('excluded.currency'),
            quality: eb.ref('excluded.quality'),
            has_attachment: eb.ref('excluded.has_attachment'),
            party_count: eb.ref('excluded.party_count'),
            attachment_count: eb.ref('excluded.attachment_count'),
            search_text: eb.ref('excluded.search_text'),
            updated_at: eb.ref('excluded.updated_at'),
            withdrawn_at: eb.ref('excluded.withdrawn_at'),
            withdrawal_reason: eb.ref('excluded.withdrawal_reason'),
            source_version: eb.ref('excluded.source_version'),
            red_flags: eb.ref('excluded.red_flags'),
          }))
          // Only changed content makes a version, and never an older source version over a newer one.
          .where((eb) =>
            eb.and([
              eb('records.content_hash', '<>', eb.ref('excluded.content_hash')),
              eb.or([eb('records.source_version', 'is', null), eb('excluded.source_version', 'is', null), eb('excluded.source_version', '>=', eb.ref('records.source_version'))]),
            ]),
          ),
        )
        .returning(['id', 'organization_id', 'record_key', 'current_version_no', 'first_published_at']),
    );
  }

  async insertVersions(rows: Array<Insertable<Database['record_versions']>>): Promise<void> {
    if (rows.length === 0) return;
    await serializeVersionWrites(this.db);
    await bulkInsert(this.db, 'insert versions', 'record_versions', VERSION_COLUMNS, rows as Array<Record<keyof typeof VERSION_COLUMNS, unknown>>);
  }

  async insertParties(rows: Array<Insertable<Database['record_parties']>>): Promise<void> {
    await bulkInsert(this.db, 'insert parties', 'record_parties', PARTY_COLUMNS, rows as Array<Record<keyof typeof PARTY_COLUMNS, unknown>>);
  }

  /** Records after `afterId` with their current content, for computing flags again; `onlyMissing`: never computed. */
  recordsForFlags(afterId: number, limit: number, onlyMissing: boolean): Promise<Array<{ id: number; red_flags: string | null; first_published_at: string; content: string }>> {
    let query = this.db
      .selectFrom('records as r')
      .innerJoin('record_versions as v', (join) => join.onRef('v.record_id', '=', 'r.id').onRef('v.version_no', '=', 'r.current_version_no'))
      .select(['r.id', 'r.red_flags', 'r.first_published_at', 'v.content'])
      .where('r.id', '>', afterId);
    if (onlyMissing) query = query.where('r.red_flags', 'is', null);
    return query.orderBy('r.id').limit(limit).execute();
  }

  /** Versions after the sequence number `since` (their id), in the order they were committed. */
  async changesAfter(since: number, limit: number, organizationId?: number): Promise<ChangeRow[]> {
    let query = this.db
      .selectFrom('record_versions as v')
      .innerJoin('records as r', 'r.id', 'v.record_id')
      .innerJoin('organizations as o', 'o.id', 'r.organization_id')
      .select(['v.id as seq', 'v.change', 'v.version_no', 'v.published_at', 'v.note', 'v.content', 'r.record_key', 'r.type', 'o.ico as organization_ico'])
      .where('v.id', '>', since);
    if (organizationId !== undefined) query = query.where('r.organization_id', '=', organizationId);
    const rows = await query.orderBy('v.id').limit(limit).execute();
    return rows.map((row) => ({ ...row, seq: Number(row.seq) }));
  }

  /** Records after `afterId` whose party and attachment counts were never computed, with their current content. */
  recordsWithoutListCounts(afterId: number, limit: number): Promise<Array<{ id: number; content: string }>> {
    return this.db
      .selectFrom('records as r')
      .innerJoin('record_versions as v', (join) => join.onRef('v.record_id', '=', 'r.id').onRef('v.version_no', '=', 'r.current_version_no'))
      .select(['r.id', 'v.content'])
      .where('r.id', '>', afterId)
      .where('r.party_count', 'is', null)
      .orderBy('r.id')
      .limit(limit)
      .execute();
  }

  async setListCounts(recordId: number, partyCount: number, attachmentCount: number): Promise<void> {
    await this.db.updateTable('records').set({ party_count: partyCount, attachment_count: attachmentCount }).where('id', '=', recordId).execute();
  }

  /** Replaces the links of these records (links follow the current version; they are derived, not history). */
  async replaceLinks(recordIds: number[], links: Array<Insertable<Database['record_links']>>): Promise<void> {
    for (const part of chunk(recordIds, 5000)) await this.db.deleteFrom('record_links').where('record_id', 'in', part).execute();
    await bulkInsert(this.db, 'insert links', 'record_links', LINK_COLUMNS, links as Array<Record<keyof typeof LINK_COLUMNS, unknown>>);
  }

  /** Records of the organisation that refer to `key` (amendments, orders, invoices), newest first. */
  linkedTo(organizationId: number, key: string): Promise<Array<RecordRow & { link_kind: string }>> {
    return this.db
      .selectFrom('record_links as l')
      .innerJoin('records as r', 'r.id', 'l.record_id')
      .selectAll('r')
      .select('l.kind as link_kind')
      .where('l.organization_id', '=', organizationId)
      .where('l.target_key', '=', key)
      .orderBy('r.primary_date', 'desc')
      .orderBy('r.id', 'desc')
      .limit(200)
      .execute();
  }

  /** Current content of records, for writing derived data (links, flags) again. */
  recordsForLinks(afterId: number, limit: number): Promise<Array<{ id: number; organization_id: number; content: string }>> {
    return this.db
      .selectFrom('records as r')
      .innerJoin('record_versions as v', (join) => join.onRef('v.record_id', '=', 'r.id').onRef('v.version_no', '=', 'r.current_version_no'))
      .select(['r.id', 'r.organization_id', 'v.content'])
      .where('r.id', '>', afterId)
      .orderBy('r.id')
      .limit(limit)
      .execute();
  }

  /** After a bulk load: the planner's statistics of the register's tables. */
  refreshStatistics(): Promise<void> {
    return refreshStatistics(this.db, ['records', 'record_versions', 'record_parties', 'record_links']);
  }

  async setRedFlags(recordId: number, column: string): Promise<void> {
    await this.db.updateTable('records').set({ red_flags: column }).where('id', '=', recordId).execute();
  }

  async markWithdrawn(recordId: number, versionNo: number, reason: string, at: string): Promise<void> {
    await this.db
      .updateTable('records')
      .set({ status: 'withdrawn', current_version_no: versionNo, withdrawn_at: at, withdrawal_reason: reason, updated_at: at })
      .where('id', '=', recordId)
      .execute();
  }

  async copyParties(recordId: number, fromVersion: number, toVersion: number): Promise<void> {
    await this.db
      .insertInto('record_parties')
      .columns(['record_id', 'version_no', 'position', 'name', 'name_folded', 'ico', 'foreign_id', 'role'])
      .expression((eb) =>
        eb
          .selectFrom('record_parties')
          .select(['record_id', sql.lit(toVersion).as('version_no'), 'position', 'name', 'name_folded', 'ico', 'foreign_id', 'role'])
          .where('record_id', '=', recordId)
          .where('version_no', '=', fromVersion),
      )
      .execute();
  }

  async versionRow(recordId: number, versionNo: number): Promise<Omit<RecordVersionRow, 'personal_data' | 'id'> | undefined> {
    return this.db
      .selectFrom('record_versions')
      .select(['record_id', 'version_no', 'change', 'content', 'content_hash', 'quality', 'quality_gaps', 'warnings', 'redactions', 'note', 'source', 'published_at'])
      .where('record_id', '=', recordId)
      .where('version_no', '=', versionNo)
      .executeTakeFirst();
  }

  /** What the current version of a record keeps out of its public content (JSON of Redaction[]), or null. */
  async currentPersonalData(organizationId: number, key: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('records as r')
      .innerJoin('record_versions as v', (join) => join.onRef('v.record_id', '=', 'r.id').onRef('v.version_no', '=', 'r.current_version_no'))
      .select('v.personal_data')
      .where('r.organization_id', '=', organizationId)
      .where('r.record_key', '=', key)
      .executeTakeFirst();
    return row?.personal_data ?? null;
  }

  findRecord(organizationId: number, key: string): Promise<RecordRow | undefined> {
    return this.db.selectFrom('records').selectAll().where('organization_id', '=', organizationId).where('record_key', '=', key).executeTakeFirst();
  }

  /** Versions of a record, oldest first; personal data is never selected. */
  versions(recordId: number): Promise<Array<Omit<RecordVersionRow, 'personal_data'>>> {
    return this.db
      .selectFrom('record_versions')
      .select(['id', 'record_id', 'version_no', 'change', 'content', 'content_hash', 'quality', 'quality_gaps', 'warnings', 'redactions', 'note', 'source', 'published_at'])
      .where('record_id', '=', recordId)
      .orderBy('version_no')
      .execute();
  }

  /** Records with their organisation's IČO and name: the rows of lists, searches and result pages. */
  private listRows() {
    return this.db
      .selectFrom('records as r')
      .innerJoin('organizations as o', 'o.id', 'r.organization_id')
      .selectAll('r')
      .select(['o.ico as organization_ico', 'o.name as organization_name']);
  }

  async list(filter: RecordListFilter, cursor: RecordListCursor | undefined, limit: number): Promise<RecordListRow[]> {
    let query = this.listRows();
    query = query.where((eb) => this.filterExpression(eb as unknown as RecordsEb, filter));
    if (cursor) {
      query = query.where((eb) =>
        eb.or([eb('r.primary_date', '<', cursor.date), eb.and([eb('r.primary_date', '=', cursor.date), eb('r.id', '<', cursor.id)])]),
      );
    }
    return query.orderBy('r.primary_date', 'desc').orderBy('r.id', 'desc').limit(limit).execute();
  }

  async count(filter: RecordListFilter): Promise<number> {
    const row = await this.db
      .selectFrom('records as r')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => this.filterExpression(eb, filter))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private filterExpression(eb: RecordsEb, filter: RecordListFilter): Expression<SqlBool> {
    const conditions: Expression<SqlBool>[] = [];
    if (!filter.includeWithdrawn) conditions.push(eb('r.status', '=', 'published'));
    if (filter.organizationIds) conditions.push(eb('r.organization_id', 'in', filter.organizationIds.length > 0 ? filter.organizationIds : [-1]));
    if (filter.type) conditions.push(eb('r.type', '=', filter.type));
    if (filter.dateFrom) conditions.push(eb('r.primary_date', '>=', filter.dateFrom));
    if (filter.dateTo) conditions.push(eb('r.primary_date', '<=', filter.dateTo));
    const amount = sql<number>`coalesce(r.amount_with_vat, r.amount_without_vat)`;
    if (filter.amountFrom !== undefined) conditions.push(eb(amount, '>=', filter.amountFrom));
    if (filter.amountTo !== undefined) conditions.push(eb(amount, '<=', filter.amountTo));
    for (const token of filter.tokens ?? []) {
      conditions.push(sql<SqlBool>`r.search_text like ${`% ${escapeLike(token)}%`} escape '\\'`);
    }
    if (filter.currency) conditions.push(eb('r.currency', '=', filter.currency));
    if (filter.quality) conditions.push(eb('r.quality', '=', filter.quality));
    if (filter.flag) conditions.push(sql<SqlBool>`r.red_flags like ${`% ${escapeLike(filter.flag)} %`} escape '\\'`);
    if (filter.withAttachment) conditions.push(eb('r.has_attachment', '=', 1));
    // Each party token must start a word of some current party's name (not necessarily the same party's).
    for (const token of filter.partyTokens ?? []) {
      conditions.push(
        eb.exists(
          eb
            .selectFrom('record_parties as pn')
            .select(sql.lit(1).as('one'))
            .whereRef('pn.record_id', '=', 'r.id')
            .whereRef('pn.version_no', '=', 'r.current_version_no')
            .where(() => sql<SqlBool>`(' ' || pn.name_folded) like ${`% ${escapeLike(token)}%`} escape '\\'`),
        ),
      );
    }
    if (filter.partyIco) {
      conditions.push(
        eb.exists(
          eb
            .selectFrom('record_parties as p')
            .select(sql.lit(1).as('one'))
            .where('p.ico', '=', filter.partyIco)
            .whereRef('p.record_id', '=', 'r.id')
            .whereRef('p.version_no', '=', 'r.current_version_no'),
        ),
      );
    }
    return eb.and(conditions);
  }

  /** One page of a search, sorted; relevance ranks records whose tokens come earlier (the subject comes first). */
  async search(filter: RecordListFilter, sort: RecordSearchSort, offset: number, limit: number): Promise<RecordListRow[]> {
    let query = this.listRows()
      .where((eb) => this.filterExpression(eb as unknown as RecordsEb, filter));
    const amount = sql<number>`coalesce(r.amount_with_vat, r.amount_without_vat)`;
    const tokens = filter.tokens ?? [];
    if (sort === 'relevance' && tokens.length > 0) {
      const positions = tokens.map((token) => textPosition(this.db, sql.ref('r.search_text'), ` ${token}`));
      query = query.orderBy(sql`${sql.join(positions, sql` + `)}`).orderBy('r.primary_date', 'desc');
    } else if (sort === 'amount_desc' || sort === 'amount_asc') {
      // Records without an amount go last either way.
      query = query.orderBy(sql`case when ${amount} is null then 1 else 0 end`).orderBy(amount, sort === 'amount_desc' ? 'desc' : 'asc');
    } else {
      query = query.orderBy('r.primary_date', sort === 'date_asc' ? 'asc' : 'desc');
    }
    return query.orderBy('r.id', sort === 'date_asc' ? 'asc' : 'desc').offset(offset).limit(limit).execute();
  }

  /** Counts of the filtered records by type, quality level, red flag, attachment, currency and organisation. */
  async facets(filter: RecordListFilter, flagCodes: readonly string[], organizationLimit: number): Promise<RecordFacets> {
    const where = (eb: RecordsEb) => this.filterExpression(eb, filter);
    const count = (condition: RawBuilder<unknown>) => sql<number>`sum(case when ${condition} then 1 else 0 end)`;
    const row = await this.db
      .selectFrom('records as r')
      .select((eb) => [
        eb.fn.countAll<number>().as('total'),
        count(sql`r.type = 'smlouva'`).as('t_smlouva'),
        count(sql`r.type = 'objednavka'`).as('t_objednavka'),
        count(sql`r.type = 'faktura'`).as('t_faktura'),
        count(sql`r.quality = 'A'`).as('q_A'),
        count(sql`r.quality = 'B'`).as('q_B'),
        count(sql`r.quality = 'C'`).as('q_C'),
        count(sql`r.has_attachment = 1`).as('with_attachment'),
        ...flagCodes.map((code) => count(sql`r.red_flags like ${`% ${code} %`}`).as(`f_${code}`)),
      ])
      .where(where)
      .executeTakeFirstOrThrow();
    const values = row as unknown as Record<string, number | string | null>;
    const n = (key: string) => Number(values[key] ?? 0);
    const [currencies, organizations] = await Promise.all([
      this.db
        .selectFrom('records as r')
        .select((eb) => ['r.currency', eb.fn.countAll<number>().as('count')])
        .where(where)
        .groupBy('r.currency')
        .orderBy('count', 'desc')
        .orderBy('r.currency')
        .execute(),
      this.db
        .selectFrom('records as r')
        .innerJoin('organizations as o', 'o.id', 'r.organization_id')
        .select((eb) => ['o.ico', 'o.name', eb.fn.countAll<number>().as('count')])
        .where((eb) => this.filterExpression(eb as unknown as RecordsEb, filter))
        .groupBy(['o.ico', 'o.name'])
        .orderBy('count', 'desc')
        .orderBy('o.ico')
        .limit(organizationLimit)
        .execute(),
    ]);
    return {
      total: n('total'),
      types: { smlouva: n('t_smlouva'), objednavka: n('t_objednavka'), faktura: n('t_faktura') },
      qualities: { A: n('q_A'), B: n('q_B'), C: n('q_C') },
      flags: Object.fromEntries(flagCodes.map((code) => [code, n(`f_${code}`)])),
      withAttachment: n('with_attachment'),
      currencies: currencies.map((c) => ({ currency: c.currency, count: Number(c.count) })),
      organizations: organizations.map((o) => ({ ico: o.ico, name: o.name, count: Number(o.count) })),
    };
  }

  /**
   * What all organisations contracted with one party (by IČO), over the current versions of published records:
   * its latest name, first and last date, sums by year and by buyer, and red-flag counts. Sums are of CZK amounts
   * (with VAT where stated, else without), since currencies cannot be added.
   */
  async partySummary(ico: string, flagCodes: readonly string[]): Promise<PartySummaryRow | null> {
    // Records, not party rows: a record naming the party twice still counts once.
    const parties = this.db
      .selectFrom('records as r')
      .where('r.status', '=', 'published')
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('record_parties as p')
            .select(sql.lit(1).as('one'))
            .whereRef('p.record_id', '=', 'r.id')
            .whereRef('p.version_no', '=', 'r.current_version_no')
            .where('p.ico', '=', ico),
        ),
      );
    const czk = sql<number>`case when r.currency = 'CZK' then coalesce(r.amount_with_vat, r.amount_without_vat, 0) else 0 end`;
    const count = (condition: RawBuilder<unknown>) => sql<number>`sum(case when ${condition} then 1 else 0 end)`;
    const totals = await parties
      .select((eb) => [
        eb.fn.countAll<number>().as('records'),
        eb.fn.min('r.primary_date').as('first_date'),
        eb.fn.max('r.primary_date').as('last_date'),
        ...flagCodes.map((code) => count(sql`r.red_flags like ${`% ${code} %`}`).as(`f_${code}`)),
      ])
      .executeTakeFirstOrThrow();
    const values = totals as unknown as Record<string, number | string | null>;
    if (Number(values.records ?? 0) === 0) return null;
    const [name, byYear, byBuyer] = await Promise.all([
      this.db
        .selectFrom('record_parties as p')
        .innerJoin('records as r', (join) => join.onRef('r.id', '=', 'p.record_id').onRef('r.current_version_no', '=', 'p.version_no'))
        .select('p.name')
        .where('p.ico', '=', ico)
        .where('r.status', '=', 'published')
        .orderBy('r.primary_date', 'desc')
        .orderBy('r.id', 'desc')
        .limit(1)
        .executeTakeFirst(),
      parties
        .select((eb) => [sql<string>`substr(r.primary_date, 1, 4)`.as('year'), eb.fn.countAll<number>().as('count'), sql<number>`sum(${czk})`.as('amount')])
        .groupBy(sql`substr(r.primary_date, 1, 4)`)
        .orderBy('year', 'desc')
        .execute(),
      parties
        .innerJoin('organizations as o', 'o.id', 'r.organization_id')
        .select((eb) => ['o.ico', 'o.name', eb.fn.countAll<number>().as('count'), sql<number>`sum(${czk})`.as('amount')])
        .groupBy(['o.ico', 'o.name'])
        .orderBy('amount', 'desc')
        .orderBy('o.ico')
        .limit(50)
        .execute(),
    ]);
    return {
      name: name?.name ?? ico,
      records: Number(values.records),
      firstDate: String(values.first_date),
      lastDate: String(values.last_date),
      flags: Object.fromEntries(flagCodes.map((code) => [code, Number(values[`f_${code}`] ?? 0)])),
      byYear: byYear.map((y) => ({ year: y.year, count: Number(y.count), amount: Number(y.amount) })),
      byBuyer: byBuyer.map((b) => ({ ico: b.ico, name: b.name, count: Number(b.count), amount: Number(b.amount) })),
    };
  }

  /** The organisations' spending in CZK by year and receiving party (one row per year and party). */
  async supplierSharesByYear(organizationIds: number[], year?: string): Promise<Array<{ year: string; key: string; name: string; ico: string | null; amount: number; records: number }>> {
    let query = this.db
      .selectFrom('record_parties as p')
      .innerJoin('records as r', (join) => join.onRef('r.id', '=', 'p.record_id').onRef('r.current_version_no', '=', 'p.version_no'))
      .select((eb) => [
        sql<string>`substr(r.primary_date, 1, 4)`.as('year'),
        sql<string>`coalesce(p.ico, p.name_folded)`.as('key'),
        eb.fn.max('p.name').as('name'),
        eb.fn.max('p.ico').as('ico'),
        sql<number>`sum(coalesce(r.amount_with_vat, r.amount_without_vat, 0))`.as('amount'),
        eb.fn.countAll<number>().as('records'),
      ])
      .where('r.organization_id', 'in', organizationIds.length > 0 ? organizationIds : [-1])
      .where('r.status', '=', 'published')
      .where('r.currency', '=', 'CZK')
      .where('p.role', '=', 'prijemce');
    if (year) query = query.where('r.primary_date', '>=', `${year}-01-01`).where('r.primary_date', '<=', `${year}-12-31`);
    const rows = await query.groupBy([sql`substr(r.primary_date, 1, 4)`, sql`coalesce(p.ico, p.name_folded)`]).execute();
    return rows.map((row) => ({ year: row.year, key: row.key, name: String(row.name), ico: row.ico ?? null, amount: Number(row.amount), records: Number(row.records) }));
  }

  /** Counts and CZK sums of an organisation's published records by year and type, and quality levels by year. */
  async organizationYears(organizationIds: number[]): Promise<Array<{ year: string; type: string; quality: string; count: number; amount: number }>> {
    const rows = await this.db
      .selectFrom('records as r')
      .select((eb) => [
        sql<string>`substr(r.primary_date, 1, 4)`.as('year'),
        'r.type',
        'r.quality',
        eb.fn.countAll<number>().as('count'),
        sql<number>`sum(case when r.currency = 'CZK' then coalesce(r.amount_with_vat, r.amount_without_vat, 0) else 0 end)`.as('amount'),
      ])
      .where('r.organization_id', 'in', organizationIds.length > 0 ? organizationIds : [-1])
      .where('r.status', '=', 'published')
      .groupBy([sql`substr(r.primary_date, 1, 4)`, 'r.type', 'r.quality'])
      .orderBy('year')
      .execute();
    return rows.map((row) => ({ year: row.year, type: row.type, quality: row.quality, count: Number(row.count), amount: Number(row.amount) }));
  }

  /** Parties of the current versions of these records, in order. */
  async currentParties(recordIds: number[]): Promise<PartyRow[]> {
    if (recordIds.length === 0) return [];
    return this.db
      .selectFrom('record_parties as p')
      .innerJoin('records as r', (join) => join.onRef('r.id', '=', 'p.record_id').onRef('r.current_version_no', '=', 'p.version_no'))
      .select(['p.record_id', 'p.position', 'p.name', 'p.ico', 'p.role'])
      .where('p.record_id', 'in', recordIds)
      .orderBy('p.record_id')
      .orderBy('p.position')
      .execute();
  }

  /**
   * A value that changes with every stored version (withdrawals are versions too) and every change of an
   * organisation, written by any process: the newest version id and the latest organisation update. Both are
   * cheap: one index lookup and a scan of the small organisation table.
   */
  async generation(): Promise<string> {
    const row = await this.db
      .selectNoFrom((eb) => [
        eb.selectFrom('record_versions').select((v) => v.fn.max('id').as('m')).as('versions'),
        eb.selectFrom('organizations').select((o) => o.fn.max('updated_at').as('m')).as('organizations'),
        eb.selectFrom('register_marks').select('value').where('name', '=', FLAGS_MARK).as('flags'),
      ])
      .executeTakeFirstOrThrow();
    return `${String(row.versions ?? 0)}|${String(row.organizations ?? '')}|${String(row.flags ?? '')}`;
  }

  /** When the red flags were last recomputed without new versions (`om red-flags`); '' if never. */
  async flagsRevision(): Promise<string> {
    const row = await this.db.selectFrom('register_marks').select('value').where('name', '=', FLAGS_MARK).executeTakeFirst();
    return row?.value ?? '';
  }

  async markFlagsRecomputed(revision: string): Promise<void> {
    await this.db
      .insertInto('register_marks')
      .values({ name: FLAGS_MARK, value: revision })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value: revision }))
      .execute();
  }

  /** How many first and later versions carry this source (a job's, see jobs/rules.ts jobSource). */
  async versionsWithSource(source: string): Promise<{ created: number; newVersions: number }> {
    const row = await this.db
      .selectFrom('record_versions')
      .select([sql<number>`sum(case when version_no = 1 then 1 else 0 end)`.as('created'), sql<number>`sum(case when version_no > 1 then 1 else 0 end)`.as('later')])
      .where('source', '=', source)
      .executeTakeFirst();
    return { created: Number(row?.created ?? 0), newVersions: Number(row?.later ?? 0) };
  }

  /** Published records after `afterId` in id order, as documents of the in-memory search index. */
  async indexDocuments(afterId: number, limit: number): Promise<IndexDocumentRow[]> {
    const rows = await this.indexDocumentQuery().where('r.status', '=', 'published').where('r.id', '>', afterId).orderBy('r.id').limit(limit).execute();
    return this.withIndexParties(rows);
  }

  /** These records in any state, as index documents (the state tells whether the index keeps them). */
  async indexDocumentsOf(recordIds: number[]): Promise<IndexDocumentRow[]> {
    if (recordIds.length === 0) return [];
    return this.withIndexParties(await this.indexDocumentQuery().where('r.id', 'in', recordIds).orderBy('r.id').execute(), recordIds);
  }

  private indexDocumentQuery() {
    return this.db
      .selectFrom('records as r')
      .select(['r.id', 'r.organization_id', 'r.type', 'r.status', 'r.quality', 'r.currency', 'r.has_attachment', 'r.red_flags', 'r.primary_date', 'r.search_text', 'r.current_version_no'])
      .select(sql<number | null>`coalesce(r.amount_with_vat, r.amount_without_vat)`.as('amount'));
  }

  /** Adds the current parties: of a range of ids (a page in id order), or of these ids (scattered changes). */
  private async withIndexParties(rows: Array<Omit<IndexDocumentRow, 'parties'> & { current_version_no: number }>, recordIds?: number[]): Promise<IndexDocumentRow[]> {
    if (rows.length === 0) return [];
    let query = this.db
      .selectFrom('record_parties as p')
      .innerJoin('records as r', (join) => join.onRef('r.id', '=', 'p.record_id').onRef('r.current_version_no', '=', 'p.version_no'))
      .select(['p.record_id', 'p.name_folded', 'p.ico']);
    query = recordIds ? query.where('p.record_id', 'in', recordIds) : query.where('p.record_id', '>=', rows[0]!.id).where('p.record_id', '<=', rows[rows.length - 1]!.id);
    const parties = await query.orderBy('p.record_id').orderBy('p.position').execute();
    const byRecord = new Map<number, Array<{ name_folded: string; ico: string | null }>>();
    for (const party of parties) {
      const list = byRecord.get(Number(party.record_id));
      if (list) list.push(party);
      else byRecord.set(Number(party.record_id), [party]);
    }
    return rows.map(({ current_version_no: _version, ...row }) => ({ ...row, id: Number(row.id), organization_id: Number(row.organization_id), amount: row.amount === null ? null : Number(row.amount), parties: byRecord.get(Number(row.id)) ?? [] }));
  }

  /** Versions stored after `afterVersionId`, oldest first: which records changed since. */
  versionsAfter(afterVersionId: number, limit: number): Promise<Array<{ id: number; record_id: number }>> {
    return this.db.selectFrom('record_versions').select(['id', 'record_id']).where('id', '>', afterVersionId).orderBy('id').limit(limit).execute();
  }

  async latestVersionId(): Promise<number> {
    const row = await this.db.selectFrom('record_versions').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst();
    return Number(row?.m ?? 0);
  }

  /** Rows of a result page by record id, in the given order. */
  async listRowsByIds(recordIds: number[]): Promise<RecordListRow[]> {
    if (recordIds.length === 0) return [];
    const rows = await this.listRows()
      .where('r.id', 'in', recordIds)
      .execute();
    const byId = new Map(rows.map((row) => [Number(row.id), row]));
    return recordIds.flatMap((id) => byId.get(id) ?? []);
  }

  /** Every organisation's IČO and name by id, for labelling facet counts. */
  organizationLabels(): Promise<Array<{ id: number; ico: string; name: string }>> {
    return this.db.selectFrom('organizations').select(['id', 'ico', 'name']).execute();
  }

  async totals(): Promise<{ records: number; versions: number }> {
    const records = await this.db.selectFrom('records').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'published').executeTakeFirstOrThrow();
    const versions = await this.db.selectFrom('record_versions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { records: Number(records.n), versions: Number(versions.n) };
  }
}
