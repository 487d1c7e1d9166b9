/** All SQL of the bulk export: what each organisation holds, its records in key order, and their version history. */
import { sql, type Kysely } from 'kysely';
import type { Db } from '../db/connection.ts';
import type { Database } from '../db/schema.ts';

export interface ExportScopeRow {
  organization_id: number;
  ico: string;
  name: string;
  type: string;
  records: number;
  published: number;
  max_parties: number | null;
  max_attachments: number | null;
}

/** A record with its current version; the columns only NDJSON needs are absent unless asked for. */
export interface ExportRecordRow {
  id: number;
  organization_id: number;
  type: string;
  status: string;
  current_version_no: number;
  content: string;
  /** JSON list of what was hidden from the public content (birth numbers): such a record names a natural person. */
  redactions: string;
  record_key?: string;
  first_published_at?: string;
  updated_at?: string;
  withdrawn_at?: string | null;
  withdrawal_reason?: string | null;
  change?: string;
  quality?: string;
  note?: string | null;
  published_at?: string;
}

export interface ExportVersionRow {
  record_id: number;
  version_no: number;
  change: string;
  content: string;
  quality: string;
  note: string | null;
  published_at: string;
}


export class ExportRepository {
  private readonly db: Kysely<Database>;

  constructor(private readonly database: Db) {
    this.db = database.kysely;
  }

  /** Whether asking for the next chunk before handling this one overlaps work (see Db.readsOverlap). */
  readsOverlap(): boolean {
    return this.database.readsOverlap;
  }

  /** How a worker thread reaches the same database (null: it cannot, an in-memory database). */
  reopen(): { url: string; searchPath?: string } | null {
    return this.database.reopen;
  }

  /** Per organisation and type: how many records, how many published, and the most parties and attachments of a published one. */
  async scopes(organizationIds?: number[], range?: { afterId: number; untilId: number | null }): Promise<ExportScopeRow[]> {
    let query = this.db
      .selectFrom('records as r')
      .innerJoin('organizations as o', 'o.id', 'r.organization_id')
      .select((eb) => [
        'r.organization_id',
        'o.ico',
        'o.name',
        'r.type',
        eb.fn.countAll<number>().as('records'),
        eb.fn.sum<number>(sql`case when r.status = 'published' then 1 else 0 end`).as('published'),
        eb.fn.max<number | null>(sql`case when r.status = 'published' then r.party_count end`).as('max_parties'),
        eb.fn.max<number | null>(sql`case when r.status = 'published' then r.attachment_count end`).as('max_attachments'),
      ])
      .groupBy(['r.organization_id', 'o.ico', 'o.name', 'r.type']);
    if (organizationIds) query = query.where('r.organization_id', 'in', organizationIds);
    if (range) query = query.where('r.id', '>', range.afterId);
    if (range?.untilId != null) query = query.where('r.id', '<=', range.untilId);
    const rows = await query.orderBy('r.organization_id').execute();
    return rows.map((row) => ({
      ...row,
      records: Number(row.records),
      published: Number(row.published ?? 0),
      max_parties: row.max_parties === null ? null : Number(row.max_parties),
      max_attachments: row.max_attachments === null ? null : Number(row.max_attachments),
    }));
  }

  /**
   * The next records after id `afterId` in id order, with their current version. Id order reads versions nearly
   * sequentially (they were written in about that order); organisation order jumped across the whole table and
   * read 2.5 times slower at a million records.
   */
  async recordsAfter(afterId: number, limit: number, options: { organizationIds?: number[]; untilId?: number | null }): Promise<ExportRecordRow[]> {
    let query = this.db
      .selectFrom('records as r')
      .innerJoin('record_versions as v', (join) => join.onRef('v.record_id', '=', 'r.id').onRef('v.version_no', '=', 'r.current_version_no'))
      // Each selected column costs: CSV reads only what it needs.
      .select(['r.id', 'r.organization_id', 'r.type', 'r.status', 'r.current_version_no', 'v.content', 'v.redactions'])
      .where('r.id', '>', afterId)
      // Implied by the join, but without it PostgreSQL merge-joins from the first version on every chunk.
      .where('v.record_id', '>', afterId);
    if (options.untilId != null) query = query.where('r.id', '<=', options.untilId).where('v.record_id', '<=', options.untilId);
    if (options.organizationIds) query = query.where('r.organization_id', 'in', options.organizationIds);
    // Rows as arrays: building objects in the driver cost ~40 % of the read on SQLite.
    const rows = await this.database.rows(query.orderBy('r.id').limit(limit).compile());
    return rows.map((row): ExportRecordRow => ({
      id: Number(row[0]),
      organization_id: Number(row[1]),
      type: row[2] as string,
      status: row[3] as string,
      current_version_no: Number(row[4]),
      content: row[5] as string,
      redactions: row[6] as string,
    }));
  }

