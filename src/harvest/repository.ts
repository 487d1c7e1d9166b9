/** All SQL of harvesting: the sources organisations register and the log of runs. */
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, HarvestRunsTable, HarvestSourcesTable } from '../db/schema.ts';

export type HarvestSourceRow = Selectable<HarvestSourcesTable>;
export type HarvestRunRow = Selectable<HarvestRunsTable>;
export type HarvestRunInsert = Omit<Insertable<HarvestRunsTable>, 'id'>;
export type HarvestLogRow = HarvestRunRow & { url: string };

export interface StoredValidators {
  etag: string | null;
  last_modified: string | null;
  content_sha256: string | null;
}

export class HarvestRepository {
  constructor(private readonly db: Kysely<Database>) {}

  insertSource(values: { organization_id: number; url: string; record_type: string | null; created_at: string }): Promise<HarvestSourceRow> {
    return this.db
      .insertInto('harvest_sources')
      .values({ ...values, etag: null, last_modified: null, content_sha256: null, active: 1, last_checked_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findSource(id: number): Promise<HarvestSourceRow | undefined> {
    return this.db.selectFrom('harvest_sources').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findSourceByUrl(organizationId: number, url: string): Promise<HarvestSourceRow | undefined> {
    return this.db.selectFrom('harvest_sources').selectAll().where('organization_id', '=', organizationId).where('url', '=', url).executeTakeFirst();
  }

  /** A source registered again after it was removed starts afresh: its old validators would skip the first import. */
  reactivateSource(id: number, recordType: string | null): Promise<HarvestSourceRow> {
    return this.db
      .updateTable('harvest_sources')
      .set({ active: 1, record_type: recordType, etag: null, last_modified: null, content_sha256: null })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  listSources(organizationId: number, options: { includeInactive?: boolean } = {}): Promise<HarvestSourceRow[]> {
    let query = this.db.selectFrom('harvest_sources').selectAll().where('organization_id', '=', organizationId);
    if (!options.includeInactive) query = query.where('active', '=', 1);
    return query.orderBy('id').execute();
  }

  async deactivateSource(id: number): Promise<void> {
    await this.db.updateTable('harvest_sources').set({ active: 0 }).where('id', '=', id).execute();
  }

  /** Every active source is due on each run: conditional requests make an unchanged file cheap. */
  dueSources(): Promise<HarvestSourceRow[]> {
    return this.db.selectFrom('harvest_sources').selectAll().where('active', '=', 1).orderBy('id').execute();
  }

  async updateValidators(id: number, validators: StoredValidators, checkedAt: string): Promise<void> {
    await this.db
      .updateTable('harvest_sources')
      .set({ ...validators, last_checked_at: checkedAt })
      .where('id', '=', id)
      .execute();
  }

  async markChecked(id: number, checkedAt: string): Promise<void> {
    await this.db.updateTable('harvest_sources').set({ last_checked_at: checkedAt }).where('id', '=', id).execute();
  }

  async insertRun(values: HarvestRunInsert): Promise<number> {
    const row = await this.db.insertInto('harvest_runs').values(values).returning('id').executeTakeFirstOrThrow();
    return row.id;
  }

  /** The organisation's harvest log, newest first, each run with its source's URL. */
  listRuns(organizationId: number, limit: number): Promise<HarvestLogRow[]> {
    return this.db
      .selectFrom('harvest_runs as r')
      .innerJoin('harvest_sources as s', 's.id', 'r.source_id')
      .selectAll('r')
      .select('s.url')
      .where('r.organization_id', '=', organizationId)
      .orderBy('r.id', 'desc')
      .limit(limit)
      .execute();
  }
}
