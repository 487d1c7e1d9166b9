/**
 * Frozen: records remember the version number of their source (the national contract register's idVerze), so an
 * older source version arriving later never overwrites a newer one, and re-importing a dump changes nothing.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('records').addColumn('source_version', 'bigint').execute();
}
