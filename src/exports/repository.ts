/** All SQL of the bulk export: what each organisation holds, its records in id order, and their NDJSON lines. */
import { sql, type Kysely } from 'kysely';
import type { BatchLimits, Db } from '../db/connection.ts';
import type { Database } from '../db/schema.ts';
import { jsonText, reusedUtf8Bytes, textPosition, utf8Bytes } from '../db/dialect.ts';

/** Parties are stored as given, so the content of a record naming a natural person holds this. */
const PERSONAL_MARK = '"typOsoby":"fyzicka';

/** The columns of ExportRepository.streamRecords, as Db.streamRows decodes them. */
const STREAM_COLUMNS = ['integer', 'integer', 'text', 'text', 'text', 'bytes', 'integer', 'bytes'] as const;

export interface ExportScopeRow {
  organization_id: number;
  ico: string;
  name: string;
  type: string;
  records: number;
  published: number;
  max_parties: number | null;
  max_attachments: number | null;
}

/** A record with its current version, as the bulk files need it. */
export interface ExportRecordRow {
  id: number;
  organization_id: number;
  type: string;
  status: string;
  /** The current version's public content as UTF-8 (absent when only NDJSON is written). */
  content?: Buffer;
  /** JSON list of what was hidden from the public content (birth numbers): such a record names a natural person. */
  redactions: string;
  /** Whether a party of the current version is a natural person. */
  naturalPerson: boolean;
  /** The NDJSON line with its line break, as UTF-8 (when NDJSON is written). */
  line?: Buffer;
}

export class ExportRepository {
  private readonly db: Kysely<Database>;

  constructor(private readonly database: Db) {
    this.db = database.kysely;
  }

  /** Whether the database reads on a core of its own while this thread works (see Db.readsOverlap). */
  readsOverlap(): boolean {
    return this.database.readsOverlap;
  }

  /** How a worker thread reaches the same database (null: it cannot, an in-memory database). */
  reopen(): { url: string; searchPath?: string } | null {
    return this.database.reopen;
  }

  /** Per organisation and type: how many records, how many published, and the most parties and attachments of a published one. */
  async scopes(organizationIds?: number[], range?: { afterId: number; untilId: number | null }): Promise<ExportScopeRow[]> {
    let query = this.db
      .selectFrom('records as r')
      .innerJoin('organizations as o', 'o.id', 'r.organization_id')
      .select((eb) => [
        'r.organization_id',
        'o.ico',
        'o.name',
        'r.type',
        eb.fn.countAll<number>().as('records'),
        eb.fn.sum<number>(sql`case when r.status = 'published' then 1 else 0 end`).as('published'),
        eb.fn.max<number | null>(sql`case when r.status = 'published' then r.party_count end`).as('max_parties'),
        eb.fn.max<number | null>(sql`case when r.status = 'published' then r.attachment_count end`).as('max_attachments'),
      ])
      .groupBy(['r.organization_id', 'o.ico', 'o.name', 'r.type']);
    if (organizationIds) query = query.where('r.organization_id', 'in', organizationIds);
    if (range) query = query.where('r.id', '>', range.afterId);
    if (range?.untilId != null) query = query.where('r.id', '<=', range.untilId);
    const rows = await query.orderBy('r.organization_id').execute();
    return rows.map((row) => ({
      ...row,
      records: Number(row.records),
      published: Number(row.published ?? 0),
      max_parties: row.max_parties === null ? null : Number(row.max_parties),
      max_attachments: row.max_attachments === null ? null : Number(row.max_attachments),
    }));
  }

  /**
   * The records with ids in (afterId, untilId] in id order, in one streamed read (Db.streamRows) in batches of
   * `batch`: with their current content as UTF-8 bytes when CSV is written (the lines are made from those bytes,
   * exports/csv-bytes.ts) and their NDJSON line (ndjsonLineOf) when NDJSON is. Queries of 1,000 records each, as CSV
   * once read, cost PostgreSQL twice the time of one COPY at a million records (planning, starting and ending each).
   * Id order reads versions nearly sequentially (they were written in about that order); organisation order jumped
   * across the whole table and read 2.5 times slower at a million records.
   */
  async *streamRecords(range: { afterId: number; untilId: number | null }, batch: BatchLimits, options: { organizationIds?: number[]; withContent: boolean; withLine: boolean }): AsyncGenerator<ExportRecordRow[]> {
    const { afterId, untilId } = range;
    let query = this.db
      .selectFrom('records as r')
      .innerJoin('organizations as o', 'o.id', 'r.organization_id')
      .innerJoin('record_versions as v', (join) => join.onRef('v.record_id', '=', 'r.id').onRef('v.version_no', '=', 'r.current_version_no'))
      .select(['r.id', 'r.organization_id', 'r.type', 'r.status', 'v.redactions'])
      // Each selected column costs: only what the formats need.
      // The contents into reused buffers (less memory on two threads, where CSV runs), the lines as Buffers of their own
      // (faster on the one thread NDJSON runs on): see db/dialect.ts.
      .select(options.withContent ? reusedUtf8Bytes(this.db, sql<string>`v.content`).as('content') : sql<null>`null`.as('content'))
      .select(this.naturalPersonOf().as('natural_person'))
      .select(options.withLine ? utf8Bytes(this.db, this.ndjsonLineOf()).as('line') : sql<null>`null`.as('line'))
      .where('r.id', '>', afterId)
      // Implied by the join, but without it PostgreSQL merge-joins from the first version.
      .where('v.record_id', '>', afterId);
    if (untilId != null) query = query.where('r.id', '<=', untilId).where('v.record_id', '<=', untilId);
    if (options.organizationIds) query = query.where('r.organization_id', 'in', options.organizationIds);
    for await (const found of this.database.streamRows(query.orderBy('r.id').compile(), STREAM_COLUMNS, batch)) {
      yield found.map((row): ExportRecordRow => ({
        id: Number(row[0]),
        organization_id: Number(row[1]),
        type: row[2] as string,
        status: row[3] as string,
        redactions: row[4] as string,
        content: (row[5] as Buffer | null) ?? undefined,
        naturalPerson: Number(row[6]) === 1,
        line: (row[7] as Buffer | null) ?? undefined,
      }));
    }
  }

