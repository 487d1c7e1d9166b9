import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, testDialect, type TestDatabase } from './testing.ts';
import { serializeVersionWrites } from './dialect.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.cleanup();
});

describe('serializeVersionWrites', () => {
  it.runIf(testDialect() === 'postgres')('relaxes the commit flush for its own transaction only, never for the pooled connection', async () => {
    const setting = async (db: Parameters<typeof serializeVersionWrites>[0]) => (await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(db)).rows[0]!.synchronous_commit;
    // One connection, so that a setting leaking out of the transaction would be seen by the next one.
    const inside = await database.db.kysely.connection().execute(async (connection) => {
      const relaxed = await connection.transaction().execute(async (trx) => {
        await serializeVersionWrites(trx, { flushAtCommit: false });
        return setting(trx);
      });
      const ordinary = await connection.transaction().execute(async (trx) => {
        await serializeVersionWrites(trx);
        return setting(trx);
      });
      return { relaxed, ordinary, after: await setting(connection) };
    });
    expect(inside).toEqual({ relaxed: 'off', ordinary: 'on', after: 'on' });
  });

  it('takes the lock without error on both databases, in a transaction that then commits', async () => {
    await database.db.kysely.transaction().execute(async (trx) => {
      await serializeVersionWrites(trx, { flushAtCommit: false });
    });
  });
});
