/**
 * Bulk inserts store every value as given, on both dialects (PostgreSQL takes plain inserts by COPY, whose text
 * format escapes backslashes and line breaks), and a failing one leaves its transaction rolled back and the
 * connection usable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from './testing.ts';
import { bulkInsert, type ColumnType } from './bulk.ts';

let database: TestDatabase;
const COLUMNS: Record<'id' | 'label' | 'amount' | 'note', ColumnType> = { id: 'integer', label: 'text', amount: 'bigint', note: 'text' };
type ProbeRow = { id: number; label: string; amount: number | null; note: string | null };

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.kysely.schema
    .createTable('bulk_probe')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint')
    .addColumn('note', 'text')
    .execute();
});
afterAll(async () => {
  await database.cleanup();
});

async function stored(): Promise<ProbeRow[]> {
  const rows = await sql<ProbeRow>`select id, label, amount, note from bulk_probe order by id`.execute(database.db.kysely);
  return rows.rows.map((row) => ({ ...row, amount: row.amount === null ? null : Number(row.amount) }));
}

describe('bulkInsert', () => {
  it('stores text with tabs, line breaks, backslashes, quotes and \\N as given, and NULL as NULL', async () => {
    const rows: ProbeRow[] = [
      { id: 1, label: 'tab\there', amount: 9_007_199_254_740_991, note: null },
      { id: 2, label: 'line\nbreak\r\nand CR\r', amount: -150, note: '' },
      { id: 3, label: 'back\\slash \\N \\t "quoted" \'single\' {"json": "a\\"b"}', amount: null, note: '\\N' },
      { id: 4, label: 'Příliš žluťoučký kůň 🐎 \u0001', amount: 0, note: ',;|' },
    ];
    await bulkInsert(database.db.kysely, 'probe', 'bulk_probe', COLUMNS, rows);
    expect(await stored()).toEqual(rows);
  });

  it('rolls a failing insert back with its transaction and leaves the connection usable', async () => {
    const before = await stored();
    await expect(
      database.db.kysely.transaction().execute(async (trx) => {
        await bulkInsert(trx, 'probe', 'bulk_probe', COLUMNS, [{ id: 10, label: 'new', amount: 1, note: null }]);
        // id 1 exists: the primary key refuses the second statement, and the first one goes with it.
        await bulkInsert(trx, 'probe', 'bulk_probe', COLUMNS, [{ id: 11, label: 'new', amount: 1, note: null }, { id: 1, label: 'duplicate', amount: 1, note: null }]);
      }),
    ).rejects.toThrow(/unique|duplicate/i);
    expect(await stored()).toEqual(before);
    await bulkInsert(database.db.kysely, 'probe', 'bulk_probe', COLUMNS, [{ id: 12, label: 'after', amount: null, note: null }]);
    expect((await stored()).map((row) => row.id)).toEqual([...before.map((row) => row.id), 12]);
  });
});
