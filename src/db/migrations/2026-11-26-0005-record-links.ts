/**
 * Frozen: links between records of one organisation as their current versions state them (an amendment to its
 * contract, an order or invoice to its contract or order), so a record page can list what refers to it.
 */
import type { Kysely } from 'kysely';
import type { DialectName } from '../connection.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const ref = dialect === 'postgres' ? ('bigint' as const) : ('integer' as const);
  await db.schema
    .createTable('record_links')
    .addColumn('record_id', ref, (c) => c.notNull().references('records.id'))
    .addColumn('organization_id', ref, (c) => c.notNull().references('organizations.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('target_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('record_links_pk', ['record_id', 'kind', 'target_key'])
    .execute();
  await db.schema.createIndex('record_links_target').on('record_links').columns(['organization_id', 'target_key']).execute();
}
