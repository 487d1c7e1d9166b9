/**
 * COPY … FROM STDIN through Kysely, and reads through COPY … TO STDOUT (copyOutBatches). Kysely runs every statement as `client.query(sql, parameters)` on the connection
 * of its transaction and has no COPY; the pool given to Kysely hands out clients that recognise a statement starting
 * with COPY_STATEMENT_MARK and stream its single parameter (the rows in COPY text format) on the same connection,
 * so that a COPY joins the transaction like any other statement.
 */
import type { CompiledQuery, PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

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

/** How a column of a COPY read is decoded: an integer, UTF-8 text, or its bytes as they are. */
export type ColumnKind = 'integer' | 'text' | 'bytes';

/** A streamed read's batch ends at whichever comes first. */
export interface BatchLimits {
  rows: number;
  bytes: number;
}

/**
 * COPY … TO STDOUT takes no bind parameters: the compiled query's `$n` are replaced by their values, which must be
 * integers (ids, limits), so that nothing can be injected; each goes in parentheses (`x-$1` must not become a
 * comment). Text belongs in the query itself (sql.lit); a `$` inside a quoted literal or name is refused, since it
 * cannot be told from a placeholder here.
 */
export function inlineIntegerParameters(query: CompiledQuery): string {
  assertIntegerParameters(query);
  const text = query.sql;
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote) {
      if (char === '$') throw new Error('COPY reads take no "$" inside quoted text');
      if (char === quote) quote = null;
      out += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      out += char;
    } else if (char === '$' && /[0-9]/.test(text[i + 1] ?? '')) {
      let end = i + 1;
      while (end < text.length && /[0-9]/.test(text[end]!)) end++;
      const index = Number(text.slice(i + 1, end)) - 1;
      if (index >= query.parameters.length) throw new Error(`COPY read names $${index + 1}, which has no value`);
      out += `(${String(query.parameters[index])})`;
      i = end - 1;
    } else out += char;
  }
  return out;
}

/** Refuses a streamed read with other than integer parameters, on either database (see inlineIntegerParameters). */
export function assertIntegerParameters(query: CompiledQuery): void {
  query.parameters.forEach((value, index) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Error(`COPY reads take integer parameters only; $${index + 1} is ${typeof value}`);
  });
}

const BINARY_COPY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const SLAB_BYTES = 1024 * 1024;

/**
 * Rows of PostgreSQL's binary COPY format, from its data as it arrives in chunks: a signature, flags and an extension
 * area, then per row a field count and each field's length (-1: NULL) and bytes, ended by a count of -1. Integers
 * arrive as 2, 4 or 8 bytes, big-endian. A row cut by the end of a chunk is completed by the next.
 */
export class BinaryCopyParser {
  /**
   * Chunks are copied one after another into slabs of at least 1 MB, which the rows' bytes point into: a buffer per
   * chunk (a socket read of ≤64 kB with the cut row before it) measured ~8 MB more resident memory at a million
   * records, freed blocks of that size staying with the allocator.
   */
  private slab: Buffer = Buffer.allocUnsafe(0);
  /** Full slabs whose rows were handed out, and slabs free for reuse (see release). */
  private retired: Buffer[] = [];
  private readonly spare: Buffer[] = [];
  private used = 0;
  private start = 0;
  private started = false;
  ended = false;

  constructor(private readonly kinds: readonly ColumnKind[]) {}

