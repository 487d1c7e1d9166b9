/**
 * Writes the rows of one range of record ids into the bulk files. The export runs two of these at once, each on its
 * own core and database connection: the first range into the files themselves, the second (in a worker thread)
 * into one part file, as segments that are appended to their files afterwards. Rows stay in id order, so the files
 * are the same bytes as a single pass would write.
 */
import { join } from 'node:path';
import { RECORD_TYPES, type RecordType } from '../standard/record-types.ts';
import { AtomicFile, startTemporaryFiles } from '../shared/atomic-file.ts';
import { SegmentReader, SegmentSink, type PartFile } from './part-file.ts';
import type { ExportRepository, ExportRecordRow, ExportScopeRow } from './repository.ts';
import { CsvRowFormatter, filePath, type ExportFileEntry, type ExportFormat } from './rules.ts';

export type TableFormat = Exclude<ExportFormat, 'ocds'>;

/** Everything both threads need to lay out the same files; plain data, so that it can be posted to a worker. */
export interface ExportPlan {
  formats: TableFormat[];
  generatedAt: string;
  organizationIds?: number[];
  /** Per organisation and type, with the widest published record (CSV needs them before the first row). */
  scopes: ExportScopeRow[];
  /** Whether the platform-wide files are written (an export of all organisations). */
  platform: boolean;
  /** Buffer of each organisation file. */
  organizationBufferBytes: number;
  /** Field keys of each type, for the CSV columns (computed where the schemas are loaded). */
  fieldKeys: Record<RecordType, string[]>;
}

export type FileEntry = Omit<ExportFileEntry, 'bytes' | 'sha256'>;

/** Where a file's text goes: the file itself (AtomicFile), or a part of it written by the worker. */
export interface TextSink {
  write(text: string): void;
  /** The first `length` bytes of `bytes`, already encoded as UTF-8. */
  writeEncoded(bytes: Buffer, length: number): void;
}

export interface OpenFile<Sink extends TextSink = TextSink> {
  entry: FileEntry;
  /** The organisation's id; null for a platform-wide file. */
  organizationId: number | null;
  file: Sink;
  /** For CSV files: where this file's columns are among the type's widest layout (null: it is that layout). */
  projection: Int32Array | null;
}

/**
 * Opens the file of an entry. `header` is the first line CSV files start with; the parts written for the second
 * range leave it out.
 */
export type FileOpener<Sink extends TextSink> = (entry: FileEntry, header: string | null) => Sink;

/** The files of one scope (an organisation or the platform) and type, by format. */
interface ScopeFiles<Sink extends TextSink> {
  csv?: OpenFile<Sink>;
  excel?: OpenFile<Sink>;
  ndjson?: OpenFile<Sink>;
}

// Records handled at once: 1,000 (instead of 2,000 keeps a smaller chunk alive in each thread's heap at the same
// speed), fewer when the contents are large, so that a chunk holds about CHUNK_TEXT characters (bytes of a stream)
// whatever the records hold.
const CHUNK = 1000;
const MIN_CHUNK = 20;
const CHUNK_TEXT = 2_000_000;
const MAX_SCRATCH = 1024 * 1024;

export class RangeWriter<Sink extends TextSink> {
  /** Every file opened so far, in the order opened. */
  readonly opened: Array<OpenFile<Sink>> = [];
  private readonly scopeOf: Map<string, ExportScopeRow>;
  private readonly wide = new Map<string, { csv: CsvRowFormatter; excel: CsvRowFormatter }>();
  private readonly widestSlots = new Map<string, { strany: number; prilohy: number }>();
  private readonly platformFiles = new Map<string, ScopeFiles<Sink>>();
  private readonly organizationFiles = new Map<string, ScopeFiles<Sink>>();
  private readonly byPath = new Map<string, OpenFile<Sink>>();
  /** Where a line written to two files is encoded, once. */
  private scratch = Buffer.allocUnsafe(64 * 1024);

