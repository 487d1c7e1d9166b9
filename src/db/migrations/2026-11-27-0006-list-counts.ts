/**
 * Frozen: how many parties and attachments each record's current version lists, so that a bulk CSV export knows
 * its numbered columns (strany.N.*, prilohy.N.*) before it streams the rows. NULL until computed: the CLI fills
 * them for existing records right after this migration runs.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('records').addColumn('party_count', 'integer').execute();
  await db.schema.alterTable('records').addColumn('attachment_count', 'integer').execute();
}