  /** 1 when the current version `v` names a natural person among its parties (searched in C, not in JavaScript). */
  private naturalPersonOf() {
    return sql<number>`case when ${textPosition(this.db, sql.ref('v.content'), sql.lit(PERSONAL_MARK))} > 0 then 1 else 0 end`;
  }

  /**
   * The NDJSON line of record `r` (with organisation `o` and current version `v`), built by the database: the
   * record's fields, its current content as `record`, and every version's metadata with the content of the earlier
   * ones (the current one's is `record`, not repeated: it would double the file). Stored contents are spliced in as
   * they are: they are canonical JSON already. Built here, the line reaches the files as bytes, never as a JavaScript
   * string (no encoding, no garbage per record), and on PostgreSQL the building runs on the server's core; with the
   * streamed read that halved PostgreSQL's NDJSON time at a million records (built here but read as strings, per
   * query of 1,000, it gained nothing). `string_agg(… order by …)` needs SQLite 3.44 or later (better-sqlite3 12
   * has 3.53). The text is the same as JSON.stringify would write: service.db.test.ts checks it on both databases.
   */
  private ndjsonLineOf() {
    const json = (column: string) => jsonText(this.db, sql.ref(column));
    const versionMeta = (alias: 'v' | 'h') =>
      sql<string>`'{"version":' || ${sql.ref(`${alias}.version_no`)} || ',"change":' || ${json(`${alias}.change`)} || ',"publishedAt":' || ${json(`${alias}.published_at`)} || ',"quality":' || ${json(`${alias}.quality`)} || ',"note":' || ${json(`${alias}.note`)}`;
    // Most records have one version, their current one: no subquery for them.
    const versions = sql<string>`case when r.current_version_no = 1 then ${versionMeta('v')} || '}' else (
      select string_agg(${versionMeta('h')} || case when h.version_no < r.current_version_no then ',"record":' || h.content else '' end || '}', ',' order by h.version_no)
      from record_versions h where h.record_id = r.id and h.version_no <= r.current_version_no) end`;
    return sql<string>`'{"organization":{"ico":' || ${json('o.ico')} || ',"name":' || ${json('o.name')} || '},"id":' || ${json('r.record_key')}
      || ',"type":' || ${json('r.type')} || ',"status":' || ${json('r.status')}
      || ',"withdrawalReason":' || ${json('r.withdrawal_reason')} || ',"withdrawnAt":' || ${json('r.withdrawn_at')}
      || ',"firstPublishedAt":' || ${json('r.first_published_at')} || ',"updatedAt":' || ${json('r.updated_at')}
      || ',"currentVersion":' || r.current_version_no || ',"record":' || v.content || ',"versions":[' || ${versions} || ']}\n'`;
  }

  /** How many records there are (of these organisations). */
  async count(organizationIds?: number[]): Promise<number> {
    let query = this.db.selectFrom('records').select((eb) => eb.fn.countAll<number>().as('n'));
    if (organizationIds) query = query.where('organization_id', 'in', organizationIds);
    return Number((await query.executeTakeFirstOrThrow()).n);
  }

  /** The highest record id (of these organisations), or 0 when there is none. */
  async maxId(organizationIds?: number[]): Promise<number> {
    let query = this.db.selectFrom('records').select((eb) => eb.fn.max<number | null>('id').as('id'));
    if (organizationIds) query = query.where('organization_id', 'in', organizationIds);
    return Number((await query.executeTakeFirstOrThrow()).id ?? 0);
  }

  /** The id of the record at this position in id order (0: the first), or null when there are not that many. */
  async idAtPosition(position: number, organizationIds?: number[]): Promise<number | null> {
    let query = this.db.selectFrom('records').select('id');
    if (organizationIds) query = query.where('organization_id', 'in', organizationIds);
    const row = await query.orderBy('id').limit(1).offset(position).executeTakeFirst();
    return row ? Number(row.id) : null;
  }


}
