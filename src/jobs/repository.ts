/** All SQL of import jobs. */
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database, ImportJobsTable } from '../db/schema.ts';

export type ImportJobRow = Selectable<ImportJobsTable>;

export class JobRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(values: { organization_id: number | null; kind: string; source_name: string; source_key: string; actor: string; runner: string; total_bytes: number | null; now: string }): Promise<number> {
    const { now, ...rest } = values;
    const row = await this.db
      .insertInto('import_jobs')
      .values({ ...rest, state: 'running', report: null, rejected_csv: null, error: null, started_at: now, updated_at: now, finished_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  findUnfinished(kind: string, sourceKey: string, organizationId: number | null) {
    let query = this.db.selectFrom('import_jobs').selectAll().where('kind', '=', kind).where('source_key', '=', sourceKey).where('state', '!=', 'completed');
    query = organizationId === null ? query.where('organization_id', 'is', null) : query.where('organization_id', '=', organizationId);
    return query.orderBy('id', 'desc').executeTakeFirst();
  }

  /** Takes over an unfinished job unless another run changed it since it was read (attempts is its version). */
  async claim(id: number, attempts: number, values: Updateable<ImportJobsTable>): Promise<boolean> {
    const result = await this.db.updateTable('import_jobs').set(values).where('id', '=', id).where('attempts', '=', attempts).where('state', '!=', 'completed').executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async update(id: number, values: Updateable<ImportJobsTable>): Promise<void> {
    await this.db.updateTable('import_jobs').set(values).where('id', '=', id).execute();
  }

  get(id: number) {
    return this.db.selectFrom('import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listForOrganization(organizationId: number, limit: number) {
    return this.db
      .selectFrom('import_jobs')
      .select(['id', 'organization_id', 'kind', 'source_name', 'actor', 'state', 'total_bytes', 'done_bytes', 'read', 'created', 'new_versions', 'unchanged', 'rejected', 'error', 'attempts', 'started_at', 'updated_at', 'finished_at'])
      .where('organization_id', '=', organizationId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }
}