  /** The rows completed by this chunk. */
  push(chunk: Buffer): unknown[][] {
    if (this.used + chunk.length > this.slab.length) {
      // Doubling what is needed: a row larger than a slab is then copied a few times as it arrives, not per chunk.
      const size = Math.max(SLAB_BYTES, 2 * (this.used - this.start + chunk.length));
      const next = (size === SLAB_BYTES ? this.spare.pop() : undefined) ?? Buffer.allocUnsafe(size);
      this.used = this.slab.copy(next, 0, this.start, this.used);
      if (this.slab.length === SLAB_BYTES) this.retired.push(this.slab);
      this.slab = next;
      this.start = 0;
    }
    this.used += chunk.copy(this.slab, this.used);
    const data = this.slab;
    const end = this.used;
    let offset = this.start;
    if (!this.started) {
      if (end - offset >= 11 && !data.subarray(offset, offset + 11).equals(BINARY_COPY_SIGNATURE)) throw new Error('not PostgreSQL binary COPY data');
      if (end - offset < 19 || end - offset < 19 + data.readInt32BE(offset + 15)) return [];
      offset += 19 + data.readInt32BE(offset + 15);
      this.started = true;
    }
    const rows: unknown[][] = [];
    const kinds = this.kinds;
    while (!this.ended && offset + 2 <= end) {
      const count = data.readInt16BE(offset);
      if (count === -1) {
        this.ended = true;
        offset += 2;
        break;
      }
      if (count !== kinds.length) throw new Error(`COPY row has ${count} fields, expected ${kinds.length}`);
      const row = new Array<unknown>(count);
      let at = offset + 2;
      let complete = true;
      for (let i = 0; i < count; i++) {
        if (at + 4 > end) {
          complete = false;
          break;
        }
        const length = data.readInt32BE(at);
        at += 4;
        if (length === -1) {
          row[i] = null;
          continue;
        }
        if (at + length > end) {
          complete = false;
          break;
        }
        const kind = kinds[i];
        if (kind === 'bytes') row[i] = data.subarray(at, at + length);
        else if (kind === 'text') row[i] = data.toString('utf8', at, at + length);
        else if (length === 4) row[i] = data.readInt32BE(at);
        else if (length === 8) row[i] = Number(data.readBigInt64BE(at));
        else if (length === 2) row[i] = data.readInt16BE(at);
        else throw new Error(`COPY field ${i} of ${length} bytes is no integer`);
        at += length;
      }
      if (!complete) break;
      rows[rows.length] = row;
      offset = at;
    }
    if (this.ended && offset < end) throw new Error('data after the end of binary COPY data');
    this.start = offset;
    return rows;
  }

  /**
   * Called once no row handed out so far is used any more: the full slabs they point into are written over by the
   * rows that follow. A million-record export otherwise left ~1 GB of slabs per thread to the garbage collector,
   * which V8 collects by full collections once enough memory outside the heap has piled up.
   */
  release(): void {
    for (const slab of this.retired) this.spare.push(slab);
    this.retired = [];
  }
}

/**
 * Streams a read through COPY … TO STDOUT in binary format, in batches (`limits`): one statement for all of it (one
 * snapshot, no query per chunk: chunked reads cost PostgreSQL twice the time of one COPY at a million records), its
 * text columns as the server's UTF-8 bytes, which a `bytes` column hands on as they are (node-postgres decodes every
 * value of a normal read into a string). The stream pauses while a batch is handled. A batch's `bytes` values are
 * valid until the next batch is asked for: their memory is reused.
 * Leaving early drops the connection: it is still in the middle of the COPY.
 */
export async function* copyOutBatches(pool: pg.Pool, query: CompiledQuery, kinds: readonly ColumnKind[], limits: BatchLimits): AsyncGenerator<unknown[][]> {
  const statement = `COPY (${inlineIntegerParameters(query)}) TO STDOUT (FORMAT binary)`;
  const client = await pool.connect();
  let finished = false;
  try {
    // No parallel workers: the export's own threads use the cores. (Also forbidding sorts, so that a range would
    // always stream in index order, made an export of one organisation scan every record: 2.1 s instead of 0.3 s.)
    await client.query('begin read only');
    await client.query('set local max_parallel_workers_per_gather = 0');
    const parser = new BinaryCopyParser(kinds);
    let batch: unknown[][] = [];
    let bytes = 0;
    for await (const chunk of client.query(copyTo(statement))) {
      for (const row of parser.push(chunk as Buffer)) batch[batch.length] = row;
      bytes += (chunk as Buffer).length;
      if (batch.length > 0 && (batch.length >= limits.rows || bytes >= limits.bytes)) {
        yield batch;
        // The consumer asks for the next batch: it is done with this one's bytes (see Db.streamRows).
        parser.release();
        batch = [];
        bytes = 0;
      }
    }
    if (!parser.ended) throw new Error('binary COPY data ended early');
    await client.query('commit');
    if (batch.length > 0) yield batch;
    finished = true;
  } finally {
    client.release(!finished);
  }
}
