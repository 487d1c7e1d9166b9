import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { openDatabase } from './connection.ts';
import { migrateToLatest } from './migrate.ts';
import { sql } from 'kysely';
import pg from 'pg';
import { silentLogger } from '../shared/log.ts';
import { TEST_POSTGRES_URL, testDialect } from './testing.ts';

// The SQLite run covers it; the PostgreSQL run has nothing to add.
describe.runIf(testDialect() === 'sqlite')('openDatabase (SQLite)', () => {
  it('creates a new database with 16 KiB pages in WAL mode, and opens an existing one with the page size it has', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'om-connection-'));
    const created = openDatabase(`sqlite:${join(dir, 'new.sqlite')}`);
    await migrateToLatest(created);
    await created.close();
    const fresh = new SqliteDatabase(join(dir, 'new.sqlite'), { readonly: true });
    expect({ pageSize: fresh.pragma('page_size', { simple: true }), journal: fresh.pragma('journal_mode', { simple: true }) }).toEqual({ pageSize: 16384, journal: 'wal' });
    fresh.close();

    const old = new SqliteDatabase(join(dir, 'old.sqlite'));
    old.pragma('page_size = 4096');
    old.exec('create table kept (id integer primary key)');
    old.close();
    const reopened = openDatabase(`sqlite:${join(dir, 'old.sqlite')}`);
    await reopened.close();
    const existing = new SqliteDatabase(join(dir, 'old.sqlite'), { readonly: true });
    expect(existing.pragma('page_size', { simple: true })).toBe(4096);
    existing.close();
  });
});

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
});
