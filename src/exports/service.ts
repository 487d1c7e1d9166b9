/**
 * Bulk files for each organisation and the whole platform: one pass over the register in record order writes
 * every file at once, at bounded memory. Each file appears by an atomic rename; the index with sha256 and row
 * counts is replaced last. Rows follow the order records were first published, so a file imported elsewhere and
 * exported again comes out the same.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AtomicFile } from '../shared/atomic-file.ts';
import { RECORD_TYPES, STANDARD_VERSION, type RecordType } from '../standard/schema.ts';
import type { OrganizationService } from '../organizations/service.ts';
import type { Logger } from '../shared/log.ts';
import { ExportRepository, type ExportRecordRow, type ExportScopeRow, type ExportVersionRow } from './repository.ts';
import type { OcdsExporter } from '../ocds/export.ts';
import { CsvRowFormatter, filePath, mergeIndex, msUntilNext, ndjsonLine, type ExportFileEntry, type ExportFormat, type ExportIndex, type NdjsonVersion } from './rules.ts';

export const INDEX_FILE = 'index.json';
const CHUNK = 2000;
/** Bytes all organisation files may buffer together by default; each gets an even share between 4 and 64 kB. */
const ORGANIZATION_BUFFER_BYTES = 16 * 1024 * 1024;

export interface ExportOptions {
  formats?: readonly ExportFormat[];
  /** IČO of the organisations to export; absent: all of them and the platform-wide files. */
  organizations?: string[];
  /** Called after each chunk of records; the export waits for a returned promise. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
  /**
   * Buffer budget of all organisation files together. Thousands of them are written at once and each flush opens
   * its file, so larger buffers mean fewer system calls. `om export` gives 24 MB and cuts SQLite's page cache to
   * 2 MB; at a million records (NDJSON, page cache dropped before each run) that measured 20.4–20.8 s and a peak
   * of 189–193 MB against 21.9–22.8 s and 198–201 MB with 16 MB and the default cache.
   */
  organizationBufferBytes?: number;
}

export interface ExportSummary {
  index: ExportIndex;
  records: number;
  files: number;
  seconds: number;
}

interface OpenFile {
  entry: Omit<ExportFileEntry, 'bytes' | 'sha256'>;
  file: AtomicFile;
  /** For CSV files: where this file's columns are among the type's widest layout (null: it is that layout). */
  projection: Int32Array | null;
}

/** Per type and CSV variant, the layout with the most numbered columns: each record is read into it once. */
type WideFormatters = Map<string, { csv: CsvRowFormatter; excel: CsvRowFormatter }>;

type TableFormat = Exclude<ExportFormat, 'ocds'>;

/** The files of one scope (an organisation or the platform) and type, by format. */
interface ScopeFiles {
  csv?: OpenFile;
  excel?: OpenFile;
  ndjson?: OpenFile;
}

export class ExportService {
  private cachedIndex: { mtimeMs: number; size: number; index: ExportIndex } | null = null;

  constructor(
    private readonly repository: ExportRepository,
    private readonly organizations: OrganizationService,
    private readonly ocds: OcdsExporter,
    readonly directory: string,
    private readonly logger: Logger,
  ) {}

