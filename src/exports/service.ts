/**
 * Bulk files for each organisation and the whole platform: one pass over the register in record order writes
 * every file at once, at bounded memory. Each file appears by an atomic rename; the index with sha256 and row
 * counts is replaced last. Rows follow the order records were first published, so a file imported elsewhere and
 * exported again comes out the same.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AtomicFile, removeTemporaryFiles } from '../shared/atomic-file.ts';
import { RECORD_TYPES, STANDARD_VERSION, type RecordType } from '../standard/schema.ts';
import { fieldKeysOf } from '../standard/flat.ts';
import type { OrganizationService } from '../organizations/service.ts';
import type { Logger } from '../shared/log.ts';
import type { ExportRepository, ExportScopeRow } from './repository.ts';
import type { OcdsExporter } from '../ocds/export.ts';
import { mergeIndex, mergeScopes, msUntilNext, type ExportFileEntry, type ExportFormat, type ExportIndex } from './rules.ts';
import { abortFiles, appendParts, bulkFileWriter, commitFiles, startKnownFiles, type ExportPlan, type RangeWriter, type TableFormat } from './range-writer.ts';
import { ExportWorker } from './export-in-worker.ts';
import { SpillFile } from './part-file.ts';
import type { Range } from './export-worker.ts';

export const INDEX_FILE = 'index.json';
/** Bytes all organisation files may buffer together by default; each gets an even share between 4 and 64 kB. */
const ORGANIZATION_BUFFER_BYTES = 16 * 1024 * 1024;
/**
 * From this many records an export of CSV files into SQLite runs on two cores by default: this thread writes the
 * first range of the records, a worker thread the rest into a part appended afterwards. At a million records that
 * measured 8.8–9.0 s at 192–194 MB against 11.7–12.0 s at 133–144 MB on one core. On PostgreSQL the server reads on the
 * second core already: one core measured 9.2–9.7 s at 132–134 MB, two 7.6–9.1 s at 201–204 MB, over the 200 MB the
 * export must stay under, so PostgreSQL stays on one. NDJSON, whose lines the database builds, gained ~25 % on SQLite
 * and lost ~25 % on PostgreSQL on two cores (76,900 against 60,500 rows/s; 48,400 against 64,300) for 35–75 MB more,
 * so an export with NDJSON stays on one core unless asked.
 */
const TWO_CORES_FROM = 20_000;
/**
 * The share of the records this thread writes. It also creates the files and appends the worker's part, but the
 * worker was still ~1 s behind at 45 % (a million records, both databases): half is closer.
 */
const FIRST_RANGE_SHARE = 0.5;

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
  /**
   * 1: one thread; 2: a worker thread writes the second range of records. Default: 2 for CSV and Excel only, from
   * 20,000 records, on SQLite (PostgreSQL reads on a core of its own: see TWO_CORES_FROM).
   */
  threads?: 1 | 2;
}

type ProgressCallback = (done: number, total: number) => void | Promise<void>;

/** What decides the files' layout before the scopes are known. */
interface Layout {
  formats: TableFormat[];
  generatedAt: string;
  organizationIds?: number[];
  organizationBufferBytes: number;
}

