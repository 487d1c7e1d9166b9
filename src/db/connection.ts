/**
 * Opens the database named by a URL: `sqlite:/path/file.sqlite` (the default, embedded) or `postgres://…`.
 * Everything dialect-specific lives in src/db; repositories above it see one Kysely<Database>.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { createLogger, type Logger } from '../shared/log.ts';
import { assertIntegerParameters, copyOutBatches, poolWithCopy, type BatchLimits, type ColumnKind } from './copy.ts';
import type { Database } from './schema.ts';

export type { BatchLimits, ColumnKind } from './copy.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: DialectName;
  /** Human-readable target for logs, without credentials. */
  target: string;
  /** PostgreSQL schema the tables live in (search_path); undefined for SQLite. */
  schema?: string;
  /**
   * How a worker thread opens its own connection to the same database (with credentials: never log it);
   * null for an in-memory SQLite database, which no other connection can see.
   */
  reopen: { url: string; searchPath?: string } | null;
  /**
   * Streams a read in batches (of about `batch.rows` rows or `batch.bytes` of text, whichever comes first), for a
   * bulk export: one statement and one snapshot from the first row to the last. Its columns are integers, texts, and
   * texts wanted as UTF-8 bytes (`kinds`; select those with utf8Bytes() or reusedUtf8Bytes() of db/dialect.ts), which
   * go to files as they come. Its parameters must be integers (PostgreSQL reads it with COPY, SQLite on a connection
   * of its own). A batch's bytes are valid only until the next batch is asked for (their memory is reused): copy what
   * must outlive it.
   */
  streamRows(query: CompiledQuery, kinds: readonly ColumnKind[], batch: BatchLimits): AsyncIterable<unknown[][]>;
  /**
   * For a process that reads its tables once from start to end (`om export`): SQLite keeps a small page cache,
   * which such a scan does not use, so that the memory can go to file buffers. No-op on PostgreSQL.
   */
  preferScans(): void;
  /**
   * Whether a read runs while this thread goes on (PostgreSQL: the server works meanwhile, on a core of its own);
   * SQLite reads synchronously, in this thread. A bulk export decides its threads by it.
   */
  readsOverlap: boolean;
  close(): Promise<void>;
}

// int8 (bigint, count(*)) arrives as a string by default; our values (haléře, ids) fit a double exactly.
pg.types.setTypeParser(20, (value) => Number(value));

/**
 * Kysely prepares every query anew; bulk writes repeat the same SQL thousands of times, so prepared
 * statements are kept per SQL text (a small LRU). Measured: about 5 µs saved per written record.
 */
function withStatementCache(sqlite: SqliteDatabase.Database, size = 200) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sqlText: string) {
      let statement = cache.get(sqlText);
      if (statement) {
        cache.delete(sqlText);
      } else {
        statement = sqlite.prepare(sqlText);
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(sqlText, statement);
      return statement;
    },
  };
}

export function isPostgresUrl(url: string): boolean {
  return url.startsWith('postgres://') || url.startsWith('postgresql://');
}

export function openDatabase(url: string, options: { searchPath?: string; poolSize?: number; logger?: Logger } = {}): Db {
  if (isPostgresUrl(url)) {
    // `?schema=name` selects a schema (used by tests and by installations sharing one database).
    const parsedUrl = new URL(url);
    const schema = parsedUrl.searchParams.get('schema');
    parsedUrl.searchParams.delete('schema');
    const searchPath = options.searchPath ?? schema ?? undefined;
    if (searchPath && !/^[a-z_][a-z0-9_]*$/i.test(searchPath)) throw new Error(`invalid schema name "${searchPath}"`);
    const pool = new pg.Pool({
      connectionString: parsedUrl.toString(),
      max: options.poolSize ?? 10,
      ...(searchPath ? { options: `-c search_path=${searchPath}` } : {}),
    });
    // A connection the server closes (a restart, an administrator) is reported as an event: on the pool while idle
    // (pg drops it, the next query opens a new one; logged here), on the client while a query or transaction holds
    // it (its statements then fail with the error, which their callers report). Without a listener either event
    // would end the process.
    pool.on('error', (error) => (options.logger ?? createLogger('warn')).warn('idle PostgreSQL connection lost', { error: error.message }));
    pool.on('connect', (client) => client.on('error', () => undefined));
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool: poolWithCopy(pool) }) });
    return {
      kysely,
      reopen: { url, searchPath },
      streamRows: (query, kinds, batch) => copyOutBatches(pool, query, kinds, batch),
      readsOverlap: true,
      dialect: 'postgres',
      target: `postgres://${parsedUrl.host}${parsedUrl.pathname}${searchPath ? `?schema=${searchPath}` : ''}`,
      schema: searchPath ?? 'public',
      preferScans: () => undefined,
      close: () => kysely.destroy(),
    };
  }
  const file = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Checkpoint every ~400 MB of WAL instead of 4 MB: index pages changed by many batches reach the database file
  // once instead of many times, and each checkpoint's fsync is paid once per ~100,000 pages. Measured on a
  // 1,000,000-record register import (writer alone): 11,200 records/s at 10,000 pages, 13,900/s at 100,000.
  // The WAL file is cut back to 64 MB after each checkpoint.
  sqlite.pragma('wal_autocheckpoint = 100000');
  sqlite.pragma('journal_size_limit = 67108864');
  // 16 MiB of page cache: larger measured no faster for bulk writes and costs resident memory.
  sqlite.pragma('cache_size = -16384');
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    kysely,
    reopen: file === ':memory:' ? null : { url: `sqlite:${file}` },
    dialect: 'sqlite',
    target: `sqlite:${file}`,
    streamRows: (query, kinds, batch) => sqliteBatches(sqlite, file, query, kinds, batch),
    readsOverlap: false,
    preferScans: () => {
      sqlite.pragma('cache_size = -2048');
    },
    close: () => kysely.destroy(),
  };
}