  /**
   * The next records after id `afterId` in id order with every version of each, oldest first, in one query: NDJSON
   * needs the history, and a second query per chunk for it could only be sent once the chunk had arrived, which
   * left PostgreSQL's round trip unoverlapped (~2.5 s of a million-record export). Records with one version, most
   * of them, get no history entry: their version is the record row's.
   */
  async recordsWithHistoryAfter(afterId: number, limit: number, options: { organizationIds?: number[]; untilId?: number | null }): Promise<{ rows: ExportRecordRow[]; histories: Map<number, ExportVersionRow[]> }> {
    let chunk = this.db
      .selectFrom('records')
      .select(['id', 'organization_id', 'type', 'status', 'current_version_no', 'record_key', 'first_published_at', 'updated_at', 'withdrawn_at', 'withdrawal_reason'])
      .where('id', '>', afterId);
    if (options.untilId != null) chunk = chunk.where('id', '<=', options.untilId);
    if (options.organizationIds) chunk = chunk.where('organization_id', 'in', options.organizationIds);
    let query = this.db
      .with('chunk', () => chunk.orderBy('id').limit(limit))
      .selectFrom('chunk as r')
      .innerJoin('record_versions as v', 'v.record_id', 'r.id')
      .select(['r.id', 'r.organization_id', 'r.type', 'r.status', 'r.current_version_no', 'r.record_key', 'r.first_published_at', 'r.updated_at', 'r.withdrawn_at', 'r.withdrawal_reason'])
      .select(['v.version_no', 'v.change', 'v.content', 'v.quality', 'v.note', 'v.published_at', 'v.redactions'])
      // Implied by the join; without it PostgreSQL may merge-join from the first version (see recordsAfter).
      .where('v.record_id', '>', afterId);
    if (options.untilId != null) query = query.where('v.record_id', '<=', options.untilId);
    const found = await this.database.rows(query.orderBy('r.id').orderBy('v.version_no').compile());
    const rows: ExportRecordRow[] = [];
    const histories = new Map<number, ExportVersionRow[]>();
    let versions: ExportVersionRow[] = [];
    for (let index = 0; index < found.length; index++) {
      const row = found[index]!;
      const id = Number(row[0]);
      const currentVersionNo = Number(row[4]);
      const version: ExportVersionRow = { record_id: id, version_no: Number(row[10]), change: row[11] as string, content: row[12] as string, quality: row[13] as string, note: row[14] as string | null, published_at: row[15] as string };
      versions.push(version);
      if (version.version_no !== currentVersionNo) continue;
      // Versions come oldest first, and the current one is the last.
      rows.push({
        id,
        organization_id: Number(row[1]),
        type: row[2] as string,
        status: row[3] as string,
        current_version_no: currentVersionNo,
        record_key: row[5] as string,
        first_published_at: row[6] as string,
        updated_at: row[7] as string,
        withdrawn_at: row[8] as string | null,
        withdrawal_reason: row[9] as string | null,
        content: version.content,
        redactions: row[16] as string,
        change: version.change,
        quality: version.quality,
        note: version.note,
        published_at: version.published_at,
      });
      if (versions.length > 1) histories.set(id, versions);
      versions = [];
    }
    return { rows, histories };
  }

  /** How many records there are (of these organisations). */
  async count(organizationIds?: number[]): Promise<number> {
    let query = this.db.selectFrom('records').select((eb) => eb.fn.countAll<number>().as('n'));
    if (organizationIds) query = query.where('organization_id', 'in', organizationIds);
    return Number((await query.executeTakeFirstOrThrow()).n);
  }

  /** The highest record id (of these organisations), or 0 when there is none. */
  async maxId(organizationIds?: number[]): Promise<number> {
    let query = this.db.selectFrom('records').select((eb) => eb.fn.max<number | null>('id').as('id'));
    if (organizationIds) query = query.where('organization_id', 'in', organizationIds);
    return Number((await query.executeTakeFirstOrThrow()).id ?? 0);
  }

  /** The id of the record at this position in id order (0: the first), or null when there are not that many. */
  async idAtPosition(position: number, organizationIds?: number[]): Promise<number | null> {
    let query = this.db.selectFrom('records').select('id');
    if (organizationIds) query = query.where('organization_id', 'in', organizationIds);
    const row = await query.orderBy('id').limit(1).offset(position).executeTakeFirst();
    return row ? Number(row.id) : null;
  }


}
