/** Frozen: the latest change of any organisation is part of the register's generation, read on every cached page. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('organizations_updated_at').on('organizations').column('updated_at').execute();
}
