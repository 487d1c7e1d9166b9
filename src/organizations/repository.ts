import { sql, type Kysely } from 'kysely';
import type { Database, OrganizationRow } from '../db/schema.ts';

/** The columns a caller sets; the id and the timestamps are the repository's. */
export type OrganizationWrite = Omit<OrganizationRow, 'id' | 'created_at' | 'updated_at'>;

export interface OrganizationStats extends OrganizationRow {
  record_count: number;
  last_updated_at: string | null;
  parent_ico: string | null;
}

export class OrganizationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  findByIco(ico: string): Promise<OrganizationRow | undefined> {
    return this.db.selectFrom('organizations').selectAll().where('ico', '=', ico).executeTakeFirst();
  }

  findById(id: number): Promise<OrganizationRow | undefined> {
    return this.db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByDataBox(dataBox: string): Promise<OrganizationRow | undefined> {
    return this.db.selectFrom('organizations').selectAll().where('data_box', '=', dataBox).executeTakeFirst();
  }

  async insert(values: OrganizationWrite, now: string): Promise<OrganizationRow> {
    return this.db
      .insertInto('organizations')
      .values({ ...values, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async update(id: number, values: Partial<OrganizationWrite>, now: string): Promise<OrganizationRow> {
    return this.db
      .updateTable('organizations')
      .set({ ...values, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  children(parentId: number): Promise<OrganizationRow[]> {
    return this.db.selectFrom('organizations').selectAll().where('parent_id', '=', parentId).orderBy('name_folded').execute();
  }

  /** Organisations with their record counts, most recently updated data first. */
  async listWithStats(options: { limit: number; offset: number; onlyWithRecords?: boolean }): Promise<OrganizationStats[]> {
    let query = this.db
      .selectFrom('organizations as o')
      .leftJoin('records as r', 'r.organization_id', 'o.id')
      .leftJoin('organizations as p', 'p.id', 'o.parent_id')
      .selectAll('o')
      .select((eb) => [eb.fn.count<number>('r.id').as('record_count'), eb.fn.max('r.updated_at').as('last_updated_at'), eb.fn.max('p.ico').as('parent_ico')])
      .groupBy('o.id');
    if (options.onlyWithRecords) query = query.having((eb) => eb.fn.count('r.id'), '>', 0);
    const rows = await query.orderBy(sql`coalesce(max(r.updated_at), '')`, 'desc').orderBy('o.name_folded').limit(options.limit).offset(options.offset).execute();
    return rows.map((row) => ({ ...row, record_count: Number(row.record_count), last_updated_at: row.last_updated_at ?? null, parent_ico: row.parent_ico ?? null }));
  }

  /** Organisations in IČO order after `afterIco`, each with its parent's IČO and its number of records. */
  async pageByIco(afterIco: string | null, limit: number, kind?: string): Promise<OrganizationStats[]> {
    let query = this.db
      .selectFrom('organizations as o')
      .leftJoin('organizations as p', 'p.id', 'o.parent_id')
      .selectAll('o')
      .select((eb) => [
        eb.selectFrom('records as r').whereRef('r.organization_id', '=', 'o.id').select((inner) => inner.fn.countAll<number>().as('n')).as('record_count'),
        eb.selectFrom('records as r').whereRef('r.organization_id', '=', 'o.id').select((inner) => inner.fn.max('r.updated_at').as('u')).as('last_updated_at'),
        'p.ico as parent_ico',
      ]);
    if (afterIco) query = query.where('o.ico', '>', afterIco);
    if (kind) query = query.where('o.kind', '=', kind);
    const rows = await query.orderBy('o.ico').limit(limit).execute();
    return rows.map((row) => ({ ...row, record_count: Number(row.record_count ?? 0), last_updated_at: row.last_updated_at ?? null, parent_ico: row.parent_ico ?? null }));
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('organizations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
