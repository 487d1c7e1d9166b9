import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { openDatabase } from './connection.ts';
import { migrateToLatest } from './migrate.ts';
import { testDialect } from './testing.ts';

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
