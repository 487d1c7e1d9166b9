/** Frozen: the first schema (organisations, tokens, the register). Later changes add new migration files. */
import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../connection.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const id = dialect === 'postgres' ? ('bigserial' as const) : ('integer' as const);
  const ref = dialect === 'postgres' ? ('bigint' as const) : ('integer' as const);

  await db.schema
    .createTable('organizations')
    .addColumn('id', id, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('ico', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_folded', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ruian_code', 'text')
    .addColumn('data_box', 'text')
    .addColumn('parent_id', ref, (c) => c.references('organizations.id'))
    .addColumn('population', 'integer')
    .addColumn('is_demo', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('organizations_data_box').on('organizations').column('data_box').execute();
  await db.schema.createIndex('organizations_parent').on('organizations').column('parent_id').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', id, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('organization_id', ref, (c) => c.notNull().references('organizations.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('last_used_at', 'text')
    .execute();

  await db.schema
    .createTable('records')
    .addColumn('id', id, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('organization_id', ref, (c) => c.notNull().references('organizations.id'))
    .addColumn('record_key', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('current_version_no', 'integer', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('own_number', 'text')
    .addColumn('primary_date', 'text', (c) => c.notNull())
    .addColumn('amount_without_vat', 'bigint')
    .addColumn('amount_with_vat', 'bigint')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('quality', 'text', (c) => c.notNull())
    .addColumn('has_attachment', 'integer', (c) => c.notNull())
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('first_published_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('withdrawn_at', 'text')
    .addColumn('withdrawal_reason', 'text')
    .addUniqueConstraint('records_org_key', ['organization_id', 'record_key'])
    .execute();
  await db.schema.createIndex('records_org_date').on('records').columns(['organization_id', 'primary_date', 'id']).execute();
  await db.schema.createIndex('records_date').on('records').columns(['primary_date', 'id']).execute();

  await db.schema
    .createTable('record_versions')
    .addColumn('id', id, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('record_id', ref, (c) => c.notNull().references('records.id'))
    .addColumn('version_no', 'integer', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('quality', 'text', (c) => c.notNull())
    .addColumn('quality_gaps', 'text', (c) => c.notNull())
    .addColumn('warnings', 'text', (c) => c.notNull())
    .addColumn('redactions', 'text', (c) => c.notNull())
    .addColumn('personal_data', 'text')
    .addColumn('note', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('record_versions_record_no', ['record_id', 'version_no'])
    .execute();

  await db.schema
    .createTable('record_parties')
    .addColumn('record_id', ref, (c) => c.notNull().references('records.id'))
    .addColumn('version_no', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_folded', 'text', (c) => c.notNull())
    .addColumn('ico', 'text')
    .addColumn('foreign_id', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('record_parties_pk', ['record_id', 'version_no', 'position'])
    .execute();
  await db.schema.createIndex('record_parties_ico').on('record_parties').columns(['ico', 'record_id']).execute();

  // Published versions are immutable and never deleted: the database itself refuses it.
  if (dialect === 'postgres') {
    await sql`CREATE FUNCTION record_versions_immutable() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'record_versions are append-only'; END; $$ LANGUAGE plpgsql`.execute(db);
    await sql`CREATE TRIGGER record_versions_no_update BEFORE UPDATE OR DELETE ON record_versions
      FOR EACH ROW EXECUTE FUNCTION record_versions_immutable()`.execute(db);
    await sql`CREATE TRIGGER records_no_delete BEFORE DELETE ON records
      FOR EACH ROW EXECUTE FUNCTION record_versions_immutable()`.execute(db);
  } else {
    await sql`CREATE TRIGGER record_versions_no_update BEFORE UPDATE ON record_versions
      BEGIN SELECT RAISE(ABORT, 'record_versions are append-only'); END`.execute(db);
    await sql`CREATE TRIGGER record_versions_no_delete BEFORE DELETE ON record_versions
      BEGIN SELECT RAISE(ABORT, 'record_versions are append-only'); END`.execute(db);
    await sql`CREATE TRIGGER records_no_delete BEFORE DELETE ON records
      BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END`.execute(db);
  }
}
