/**
 * Frozen: contracting processes imported from OCDS (planning, tender, award, contract, implementation), kept as
 * their releases and a compiled state per ocid, ready for the procurement module. Releases are never changed.
 */
import type { Kysely } from 'kysely';
import type { DialectName } from '../connection.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const id = dialect === 'postgres' ? ('bigserial' as const) : ('integer' as const);
  const ref = dialect === 'postgres' ? ('bigint' as const) : ('integer' as const);
  await db.schema
    .createTable('ocds_releases')
    .addColumn('id', id, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('ocid', 'text', (c) => c.notNull())
    .addColumn('release_id', 'text', (c) => c.notNull())
    .addColumn('release_date', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('job_id', ref)
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('ocds_releases_ocid_release', ['ocid', 'release_id'])
    .execute();
  await db.schema
    .createTable('ocds_processes')
    .addColumn('ocid', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', ref, (c) => c.references('organizations.id'))
    .addColumn('buyer_name', 'text')
    .addColumn('title', 'text')
    .addColumn('stages', 'text', (c) => c.notNull())
    .addColumn('release_count', 'integer', (c) => c.notNull())
    .addColumn('compiled', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ocds_processes_organization').on('ocds_processes').column('organization_id').execute();
}
