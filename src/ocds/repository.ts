/** All SQL of the OCDS export: an organisation's contracts, what links to them, and versions and contents by id. */
import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface OcdsLinkRow {
  record_id: number;
  kind: string;
  target_key: string;
  record_key: string;
  type: string;
}

export class OcdsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Organisations that have contracts, in IČO order. */
  async organizationsWithContracts(organizationIds?: number[]): Promise<Array<{ id: number; ico: string; name: string }>> {
    let query = this.db
      .selectFrom('organizations as o')
      .select(['o.id', 'o.ico', 'o.name'])
      .where((eb) => eb.exists(eb.selectFrom('records as r').select('r.id').whereRef('r.organization_id', '=', 'o.id').where('r.type', '=', 'smlouva')));
    if (organizationIds) query = query.where('o.id', 'in', organizationIds);
    const rows = await query.orderBy('o.ico').execute();
    return rows.map((row) => ({ ...row, id: Number(row.id) }));
  }

  async contractsAfter(organizationId: number, afterId: number, limit: number): Promise<Array<{ id: number; record_key: string }>> {
    const rows = await this.db
      .selectFrom('records')
      .select(['id', 'record_key'])
      .where('organization_id', '=', organizationId)
      .where('type', '=', 'smlouva')
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ ...row, id: Number(row.id) }));
  }

  async links(organizationId: number): Promise<OcdsLinkRow[]> {
    const rows = await this.db
      .selectFrom('record_links as l')
      .innerJoin('records as r', 'r.id', 'l.record_id')
      .select(['l.record_id', 'l.kind', 'l.target_key', 'r.record_key', 'r.type'])
      .where('l.organization_id', '=', organizationId)
      .orderBy('l.record_id')
      .execute();
    return rows.map((row) => ({ ...row, record_id: Number(row.record_id) }));
  }

  async versions(recordIds: number[]): Promise<Array<{ record_id: number; version_no: number; change: string; content: string; published_at: string }>> {
    if (recordIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('record_versions')
      .select(['record_id', 'version_no', 'change', 'content', 'published_at'])
      .where('record_id', 'in', recordIds)
      .orderBy('record_id')
      .orderBy('version_no')
      .execute();
    return rows.map((row) => ({ ...row, record_id: Number(row.record_id) }));
  }

  async currentContents(recordIds: number[]): Promise<Array<{ id: number; record_key: string; status: string; content: string; published_at: string }>> {
    if (recordIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('records as r')
      .innerJoin('record_versions as v', (join) => join.onRef('v.record_id', '=', 'r.id').onRef('v.version_no', '=', 'r.current_version_no'))
      .select(['r.id', 'r.record_key', 'r.status', 'v.content', 'v.published_at'])
      .where('r.id', 'in', recordIds)
      .orderBy('r.id')
      .execute();
    return rows.map((row) => ({ ...row, id: Number(row.id) }));
  }
}

/** SQL of imported OCDS processes: releases are only inserted; a process's compiled state is replaced. */
export class OcdsImportRepository {
  constructor(private readonly db: Kysely<Database> | Transaction<Database>) {}

  async inTransaction<T>(work: (repository: OcdsImportRepository) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return work(this);
    return (this.db as Kysely<Database>).transaction().execute((trx) => work(new OcdsImportRepository(trx)));
  }

  async existingHashes(ocid: string, releaseIds: string[]): Promise<Map<string, string>> {
    if (releaseIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('ocds_releases').select(['release_id', 'content_hash']).where('ocid', '=', ocid).where('release_id', 'in', releaseIds).execute();
    return new Map(rows.map((row) => [row.release_id, row.content_hash]));
  }

  async insertReleases(rows: Array<Insertable<Database['ocds_releases']>>): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) await this.db.insertInto('ocds_releases').values(rows.slice(i, i + 500)).execute();
  }

  async hasReleases(ocid: string): Promise<boolean> {
    return (await this.db.selectFrom('ocds_releases').select('id').where('ocid', '=', ocid).limit(1).executeTakeFirst()) !== undefined;
  }

  async releaseContents(ocid: string): Promise<string[]> {
    const rows = await this.db.selectFrom('ocds_releases').select('content').where('ocid', '=', ocid).orderBy('release_date').orderBy('id').execute();
    return rows.map((row) => row.content);
  }

  async saveProcess(row: Insertable<Database['ocds_processes']>): Promise<void> {
    await this.db
      .insertInto('ocds_processes')
      .values(row)
      .onConflict((oc) =>
        oc.column('ocid').doUpdateSet({
          organization_id: row.organization_id ?? null,
          buyer_name: row.buyer_name ?? null,
          title: row.title ?? null,
          stages: row.stages,
          release_count: row.release_count,
          compiled: row.compiled,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }

  async process(ocid: string): Promise<Selectable<Database['ocds_processes']> | undefined> {
    return this.db.selectFrom('ocds_processes').selectAll().where('ocid', '=', ocid).executeTakeFirst();
  }
}
