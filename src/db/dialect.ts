/**
 * SQL that differs between SQLite and PostgreSQL, chosen here so that repositories never branch on the dialect.
 */
import { PostgresAdapter, sql, type Expression, type Kysely, type RawBuilder, type Transaction } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any> | Transaction<any>;

function isPostgres(db: AnyDb): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** 1-based character position of `needle` in `haystack`, 0 when absent (SQLite instr, PostgreSQL strpos). */
export function textPosition(db: AnyDb, haystack: Expression<string>, needle: string): RawBuilder<number> {
  return isPostgres(db) ? sql<number>`strpos(${haystack}, ${needle})` : sql<number>`instr(${haystack}, ${needle})`;
}