  constructor(
    private readonly plan: ExportPlan,
    private readonly openFile: FileOpener<Sink>,
  ) {
    this.scopeOf = new Map(plan.scopes.map((scope) => [`${scope.organization_id}:${scope.type}`, scope]));
    for (const type of RECORD_TYPES) {
      const ofType = plan.scopes.filter((s) => s.type === type);
      const slots = { strany: Math.max(0, ...ofType.map((s) => s.max_parties ?? 0)), prilohy: Math.max(0, ...ofType.map((s) => s.max_attachments ?? 0)) };
      this.widestSlots.set(type, slots);
      this.wide.set(type, { csv: new CsvRowFormatter(plan.fieldKeys[type], slots, false), excel: new CsvRowFormatter(plan.fieldKeys[type], slots, true) });
    }
  }

  /**
   * Opens the platform-wide files, which exist even when empty, and the file of every scope known in advance (CSV).
   * Creating thousands of files one by one while the export writes measured ~1 ms a file (the file system's journal
   * is busy with the written data): their temporary files are created in the background instead (startKnownFiles).
   */
  openKnownFiles(): void {
    if (this.plan.platform) for (const type of RECORD_TYPES) this.platformFilesOf(type);
    for (const scope of this.plan.scopes) this.organizationFilesOf(scope.organization_id, scope.type);
  }

  /**
   * Writes the records with ids in (afterId, untilId] (untilId null: to the end) and returns how many there were.
   * `onChunk` gets the running count after each batch; the writer waits for a returned promise. `readAhead`: see
   * batches().
   */
  async write(repository: ExportRepository, afterId: number, untilId: number | null, onChunk?: (done: number) => void | Promise<void>, readAhead = false): Promise<number> {
    let done = 0;
    if (this.plan.formats.length === 0) return 0;
    for await (const rows of this.batches(repository, afterId, untilId, readAhead)) {
      let skipped = 0;
      for (const row of rows) if (!this.writeRow(row)) skipped++;
      done += rows.length - skipped;
      await onChunk?.(done);
    }
    return done;
  }

  /**
   * The records of the range in batches. With NDJSON, one streamed read whose lines the database builds
   * (ExportRepository.recordsWithLines); for CSV alone, queries of a chunk each, whose size follows the contents'
   * length. With `readAhead` the next chunk is asked for before this one is written, so that the database works
   * meanwhile.
   */
  private async *batches(repository: ExportRepository, afterId: number, untilId: number | null, readAhead: boolean): AsyncGenerator<ExportRecordRow[]> {
    const organizationIds = this.plan.organizationIds;
    if (this.plan.formats.includes('ndjson')) {
      yield* repository.recordsWithLines({ afterId, untilId }, { rows: CHUNK, bytes: CHUNK_TEXT }, { organizationIds, withContent: this.plan.formats.some((format) => format !== 'ndjson') });
      return;
    }
    let limit = CHUNK;
    const read = (after: number) => repository.recordsAfter(after, limit, { organizationIds, untilId });
    let next: Promise<ExportRecordRow[]> | null = null;
    for (let after = afterId; ; ) {
      const rows = await (next ?? read(after));
      next = null;
      if (rows.length === 0) return;
      if (readAhead) {
        next = read(rows[rows.length - 1]!.id);
        // Should this chunk fail, the next one's rejection is not left unhandled.
        next.catch(() => undefined);
      }
      let text = 0;
      for (const row of rows) text += row.content!.length;
      limit = Math.max(MIN_CHUNK, Math.min(CHUNK, Math.floor((CHUNK_TEXT * rows.length) / Math.max(1, text))));
      after = rows[rows.length - 1]!.id;
      yield rows;
    }
  }

  /** The open file of a path, opened (with its header) if this range had no row for it. */
  fileFor(path: string, organizationId: number | null, type: RecordType, format: TableFormat): OpenFile<Sink> {
    const existing = this.byPath.get(path);
    if (existing) return existing;
    const files = organizationId === null ? this.platformFilesOf(type) : this.organizationFilesOf(organizationId, type);
    return files[format]!;
  }

  private platformFilesOf(type: string): ScopeFiles<Sink> {
    let files = this.platformFiles.get(type);
    if (!files) {
      files = this.openScopeFiles(null, null, type as RecordType, this.widestSlots.get(type)!);
      this.platformFiles.set(type, files);
    }
    return files;
  }

