/**
 * Frozen: an attachment's file is stored once by its SHA-256, but each organisation that uploads it owns its own
 * use of it (name, time); only an owner may preview it before publication or publish it.
 */
import type { Kysely } from 'kysely';
import type { DialectName } from '../connection.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const ref = dialect === 'postgres' ? ('bigint' as const) : ('integer' as const);
  await db.schema
    .createTable('organization_attachments')
    .addColumn('organization_id', ref, (c) => c.notNull().references('organizations.id'))
    .addColumn('sha256', 'text', (c) => c.notNull().references('attachments.sha256'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('organization_attachments_pk', ['organization_id', 'sha256'])
    .execute();
  // Uploads made before this table existed belong to the organisation that stored them first.
  await db
    .insertInto('organization_attachments' as never)
    .columns(['organization_id', 'sha256', 'name', 'created_at'] as never)
    .expression(db.selectFrom('attachments' as never).select(['organization_id', 'sha256', 'name', 'created_at'] as never) as never)
    .execute();
}
