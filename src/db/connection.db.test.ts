import { describe, expect, it } from 'vitest';
import { openDatabase } from './connection.ts';
import { sql } from 'kysely';
import pg from 'pg';
import { silentLogger } from '../shared/log.ts';
import { TEST_POSTGRES_URL, testDialect } from './testing.ts';

describe.runIf(testDialect() === 'postgres')('openDatabase (PostgreSQL)', () => {
  it('survives an idle pooled connection closed by the server, logs it, and opens a new one for the next query', async () => {
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (message: string) => warnings.push(message) };
    const db = openDatabase(TEST_POSTGRES_URL, { poolSize: 1, logger });
    try {
      const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db.kysely)).rows[0]!.pid;
      const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await admin.connect();
      await admin.query('select pg_terminate_backend($1)', [pid]);
      await admin.end();
      for (let tries = 0; tries < 100 && warnings.length === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(warnings).toEqual(['idle PostgreSQL connection lost']);
      const again = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db.kysely)).rows[0]!.pid;
      expect(again).not.toBe(pid);
    } finally {
      await db.close();
    }
  });

  it('fails the statements of a transaction whose connection the server closed, without ending the process', async () => {
    const db = openDatabase(TEST_POSTGRES_URL, { poolSize: 1, logger: silentLogger });
    try {
      await expect(
        db.kysely.transaction().execute(async (trx) => {
          const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]!.pid;
          const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
          await admin.connect();
          await admin.query('select pg_terminate_backend($1)', [pid]);
          await admin.end();
          await new Promise((resolve) => setTimeout(resolve, 100));
          await sql`select 1`.execute(trx);
        }),
      ).rejects.toThrow(/terminat|connection/i);
      expect((await sql<{ one: number }>`select 1 as one`.execute(db.kysely)).rows[0]!.one).toBe(1);
    } finally {
      await db.close();
    }
  });
});