  private organizationFilesOf(organizationId: number, type: string): ScopeFiles<Sink> {
    const key = `${organizationId}:${type}`;
    let files = this.organizationFiles.get(key);
    if (!files) {
      const scope = this.scopeFor(organizationId, type);
      files = this.openScopeFiles(organizationId, scope.ico, type as RecordType, { strany: scope.max_parties ?? 0, prilohy: scope.max_attachments ?? 0 });
      this.organizationFiles.set(key, files);
    }
    return files;
  }

  private scopeFor(organizationId: number, type: string): ExportScopeRow {
    const scope = this.scopeOf.get(`${organizationId}:${type}`);
    // Called for planned scopes only (writeRow leaves out a record of any other).
    if (!scope) throw new Error(`export scope ${organizationId}:${type} was not planned`);
    return scope;
  }

  private openScopeFiles(organizationId: number | null, ico: string | null, type: RecordType, slots: { strany: number; prilohy: number }): ScopeFiles<Sink> {
    const files: ScopeFiles<Sink> = {};
    for (const format of this.plan.formats) {
      const path = filePath(ico, type, format);
      const widest = format === 'ndjson' ? null : this.wide.get(type)![format];
      const formatter = format === 'ndjson' ? null : new CsvRowFormatter(this.plan.fieldKeys[type], slots, format === 'excel');
      const projection = widest && formatter && formatter.columns.length !== widest.columns.length ? widest.projectionOf(formatter) : null;
      const entry: FileEntry = { path, organization: ico, type, format, rows: 0, personalData: false, generatedAt: this.plan.generatedAt };
      const opened: OpenFile<Sink> = { entry, organizationId, file: this.openFile(entry, formatter ? formatter.header() : null), projection };
      this.opened.push(opened);
      this.byPath.set(path, opened);
      files[format] = opened;
    }
    return files;
  }

  /** Writes a record's lines; false for a record of a scope the plan does not know. */
  private writeRow(row: ExportRecordRow): boolean {
    const key = `${row.organization_id}:${row.type}`;
    // A record of a scope the plan does not know was committed after the plan was read, with an id below the
    // range's end (PostgreSQL hands out ids before commit): the next export has it.
    const own = this.organizationFiles.get(key) ?? (this.scopeOf.has(key) ? this.organizationFilesOf(row.organization_id, row.type) : undefined);
    if (!own) return false;
    const platform = this.plan.platform ? this.platformFilesOf(row.type) : undefined;
    const wide = this.wide.get(row.type)!;
    const personal = row.naturalPerson || row.redactions !== '[]';
    const count = (opened: OpenFile<Sink>) => {
      opened.entry.rows++;
      if (personal) opened.entry.personalData = true;
    };
    // The same line for the organisation's file and the platform's is encoded once and copied into both.
    const add = (mine: OpenFile<Sink> | undefined, shared: OpenFile<Sink> | undefined, line: string) => {
      // A line too long for the scratch (kept at most 1 MB) is encoded for each file.
      if (mine && shared && line.length * 3 <= MAX_SCRATCH) {
        count(mine);
        count(shared);
        if (this.scratch.length < line.length * 3) this.scratch = Buffer.allocUnsafe(Math.min(MAX_SCRATCH, Math.max(line.length * 3, this.scratch.length * 2)));
        const length = this.scratch.write(line, 0, 'utf8');
        mine.file.writeEncoded(this.scratch, length);
        shared.file.writeEncoded(this.scratch, length);
        return;
      }
      if (mine) {
        count(mine);
        mine.file.write(line);
      }
      if (shared) {
        count(shared);
        shared.file.write(line);
      }
    };
    if (row.status === 'published') {
      for (const format of ['csv', 'excel'] as const) {
        const mine = own[format];
        const shared = platform?.[format];
        if (!mine && !shared) continue;
        // Read once into the widest layout; the organisation's file may have fewer numbered columns.
        const escaped = wide[format].escapedCells(row.content!);
        if (mine && shared && mine.projection === null) add(mine, shared, wide[format].lineOf(escaped, null));
        else {
          if (mine) add(mine, undefined, wide[format].lineOf(escaped, mine.projection));
          if (shared) add(undefined, shared, wide[format].lineOf(escaped, null));
        }
      }
    }
    if (own.ndjson || platform?.ndjson) {
      const line = row.line;
      if (!line) throw new Error(`record ${row.id} was read without its NDJSON line`);
      for (const opened of [own.ndjson, platform?.ndjson]) {
        if (!opened) continue;
        count(opened);
        opened.file.writeEncoded(line, line.length);
      }
    }
    return true;
  }
}

