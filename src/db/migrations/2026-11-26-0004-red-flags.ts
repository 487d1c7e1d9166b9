/**
 * Frozen: each record keeps the codes of its red flags (space-separated between spaces), so that search can filter
 * by a flag. NULL until computed: the CLI computes them for existing records right after this migration runs.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('records').addColumn('red_flags', 'text').execute();
}