export interface ExportSummary {
  index: ExportIndex;
  records: number;
  files: number;
  seconds: number;
  /** 2 when a worker thread wrote the second range of records. */
  threads: 1 | 2;
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
    const database = this.repository.reopen();
    // The export covers the records there are now: one published meanwhile (perhaps by a new organisation, unknown
    // to the layout) waits for the next export.
    const lastId = await this.repository.maxId(organizationIds);
    const total = await this.repository.count(organizationIds);
    const threads = options.threads ?? (formats.includes('ndjson') || total < TWO_CORES_FROM || this.repository.readsOverlap() ? 1 : 2);
    const split = threads === 2 && formats.length > 0 && database && total > 0 ? await this.repository.idAtPosition(Math.floor(total * FIRST_RANGE_SHARE), organizationIds) : null;
    const layout = { formats, generatedAt, organizationIds, organizationBufferBytes: options.organizationBufferBytes ?? ORGANIZATION_BUFFER_BYTES };
    const onProgress = options.onProgress ?? (() => undefined);
    const { written, records } =
      split !== null && database
        ? await this.writeOnTwoCores(layout, { afterId: 0, untilId: Math.min(split, lastId) }, { afterId: Math.min(split, lastId), untilId: lastId }, database, total, onProgress)
        : await this.writeHere(layout, { afterId: 0, untilId: lastId }, total, onProgress);
    if (options.formats?.includes('ocds') ?? true) written.push(...(await this.ocds.write(this.directory, generatedAt, organizationIds)));
    const index = mergeIndex(await this.readIndex(), written, generatedAt, STANDARD_VERSION);
    const indexFile = new AtomicFile(join(this.directory, INDEX_FILE), { durable: true });
    indexFile.write(`${JSON.stringify(index, null, 1)}\n`);
    indexFile.commit();
    const seconds = (performance.now() - started) / 1000;
    this.logger.info('bulk files written', { records, files: written.length, seconds: Number(seconds.toFixed(1)), threads: split === null ? 1 : 2 });
    return { index, records, files: written.length, seconds, threads: split === null ? 1 : 2 };
  }

  /**
   * The scopes (organisation and type) of the records, read before the first row: CSV needs each scope's numbered
   * columns, and every format gets each scope's file created ahead, in the background. (NDJSON alone used to learn
   * the scopes as the rows came: creating 1,800 files and their folders while writing took 2.2 s of a million-record
   * export, against ~0.5 s for reading the scopes.)
   */
  private async plan(layout: Layout, threads: number, scopesOf: (organizationIds?: number[]) => Promise<ExportScopeRow[]>): Promise<ExportPlan> {
    const { formats, organizationIds } = layout;
    const scopes = formats.length > 0 ? await scopesOf(organizationIds) : [];
    // The threads share the budget, two of them two thirds of it (measured at a million records: 16 MB instead of 24
    // over two threads, ~15 MB lower peak at the same speed); each file gets an even share between 4 and 64 kB.
    const budget = threads === 2 ? (layout.organizationBufferBytes * 2) / 3 : layout.organizationBufferBytes;
    const organizationBufferBytes = Math.min(64 * 1024, Math.max(4096, Math.floor(budget / threads / Math.max(1, scopes.length * formats.length))));
    const fieldKeys = Object.fromEntries(RECORD_TYPES.map((type) => [type, fieldKeysOf(type)])) as Record<RecordType, string[]>;
    return { formats, generatedAt: layout.generatedAt, organizationIds, scopes, platform: !organizationIds, organizationBufferBytes, fieldKeys };
  }

  /**
   * A writer into the files themselves, with the file of every known scope opened (and its header buffered). Their
   * temporary files are created in the background while rows are written (at a million records on PostgreSQL this
   * thread had waited 1.0–1.4 s for them); until a file exists, its full buffers wait in a spill file
   * (AtomicFile's `pending`). `settle` waits for the creation; `commit` renames the files into place; `drop`
   * removes what the export made. The spill is removed by either.
   */
  private openFiles(plan: ExportPlan): { writer: RangeWriter<AtomicFile>; settle(): Promise<void>; commit(): ExportFileEntry[]; drop(): Promise<void> } {
    const known = startKnownFiles(plan, this.directory);
    const spill = new SpillFile(join(this.directory, `.spill-${process.pid}-${Date.now().toString(36)}.tmp`));
    let writer: RangeWriter<AtomicFile> | null = null;
    const drop = async () => {
      await known.ready.catch(() => undefined);
      if (writer) abortFiles(writer);
      removeTemporaryFiles(known.paths.values());
      spill.close();
    };
    try {
      writer = bulkFileWriter(plan, this.directory, { created: known.paths, exists: known.exists, spill });
      writer.openKnownFiles();
    } catch (error) {
      void drop();
      throw error;
    }
    const opened = writer;
    const commit = () => {
      try {
        return commitFiles(opened);
      } finally {
        spill.close();
      }
    };
    return { writer, settle: () => known.ready, commit, drop };
  }

  /** A small export in this thread: the records in one pass, straight into the files. */
  private async writeHere(layout: Layout, range: Range, total: number, onProgress: ProgressCallback): Promise<{ written: ExportFileEntry[]; records: number }> {
    const plan = await this.plan(layout, 1, (organizationIds) => this.repository.scopes(organizationIds, range));
    const files = this.openFiles(plan);
    try {
      const records = await files.writer.write(this.repository, range.afterId, range.untilId, (done) => onProgress(done, total));
      await files.settle();
      return { written: files.commit(), records };
    } catch (error) {
      await files.drop();
      throw error;
    }
  }

  /**
   * A large export on two cores: this thread writes the first range of records into the files, a worker thread with
   * its own database connection writes the rest into a part file at the same time, and this thread then appends
   * the part to the files. Each computes the scopes of its range, too. (Two workers with this thread idle ran no
   * faster and held ~50 MB more: one more heap.)
   */
  private async writeOnTwoCores(layout: Layout, firstRange: Range, secondRange: Range, database: { url: string; searchPath?: string }, total: number, onProgress: ProgressCallback): Promise<{ written: ExportFileEntry[]; records: number }> {
    let doneHere = 0;
    let doneThere = 0;
    const worker = new ExportWorker({ database }, (done) => {
      doneThere = done;
      void onProgress(doneHere + doneThere, total);
    });
    const partPath = join(this.directory, `.part-${process.pid}-${Date.now().toString(36)}.tmp`);
    let files: ReturnType<ExportService['openFiles']> | null = null;
    const begun = performance.now();
    try {
      const plan = await this.plan(layout, 2, async (organizationIds) => {
        worker.send({ type: 'scopes', range: secondRange, organizationIds });
        const mine = await this.repository.scopes(organizationIds, firstRange);
        return mergeScopes(mine, (await worker.answer('scopes')).scopes);
      });
      mkdirSync(this.directory, { recursive: true });
      worker.send({ type: 'part', plan, range: secondRange, partPath });
      const planned = performance.now();
      const seconds = () => Number(((performance.now() - planned) / 1000).toFixed(2));
      files = this.openFiles(plan);
      const writer = files.writer;
      const records = await writer.write(this.repository, firstRange.afterId, firstRange.untilId, (done) => {
        doneHere = done;
        return onProgress(doneHere + doneThere, total);
      });
      const firstWritten = seconds();
      const part = await worker.answer('part-written');
      const secondWritten = seconds();
      await files.settle();
      appendParts(writer, partPath, part.parts);
      // How the two ranges kept pace (FIRST_RANGE_SHARE balances them).
      this.logger.debug('export ranges written', { planned: Number(((planned - begun) / 1000).toFixed(2)), firstWritten, secondWritten, appended: seconds() });
      const written = files.commit();
      this.logger.debug('export files committed', { committed: seconds() });
      return { written, records: records + part.records };
    } catch (error) {
      if (files) await files.drop();
      throw error;
    } finally {
      await worker.stop();
      rmSync(partPath, { force: true });
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
}
