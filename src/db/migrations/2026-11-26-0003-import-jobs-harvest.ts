/**
 * Frozen: every import is a job with a state, counts and a report; organisations register harvest sources
 * (URLs of files under the standard), and each harvest run is logged.
 */
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { DialectName } from '../connection.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const id = dialect === 'postgres' ? ('bigserial' as const) : ('integer' as const);
  const ref = dialect === 'postgres' ? ('bigint' as const) : ('integer' as const);
  const primaryKey = (c: ColumnDefinitionBuilder) =>
    dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();

  await db.schema
    .createTable('import_jobs')
    .addColumn('id', id, primaryKey)
    .addColumn('organization_id', ref, (c) => c.references('organizations.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('source_name', 'text', (c) => c.notNull())
    // Identifies the input (name, size and time, or a digest), so running the same import again resumes its job.
    .addColumn('source_key', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    // host:pid of the process running the job, so that a rerun can tell a killed run from one still going.
    .addColumn('runner', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('total_bytes', 'bigint')
    .addColumn('done_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('read', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('new_versions', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('report', 'text')
    .addColumn('rejected_csv', 'text')
    .addColumn('error', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('import_jobs_org').on('import_jobs').columns(['organization_id', 'id']).execute();
  await db.schema.createIndex('import_jobs_source').on('import_jobs').columns(['kind', 'source_key', 'state']).execute();

  await db.schema
    .createTable('harvest_sources')
    .addColumn('id', id, primaryKey)
    .addColumn('organization_id', ref, (c) => c.notNull().references('organizations.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('record_type', 'text')
    .addColumn('etag', 'text')
    .addColumn('last_modified', 'text')
    .addColumn('content_sha256', 'text')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_checked_at', 'text')
    .addUniqueConstraint('harvest_sources_org_url', ['organization_id', 'url'])
    .execute();

  await db.schema
    .createTable('harvest_runs')
    .addColumn('id', id, primaryKey)
    .addColumn('source_id', ref, (c) => c.notNull().references('harvest_sources.id'))
    .addColumn('organization_id', ref, (c) => c.notNull().references('organizations.id'))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('job_id', ref, (c) => c.references('import_jobs.id'))
    .addColumn('created', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('new_versions', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('message', 'text')
    .execute();
  await db.schema.createIndex('harvest_runs_org').on('harvest_runs').columns(['organization_id', 'id']).execute();
}
