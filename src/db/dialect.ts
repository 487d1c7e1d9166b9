/**
 * SQL that differs between SQLite and PostgreSQL, chosen here so that repositories never branch on the dialect.
 */
import { PostgresAdapter, sql, type Expression, type Kysely, type RawBuilder, type Transaction } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any> | Transaction<any>;

function isPostgres(db: AnyDb): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * 1-based character position of `needle` in `haystack`, 0 when absent (SQLite instr, PostgreSQL strpos). A string
 * needle is a parameter; sql.lit() puts a constant one into the query text (a COPY read takes no text parameters).
 */
export function textPosition(db: AnyDb, haystack: Expression<string>, needle: string | Expression<string>): RawBuilder<number> {
  return isPostgres(db) ? sql<number>`strpos(${haystack}, ${needle})` : sql<number>`instr(${haystack}, ${needle})`;
}

/**
 * The JSON text of a text value as JSON.stringify writes it, `null` for NULL (SQLite json_quote, PostgreSQL
 * to_json): both escape the same characters the same way (`"`, `\\`, and control characters, as \b \f \n \r \t
 * or lower-case \u00xx).
 */
export function jsonText(db: AnyDb, value: Expression<string | null>): RawBuilder<string> {
  return isPostgres(db) ? sql<string>`coalesce(to_json(${value}::text)::text, 'null')` : sql<string>`json_quote(${value})`;
}

/**
 * A text value as its UTF-8 bytes, for Db.streamRows (a `bytes` column): SQLite returns a BLOB as a Buffer of its
 * own; PostgreSQL's binary COPY sends text as its bytes already (outside a COPY, the value stays a string there).
 */
export function utf8Bytes(db: AnyDb, value: Expression<string>): RawBuilder<Uint8Array> {
  return isPostgres(db) ? sql<Uint8Array>`${value}` : sql<Uint8Array>`cast(${value} as blob)`;
}

/**
 * The same for Db.streamRows, but SQLite returns the text, which the stream writes into buffers that the next batch
 * reuses, instead of a Buffer of its own per value. Measured on a million-record CSV export on two threads: ~14 MB
 * lower peak, ~5 % slower; on one thread no lower and ~12 % slower (decoding the text and encoding it again).
 */
export function reusedUtf8Bytes(_db: AnyDb, value: Expression<string>): RawBuilder<Uint8Array> {
  return sql<Uint8Array>`${value}`;
}

/**
 * Refreshes the planner's statistics of these tables after a bulk load: PostgreSQL's autovacuum analyses late, and
 * until then plans for a table that grew from empty to a million rows are wrong by orders of magnitude.
 */
export async function refreshStatistics(db: AnyDb, tables: string[]): Promise<void> {
  if (isPostgres(db)) {
    for (const table of tables) await sql`analyze ${sql.table(table)}`.execute(db);
  } else {
    // A sampled ANALYZE (analysis_limit) costs a fraction of a second even on large tables.
    await sql`pragma analysis_limit = 1000`.execute(db);
    for (const table of tables) await sql`analyze ${sql.table(table)}`.execute(db);
  }
}

/**
 * Makes version ids follow commit order, which the changes feed relies on: a reader that has seen id N must never
 * later see a smaller id appear. SQLite has one writer at a time already; on PostgreSQL concurrent transactions
 * draw ids from the sequence in one order and commit in another, so writers of versions take a transaction-level
 * lock first and hold it until they commit.
 */
export async function serializeVersionWrites(db: AnyDb): Promise<void> {
  if (isPostgres(db)) await sql`select pg_advisory_xact_lock(${VERSION_LOCK_KEY})`.execute(db);
}

/** An arbitrary constant that names the lock; "om-versions" as a number. */
const VERSION_LOCK_KEY = 7_236_911_055;

/**
 * Holds changes of one organisation's roles one after another until commit, so that a rule over all of them (the
 * last administrator stays) cannot be passed by two changes at once. SQLite has one writer at a time already.
 */
export async function serializeMembershipChanges(db: AnyDb, organizationId: number): Promise<void> {
  if (isPostgres(db)) await sql`select pg_advisory_xact_lock(${MEMBERSHIP_LOCK_CLASS}::int4, ${organizationId}::int4)`.execute(db);
}

/** Names the lock together with the organisation's id; "om-m" as a number. */
const MEMBERSHIP_LOCK_CLASS = 1_869_426_029;
