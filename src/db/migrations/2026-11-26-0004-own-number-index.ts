/** Frozen: invoices and orders link to a contract of the same publisher by its number (e.g. an ISDOC contract reference). */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('records_org_own_number').on('records').columns(['organization_id', 'type', 'own_number']).execute();
}