/**
 * Waits for the event loop's next turn. better-sqlite3 reads synchronously, and an async generator's `yield` only
 * queues a microtask: without this, a streamed read kept the event loop from its I/O for the whole read, so neither a
 * server's requests nor the export's files being created in the background (startTemporaryFiles) got a turn.
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A read of a SQLite database in batches, on a read-only connection of its own: statements of other work (a server's
 * requests) may run on the main connection between batches, which an open statement would refuse. An in-memory
 * database has no other connection; it is read at once, then handed on in batches. A `bytes` column arrives as a
 * Buffer (utf8Bytes) or as text, which is written into buffers that the next batch reuses (reusedUtf8Bytes, TextSlabs).
 */
async function* sqliteBatches(main: SqliteDatabase.Database, file: string, query: CompiledQuery, kinds: readonly ColumnKind[], limits: BatchLimits): AsyncGenerator<unknown[][]> {
  // The same contract as on PostgreSQL, so that a test on either database catches a text parameter.
  assertIntegerParameters(query);
  const parameters = query.parameters as unknown[];
  const reader = file === ':memory:' ? null : new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    // A scan reads each page once: a small cache leaves the memory to the files being written.
    reader?.pragma('cache_size = -2048');
    const statement = (reader ?? main).prepare(query.sql).raw(true);
    const rows = (reader ? statement.iterate(...parameters) : statement.all(...parameters)) as Iterable<unknown[]>;
    const slabs = new TextSlabs();
    let batch: unknown[][] = [];
    let bytes = 0;
    for (const row of rows) {
      for (let i = 0; i < row.length; i++) {
        const value = row[i];
        if (typeof value === 'string') {
          bytes += value.length;
          if (kinds[i] === 'bytes') row[i] = slabs.place(value);
        } else if (value instanceof Uint8Array) bytes += value.length;
      }
      batch[batch.length] = row;
      if (batch.length >= limits.rows || bytes >= limits.bytes) {
        yield batch;
        // The consumer asks for the next batch: it is done with this one's bytes.
        slabs.reuse();
        batch = [];
        bytes = 0;
        await nextTurn();
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    reader?.close();
  }
}

/**
 * Texts of a batch as UTF-8 bytes, written one after another into buffers of at least 1 MB that the next batch
 * writes over. better-sqlite3 returns a BLOB as a Buffer of its own, allocated outside V8's heap and freed only by a
 * collection, and the allocator keeps much of what such churn freed (with one malloc arena instead of one per
 * thread, a two-thread export peaked ~8 MB lower); a string is collected young, cheaply.
 */
class TextSlabs {
  private readonly slabs: Buffer[] = [];
  private current = 0;
  private used = 0;

  place(text: string): Buffer {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    const most = text.length * 3;
    let slab = this.slabs[this.current];
    if (slab !== undefined && this.used + most > slab.length) {
      this.current++;
      this.used = 0;
      slab = this.slabs[this.current];
    }
    if (slab === undefined || most > slab.length) {
      slab = Buffer.allocUnsafe(Math.max(1024 * 1024, most));
      this.slabs[this.current] = slab;
      this.used = 0;
    }
    const length = slab.write(text, this.used, 'utf8');
    const bytes = slab.subarray(this.used, this.used + length);
    this.used += length;
    return bytes;
  }

  reuse(): void {
    this.current = 0;
    this.used = 0;
  }
}
