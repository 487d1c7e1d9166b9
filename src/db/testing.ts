/**
 * Databases for store tests: TEST_DIALECT=sqlite gives a fresh SQLite file, TEST_DIALECT=postgres a fresh schema
 * in the PostgreSQL named by TEST_DATABASE_URL (default: the machine's local `test` database). Both are removed after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Db } from './connection.ts';
import { migrateToLatest } from './migrate.ts';

export interface TestDatabase {
  db: Db;
  /** A URL other processes (the CLI) can use to reach the same database. */
  url: string;
  searchPath?: string;
  cleanup(): Promise<void>;
}

export const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function testDialect(): 'sqlite' | 'postgres' {
  return process.env.TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (testDialect() === 'postgres') {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const db = openDatabase(TEST_POSTGRES_URL, { searchPath: schema, poolSize: 4 });
    await migrateToLatest(db);
    return {
      db,
      url: `${TEST_POSTGRES_URL}?schema=${schema}`,
      searchPath: schema,
      async cleanup() {
        await db.close();
        const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
        await client.connect();
        await client.query(`DROP SCHEMA ${schema} CASCADE`);
        await client.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'om-test-'));
  const url = `sqlite:${join(dir, 'test.sqlite')}`;
  const db = openDatabase(url);
  await migrateToLatest(db);
  return {
    db,
    url,
    async cleanup() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
