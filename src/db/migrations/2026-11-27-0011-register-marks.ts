/**
 * Frozen: named marks of register-wide changes that add no version, such as a recomputation of the red flags
 * (`om red-flags`). The mark is part of the register's generation, so cached answers and the search index of every
 * process notice the change.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('register_marks')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}
