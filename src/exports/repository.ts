/** All SQL of the bulk export: what each organisation holds, its records in key order, and their version history. */
import { sql, type Kysely } from 'kysely';
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
  constructor(private readonly db: Kysely<Database>) {}

  /** Per organisation and type: how many records, how many published, and the most parties and attachments of a published one. */
  async scopes(organizationIds?: number[]): Promise<ExportScopeRow[]> {
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
  async recordsAfter(afterId: number, limit: number, options: { organizationIds?: number[]; withHistoryColumns: boolean }): Promise<ExportRecordRow[]> {
    const base = this.db
      .selectFrom('records as r')
      .innerJoin('record_versions as v', (join) => join.onRef('v.record_id', '=', 'r.id').onRef('v.version_no', '=', 'r.current_version_no'))
      .select(['r.id', 'r.organization_id', 'r.type', 'r.status', 'r.current_version_no', 'v.content', 'v.redactions'])
      .where('r.id', '>', afterId);
    // Each selected column costs: reading only what CSV needs made a million rows 40 % faster.
    let query = options.withHistoryColumns
      ? base.select(['r.record_key', 'r.first_published_at', 'r.updated_at', 'r.withdrawn_at', 'r.withdrawal_reason', 'v.change', 'v.quality', 'v.note', 'v.published_at'])
      : base;
    if (options.organizationIds) query = query.where('r.organization_id', 'in', options.organizationIds);
    const rows: ExportRecordRow[] = await query.orderBy('r.id').limit(limit).execute();
    for (const row of rows) {
      row.id = Number(row.id);
      row.organization_id = Number(row.organization_id);
    }
    return rows;
  }

  /** Every version of these records, oldest first. */
  async versionsOf(recordIds: number[]): Promise<ExportVersionRow[]> {
    if (recordIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('record_versions')
      .select(['record_id', 'version_no', 'change', 'content', 'quality', 'note', 'published_at'])
      .where('record_id', 'in', recordIds)
      .orderBy('record_id')
      .orderBy('version_no')
      .execute();
    for (const row of rows) row.record_id = Number(row.record_id);
    return rows;
  }
}
