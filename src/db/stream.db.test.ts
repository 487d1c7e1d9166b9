import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from './testing.ts';
import { reusedUtf8Bytes, utf8Bytes } from './dialect.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  const { kysely } = database.db;
  await sql`create table stream_probe (id integer primary key, name text, note text)`.execute(kysely);
  for (let start = 1; start <= 2500; start += 500) {
    const values = Array.from({ length: 500 }, (_, i) => sql`(${start + i}, ${`Obec Příkladov „${start + i}“ 😀`}, ${(start + i) % 3 === 0 ? null : 'pozn.\t"x"\\'})`);
    await sql`insert into stream_probe (id, name, note) values ${sql.join(values)}`.execute(kysely);
  }
});
afterAll(async () => {
  await database.cleanup();
});

function probeQuery(afterId: number) {
  const { kysely } = database.db;
  return kysely
    .selectFrom('stream_probe' as never)
    .select([sql<number>`id`.as('id'), sql<string>`name`.as('name'), utf8Bytes(kysely, sql<string>`coalesce(note, '-') || ${sql.lit('|')} || name`).as('line')])
    .where(sql<boolean>`id > ${afterId}`)
    .orderBy(sql`id`)
    .compile();
}

describe('streamed reads (Db.streamRows)', () => {
  it('streams every row in order, in batches, with integers, texts and UTF-8 bytes', async () => {
    const batches: unknown[][][] = [];
    // A batch's bytes are valid until the next batch is asked for: kept as text here.
    for await (const batch of database.db.streamRows(probeQuery(100), ['integer', 'text', 'bytes'], { rows: 300, bytes: 1_000_000 })) {
      for (const row of batch) expect(Buffer.isBuffer(row[2])).toBe(true);
      batches.push(batch.map((row) => [row[0], row[1], (row[2] as Buffer).toString('utf8')]));
    }
    const rows = batches.flat();
    expect(rows).toHaveLength(2400);
    expect(batches.length).toBeGreaterThan(2);
    // A batch ends once it holds the given rows (PostgreSQL: at the end of the data received with that row).
    for (const batch of batches.slice(0, -1)) expect(batch.length).toBeGreaterThanOrEqual(300);
    expect(rows.map((row) => row[0])).toEqual(Array.from({ length: 2400 }, (_, i) => 101 + i));
    const [id, name, line] = rows[1]!;
    expect(id).toBe(102);
    expect(name).toBe('Obec Příkladov „102“ 😀');
    expect(line).toBe('-|Obec Příkladov „102“ 😀');
    expect(rows[0]![2]).toBe('pozn.\t"x"\\|Obec Příkladov „101“ 😀');
  });

  it('hands each batch its own bytes while the rows fill many buffers, which later batches reuse', async () => {
    const { kysely } = database.db;
    // ~9 kB a row, ~2.7 MB in all: several of the 1 MB buffers a read fills.
    const query = (bytes: typeof utf8Bytes) =>
      kysely
        .selectFrom('stream_probe' as never)
        .select([sql<number>`id`.as('id'), bytes(kysely, sql<string>`replace(${sql.lit('x'.repeat(1000))}, 'x', name)`).as('big')])
        .where(sql<boolean>`id <= 300`)
        .orderBy(sql`id`)
        .compile();
    // Small batches, and batches that span several buffers; Buffers of their own and reused buffers.
    for (const [rows, bytes] of [[7, utf8Bytes], [200, utf8Bytes], [7, reusedUtf8Bytes], [200, reusedUtf8Bytes]] as const) {
      let seen = 0;
      for await (const batch of database.db.streamRows(query(bytes), ['integer', 'bytes'], { rows, bytes: 10_000_000 })) {
        for (const [id, big] of batch) {
          const text = (big as Buffer).toString('utf8');
          expect(text.length).toBe(1000 * `Obec Příkladov „${String(id)}“ 😀`.length);
          expect(text.startsWith(`Obec Příkladov „${String(id)}“ 😀Obec`)).toBe(true);
          expect(text.endsWith(`„${String(id)}“ 😀`)).toBe(true);
          seen++;
        }
      }
      expect(seen).toBe(300);
    }
  });

  it('ends a batch at the byte limit too', async () => {
    const batches: unknown[][][] = [];
    for await (const batch of database.db.streamRows(probeQuery(0), ['integer', 'text', 'bytes'], { rows: 100_000, bytes: 20_000 })) batches.push(batch);
    expect(batches.flat()).toHaveLength(2500);
    expect(batches.length).toBeGreaterThanOrEqual(3);
  });

  it('lets the event loop turn between batches, though SQLite reads synchronously', async () => {
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    let turnsBeforeLast = -1;
    try {
      for await (const batch of database.db.streamRows(probeQuery(0), ['integer', 'text', 'bytes'], { rows: 10, bytes: 1_000_000 })) {
        if (batch.at(-1)![0] === 2500) turnsBeforeLast = turns;
      }
    } finally {
      clearInterval(timer);
    }
    expect(turnsBeforeLast).toBeGreaterThan(0);
  });

  it('can be left early, and the database answers afterwards', async () => {
    let seen = 0;
    for await (const batch of database.db.streamRows(probeQuery(0), ['integer', 'text', 'bytes'], { rows: 100, bytes: 1_000_000 })) {
      seen += batch.length;
      break;
    }
    expect(seen).toBeGreaterThanOrEqual(100);
    const count = await database.db.kysely.selectFrom('stream_probe' as never).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2500);
  });

  it('takes integer parameters only, on either database', async () => {
    const { kysely } = database.db;
    const query = kysely.selectFrom('stream_probe' as never).select(sql<number>`id`.as('id')).where(sql<boolean>`name = ${'x'}`).compile();
    const read = async () => {
      for await (const _ of database.db.streamRows(query, ['integer'], { rows: 10, bytes: 1000 })) return;
    };
    await expect(read()).rejects.toThrow('COPY reads take integer parameters only');
  });
});
