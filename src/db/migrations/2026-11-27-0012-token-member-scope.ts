/**
 * Frozen: whether an API token may manage the people of its organisation (grant and revoke roles). Off for every
 * existing token: a publishing token leaked from an accounting system must not be able to add an administrator.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_tokens').addColumn('may_manage_members', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}