/** A bulk file's part written by the other range: its rows and its segments in the part file. */
export interface WrittenPart {
  path: string;
  organizationId: number | null;
  type: RecordType;
  format: TableFormat;
  rows: number;
  personalData: boolean;
  /** Start and length of each of its segments in the part file, alternating. */
  segments: number[];
}

/** The files of the platform and of every scope known in advance: those `openKnownFiles` opens. */
export function knownFilePaths(plan: ExportPlan): string[] {
  const paths: string[] = [];
  for (const format of plan.formats) {
    if (plan.platform) for (const type of RECORD_TYPES) paths.push(filePath(null, type, format));
    for (const scope of plan.scopes) paths.push(filePath(scope.ico, scope.type as RecordType, format));
  }
  return paths;
}

/**
 * A writer of the bulk files themselves in `directory`: each file appears, complete, when committed. `created`
 * holds temporary files made beforehand, by path relative to the directory.
 */
export function bulkFileWriter(plan: ExportPlan, directory: string, created: ReadonlyMap<string, string> = new Map()): RangeWriter<AtomicFile> {
  return new RangeWriter(plan, (entry, header) => {
    // Thousands of organisation files are written at once: only the most recently written keep a descriptor.
    const file = new AtomicFile(join(directory, entry.path), entry.organization === null ? {} : { lazy: true, bufferBytes: plan.organizationBufferBytes }, created.get(entry.path));
    if (header) file.write(header);
    return file;
  });
}

/**
 * Starts creating the temporary files of the known scopes (libuv's thread pool) while the rows stream; wait for
 * `ready` before committing or removing them. Paths are relative to the directory.
 */
export function startKnownFiles(plan: ExportPlan, directory: string): { paths: Map<string, string>; ready: Promise<void> } {
  const paths = knownFilePaths(plan);
  const started = startTemporaryFiles(paths.map((path) => join(directory, path)));
  return { paths: new Map(paths.map((path) => [path, started.paths.get(join(directory, path))!])), ready: started.ready };
}

/** A writer of the second range: every bulk file's text goes, as segments, into one part file. */
export function partWriter(plan: ExportPlan, part: PartFile): RangeWriter<SegmentSink> {
  return new RangeWriter(plan, (entry) => new SegmentSink(part, entry.organization === null ? 256 * 1024 : plan.organizationBufferBytes));
}

/** Appends the other range's parts to their files (opening, with a header, those this range had no row for). */
export function appendParts(writer: RangeWriter<AtomicFile>, partPath: string, parts: WrittenPart[]): void {
  const reader = new SegmentReader(partPath);
  try {
    for (const part of parts) {
      const opened = writer.fileFor(part.path, part.organizationId, part.type, part.format);
      opened.entry.rows += part.rows;
      if (part.personalData) opened.entry.personalData = true;
      reader.copy(part.segments, (bytes) => opened.file.writeBytes(bytes));
    }
  } finally {
    reader.close();
  }
}

/** Renames every file into place and returns its index entry; on failure, drops those not yet in place. */
export function commitFiles(writer: RangeWriter<AtomicFile>): ExportFileEntry[] {
  const written: ExportFileEntry[] = [];
  try {
    for (const opened of writer.opened) {
      const result = opened.file.commit();
      written.push({ ...opened.entry, bytes: result.bytes, sha256: result.sha256 });
    }
    return written;
  } catch (error) {
    abortFiles(writer, written.length);
    throw error;
  }
}

/** Drops the temporary files of a failed export (from the `from`-th opened); files already in place stay. */
export function abortFiles(writer: RangeWriter<AtomicFile>, from = 0): void {
  for (const opened of writer.opened.slice(from)) opened.file.abort();
}