  /**
   * The current index. Catalog and open-data pages read it on every request; at a million records it is ~2 MB of
   * JSON, so the parsed index is kept until the file changes (another process may export).
   */
  async readIndex(): Promise<ExportIndex | null> {
    const path = join(this.directory, INDEX_FILE);
    try {
      const { mtimeMs, size } = await stat(path);
      if (this.cachedIndex && this.cachedIndex.mtimeMs === mtimeMs && this.cachedIndex.size === size) return this.cachedIndex.index;
      const index = JSON.parse(await readFile(path, 'utf8')) as ExportIndex;
      this.cachedIndex = { mtimeMs, size, index };
      return index;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async run(options: ExportOptions = {}): Promise<ExportSummary> {
    const started = performance.now();
    const generatedAt = new Date().toISOString();
    const formats = (options.formats ?? ['csv', 'excel', 'ndjson']).filter((f): f is TableFormat => f !== 'ocds');
    let organizationIds: number[] | undefined;
    if (options.organizations) organizationIds = await Promise.all(options.organizations.map(async (ico) => (await this.organizations.getByIco(ico)).id));
    // CSV needs each scope's numbered columns before its first row, which takes a pass over all records (~3 s at a
    // million); NDJSON alone learns the scopes as the rows come.
    const needsSlots = formats.includes('csv') || formats.includes('excel');
    const scopes = needsSlots ? await this.repository.scopes(organizationIds) : [];
    const known = needsSlots ? null : await this.repository.organizationsAndTotal(organizationIds);
    const total = known ? known.total : scopes.reduce((sum, scope) => sum + scope.records, 0);
    const scopeOf = new Map<string, ExportScopeRow>(scopes.map((scope) => [`${scope.organization_id}:${scope.type}`, scope]));
    const scopeCount = known ? known.organizations.size : scopes.length;
    const organizationBufferBytes = Math.min(64 * 1024, Math.max(4096, Math.floor((options.organizationBufferBytes ?? ORGANIZATION_BUFFER_BYTES) / Math.max(1, scopeCount * formats.length))));
    const scopeFor = (organizationId: number, type: string): ExportScopeRow => {
      const key = `${organizationId}:${type}`;
      let scope = scopeOf.get(key);
      if (!scope) {
        const organization = known!.organizations.get(organizationId)!;
        scope = { organization_id: organizationId, ico: organization.ico, name: organization.name, type, records: 0, published: 0, max_parties: null, max_attachments: null };
        scopeOf.set(key, scope);
      }
      return scope;
    };

    const written: ExportFileEntry[] = [];
    const open: OpenFile[] = [];
    const wide: WideFormatters = new Map();
    const widestSlots = new Map<string, { strany: number; prilohy: number }>();
    for (const type of RECORD_TYPES) {
      const ofType = scopes.filter((s) => s.type === type);
      const slots = { strany: Math.max(0, ...ofType.map((s) => s.max_parties ?? 0)), prilohy: Math.max(0, ...ofType.map((s) => s.max_attachments ?? 0)) };
      widestSlots.set(type, slots);
      wide.set(type, { csv: new CsvRowFormatter(type, slots, false), excel: new CsvRowFormatter(type, slots, true) });
    }
    const openFiles = (ico: string | null, type: RecordType, slots: { strany: number; prilohy: number }): ScopeFiles => {
      const files: ScopeFiles = {};
      for (const format of formats) {
        const path = filePath(ico, type, format);
        const widest = format === 'ndjson' ? null : wide.get(type)![format];
        const formatter = format === 'ndjson' ? null : new CsvRowFormatter(type, slots, format === 'excel');
        const projection = widest && formatter && formatter.columns.length !== widest.columns.length ? widest.projectionOf(formatter) : null;
        // Thousands of organisation files are written at once: they hold no open descriptor between flushes.
        const file = new AtomicFile(join(this.directory, path), ico === null ? {} : { lazy: true, bufferBytes: organizationBufferBytes });
        const opened: OpenFile = { entry: { path, organization: ico, type, format, rows: 0, personalData: false, generatedAt }, file, projection };
        if (formatter) file.write(formatter.header());
        open.push(opened);
        files[format] = opened;
      }
      return files;
    };

    try {
      const platform = new Map<string, ScopeFiles>();
      if (!organizationIds) {
        for (const type of RECORD_TYPES) platform.set(type, openFiles(null, type, widestSlots.get(type)!));
      }
      const organizationFiles = new Map<string, ScopeFiles>();
      let afterId = 0;
      let done = 0;
      for (; formats.length > 0; ) {
        const rows = await this.repository.recordsAfter(afterId, CHUNK, { organizationIds, withHistoryColumns: formats.includes('ndjson') });
        if (rows.length === 0) break;
        const histories = formats.includes('ndjson') ? await this.histories(rows) : new Map<number, ExportVersionRow[]>();
        for (const row of rows) {
          const key = `${row.organization_id}:${row.type}`;
          const scope = scopeFor(row.organization_id, row.type);
          let own = organizationFiles.get(key);
          if (!own) {
            own = openFiles(scope.ico, row.type as RecordType, { strany: scope.max_parties ?? 0, prilohy: scope.max_attachments ?? 0 });
            organizationFiles.set(key, own);
          }
          this.writeRow(row, scope, own, platform.get(row.type), wide.get(row.type)!, histories);
        }
        done += rows.length;
        afterId = rows[rows.length - 1]!.id;
        await options.onProgress?.(done, total);
      }
      for (const opened of [...open]) {
        const result = opened.file.commit();
        open.splice(open.indexOf(opened), 1);
        written.push({ ...opened.entry, bytes: result.bytes, sha256: result.sha256 });
      }
      if (options.formats?.includes('ocds') ?? true) written.push(...(await this.ocds.write(this.directory, generatedAt, organizationIds)));
      const index = mergeIndex(await this.readIndex(), written, generatedAt, STANDARD_VERSION);
      const indexFile = new AtomicFile(join(this.directory, INDEX_FILE), { durable: true });
      indexFile.write(`${JSON.stringify(index, null, 1)}\n`);
      indexFile.commit();
      const seconds = (performance.now() - started) / 1000;
      this.logger.info('bulk files written', { records: done, files: written.length, seconds: Number(seconds.toFixed(1)) });
      return { index, records: done, files: written.length, seconds };
    } catch (error) {
      for (const opened of open) opened.file.abort();
      throw error;
    }
  }

  /**
   * Regenerates every file each day at `time` (UTC) inside `om serve`, and at once when no files exist yet (a new
   * installation's catalog must not point at missing files). One export at a time; null time: never.
   */
  startSchedule(time: string | null): { stop(): void; idle(): Promise<void> } {
    if (!time) return { stop: () => undefined, idle: async () => undefined };
    const at = time;
    let current: Promise<void> | null = null;
    let timer: NodeJS.Timeout | null = null;
    let stopped = false;
    const runNow = () => {
      if (current) return;
      current = this.run()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.error('bulk export failed', { error: (error as Error).message }))
        .finally(() => {
          current = null;
        });
    };
    const plan = () => {
      if (stopped) return;
      timer = setTimeout(() => {
        runNow();
        plan();
      }, msUntilNext(new Date(), at));
      timer.unref();
    };
    void this.readIndex().then((index) => {
      if (!index && !stopped) runNow();
    });
    plan();
    this.logger.info('bulk export scheduled', { timeUtc: at });
    return {
      stop: () => {
        stopped = true;
        if (timer) clearTimeout(timer);
      },
      idle: async () => {
        await current;
      },
    };
  }

  private async histories(rows: ExportRecordRow[]): Promise<Map<number, ExportVersionRow[]>> {
    const ids = rows.filter((row) => row.current_version_no > 1).map((row) => row.id);
    const byRecord = new Map<number, ExportVersionRow[]>();
    for (let i = 0; i < ids.length; i += 1000) {
      for (const version of await this.repository.versionsOf(ids.slice(i, i + 1000))) {
        const list = byRecord.get(version.record_id) ?? [];
        list.push(version);
        byRecord.set(version.record_id, list);
      }
    }
    return byRecord;
  }

  private writeRow(row: ExportRecordRow, scope: ExportScopeRow, own: ScopeFiles, platform: ScopeFiles | undefined, wide: { csv: CsvRowFormatter; excel: CsvRowFormatter }, histories: Map<number, ExportVersionRow[]>): void {
    // Parties are stored as given, so a natural person shows in the JSON text; hidden birth numbers show in redactions.
    const personal = row.content.includes('"typOsoby":"fyzicka') || row.redactions !== '[]';
    const add = (opened: OpenFile | undefined, line: string) => {
      if (!opened) return;
      opened.entry.rows++;
      if (personal) opened.entry.personalData = true;
      opened.file.write(line);
    };
    if (row.status === 'published') {
      for (const format of ['csv', 'excel'] as const) {
        const mine = own[format];
        const shared = platform?.[format];
        if (!mine && !shared) continue;
        // Read once into the widest layout; the organisation's file may have fewer numbered columns.
        const escaped = wide[format].escapedCells(row.content);
        if (mine) add(mine, wide[format].lineOf(escaped, mine.projection));
        if (shared) add(shared, wide[format].lineOf(escaped, null));
      }
    }
    if (own.ndjson || platform?.ndjson) {
      const versions: NdjsonVersion[] = (histories.get(row.id) ?? [row]).map((version) => ({
        versionNo: 'version_no' in version ? version.version_no : row.current_version_no,
        change: version.change!,
        publishedAt: version.published_at!,
        quality: version.quality!,
        note: version.note ?? null,
        content: version.content,
      }));
      const line = ndjsonLine({
        organizationIco: scope.ico,
        organizationName: scope.name,
        id: row.record_key!,
        type: row.type,
        status: row.status,
        withdrawalReason: row.withdrawal_reason ?? null,
        withdrawnAt: row.withdrawn_at ?? null,
        firstPublishedAt: row.first_published_at!,
        updatedAt: row.updated_at!,
        currentVersion: row.current_version_no,
        versions,
      });
      add(own.ndjson, line);
      add(platform?.ndjson, line);
    }
  }
}
