/**
 * Writes the rows of one range of record ids into the bulk files. An export on two cores runs two of these at once,
 * each with its own database connection: the first range into the files themselves, the second (in a worker thread)
 * into one part file, as segments that are appended to their files afterwards; on one core, one writes everything.
 * Rows stay in id order, so the files are the same bytes as a single pass would write.
 */
import { join } from 'node:path';
import { RECORD_TYPES, type RecordType } from '../standard/record-types.ts';
import { AtomicFile, startTemporaryFiles, type Spill } from '../shared/atomic-file.ts';
import { SegmentReader, SegmentSink, type PartFile } from './part-file.ts';
import type { ExportRepository, ExportRecordRow, ExportScopeRow } from './repository.ts';
import { CsvRowFormatter, decimalColumnsOf, filePath, type ExportFileEntry, type ExportFormat } from './rules.ts';
import { cellLayout } from './canonical.ts';
import { CsvByteLines } from './csv-bytes.ts';

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

// Records handled at once: 250, fewer when the contents are large, so that a batch holds at most about CHUNK_BYTES
// whatever the records hold. The batch in hand is what survives a young-generation collection: with 1,000 records
// it was promoted to the old generation over and over (56–81 full collections at a million records), with 250 four.
const CHUNK = 250;
const CHUNK_BYTES = 500_000;
const MAX_SCRATCH = 1024 * 1024;

export class RangeWriter<Sink extends TextSink> {
  /** Every file opened so far, in the order opened. */
  readonly opened: Array<OpenFile<Sink>> = [];
  private readonly scopeOf: Map<string, ExportScopeRow>;
  private readonly wide = new Map<string, { csv: CsvRowFormatter; excel: CsvRowFormatter }>();
  /** Per type: makes the lines of both CSV variants from a content's bytes, in the widest layout. */
  private readonly byteLines = new Map<string, CsvByteLines>();
  private readonly widestSlots = new Map<string, { strany: number; prilohy: number }>();
  private readonly platformFiles = new Map<string, ScopeFiles<Sink>>();
  private readonly organizationFiles = new Map<string, ScopeFiles<Sink>>();
  private readonly byPath = new Map<string, OpenFile<Sink>>();
  /** Where a CSV line is made, once for the files that share it. */
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
      const csv = new CsvRowFormatter(plan.fieldKeys[type], slots, false);
      this.wide.set(type, { csv, excel: new CsvRowFormatter(plan.fieldKeys[type], slots, true) });
      this.byteLines.set(type, new CsvByteLines(cellLayout(csv.columns), decimalColumnsOf(csv.columns)));
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
   * `onChunk` gets the running count after each batch; the writer waits for a returned promise.
   */
  async write(repository: ExportRepository, afterId: number, untilId: number | null, onChunk?: (done: number) => void | Promise<void>): Promise<number> {
    let done = 0;
    const formats = this.plan.formats;
    if (formats.length === 0) return 0;
    const batches = repository.streamRecords({ afterId, untilId }, { rows: CHUNK, bytes: CHUNK_BYTES }, { organizationIds: this.plan.organizationIds, withContent: formats.some((format) => format !== 'ndjson'), withLine: formats.includes('ndjson') });
    for await (const rows of batches) {
      let skipped = 0;
      for (const row of rows) if (!this.writeRow(row)) skipped++;
      done += rows.length - skipped;
      await onChunk?.(done);
    }
    return done;
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
    const personal = row.naturalPerson || row.redactions !== '[]';
    const count = (opened: OpenFile<Sink>) => {
      opened.entry.rows++;
      if (personal) opened.entry.personalData = true;
    };
    if (row.status === 'published' && (own.csv || own.excel || platform?.csv || platform?.excel)) {
      const content = row.content;
      if (!content) throw new Error(`record ${row.id} was read without its content`);
      const lines = this.byteLines.get(row.type)!;
      if (lines.scan(content)) {
        const bound = lines.lineBound();
        if (this.scratch.length < bound) this.scratch = Buffer.allocUnsafe(Math.max(bound, Math.min(MAX_SCRATCH, this.scratch.length * 2)));
        const scratch = this.scratch;
        for (const format of ['csv', 'excel'] as const) {
          const mine = own[format];
          const shared = platform?.[format];
          const excel = format === 'excel';
          // The line of the organisation's file and the platform's is the same unless the organisation's has fewer
          // numbered columns: then each is made on its own.
          if (mine && shared && mine.projection === null) {
            const length = lines.line(scratch, 0, excel, null);
            count(mine);
            count(shared);
            mine.file.writeEncoded(scratch, length);
            shared.file.writeEncoded(scratch, length);
            continue;
          }
          for (const opened of [mine, shared]) {
            if (!opened) continue;
            count(opened);
            opened.file.writeEncoded(scratch, lines.line(scratch, 0, excel, opened === mine ? opened.projection : null));
          }
        }
        if (this.scratch.length > MAX_SCRATCH) this.scratch = Buffer.allocUnsafe(MAX_SCRATCH);
      } else {
        // A content in a shape the byte scan does not expect: formatted as text (parsed where it must be).
        const text = content.toString('utf8');
        const wide = this.wide.get(row.type)!;
        for (const format of ['csv', 'excel'] as const) {
          const escaped = wide[format].escapedCells(text);
          for (const opened of [own[format], platform?.[format]]) {
            if (!opened) continue;
            count(opened);
            opened.file.write(wide[format].lineOf(escaped, opened === own[format] ? opened.projection : null));
          }
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
 * holds temporary files being made in the background (startKnownFiles), by path relative to the directory; until
 * one `exists`, an organisation file's full buffers go to `spill`.
 */
export function bulkFileWriter(plan: ExportPlan, directory: string, known?: { created: ReadonlyMap<string, string>; exists(temporaryPath: string): boolean; spill: Spill }): RangeWriter<AtomicFile> {
  return new RangeWriter(plan, (entry, header) => {
    // Thousands of organisation files are written at once: only the most recently written keep a descriptor.
    const options = entry.organization === null ? {} : { lazy: true, bufferBytes: plan.organizationBufferBytes, pending: known && { exists: known.exists, spill: known.spill } };
    const file = new AtomicFile(join(directory, entry.path), options, known?.created.get(entry.path));
    if (header) file.write(header);
    return file;
  });
}

/**
 * Starts creating the temporary files of the known scopes (libuv's thread pool) while the rows stream; wait for
 * `ready` before committing or removing them. Paths are relative to the directory.
 */
export function startKnownFiles(plan: ExportPlan, directory: string): { paths: Map<string, string>; ready: Promise<void>; exists(temporaryPath: string): boolean } {
  const paths = knownFilePaths(plan);
  const started = startTemporaryFiles(paths.map((path) => join(directory, path)));
  return { paths: new Map(paths.map((path) => [path, started.paths.get(join(directory, path))!])), ready: started.ready, exists: started.exists };
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
