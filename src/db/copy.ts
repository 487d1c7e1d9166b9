/**
 * COPY … FROM STDIN through Kysely. Kysely runs every statement as `client.query(sql, parameters)` on the connection
 * of its transaction and has no COPY; the pool given to Kysely hands out clients that recognise a statement starting
 * with COPY_STATEMENT_MARK and stream its single parameter (the rows in COPY text format) on the same connection,
 * so that a COPY joins the transaction like any other statement.
 */
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export const COPY_STATEMENT_MARK = '/* om:copy-from-stdin */ ';

async function copyIn(client: pg.PoolClient, statement: string, data: string): Promise<{ command: 'INSERT'; rowCount: number; rows: never[] }> {
  const stream = client.query(copyFrom(statement));
  await new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
    stream.end(data);
  });
  // Reported as an INSERT, which is what it does: Kysely then counts the rows it added.
  return { command: 'INSERT', rowCount: stream.rowCount, rows: [] };
}

/** Wraps a pg pool for Kysely; one wrapper per pg client, since Kysely keeps its connection objects by client. */
export function poolWithCopy(pool: pg.Pool): PostgresPool {
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = {
          query: ((statement: unknown, parameters?: readonly unknown[]) => {
            if (typeof statement === 'string' && statement.startsWith(COPY_STATEMENT_MARK)) return copyIn(client, statement, parameters![0] as string);
            return (client.query as (statement: unknown, parameters?: readonly unknown[]) => unknown)(statement, parameters);
          }) as PostgresPoolClient['query'],
          release: (destroy?: boolean) => client.release(destroy),
        };
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}
