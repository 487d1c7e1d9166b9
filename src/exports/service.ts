/**
 * Bulk files for each organisation and the whole platform: one pass over the register in (organisation, key)
 * order writes every file at once, at constant memory. Each file appears by an atomic rename; the index with
 * sha256 and row counts is replaced last.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AtomicFile } from '../shared/atomic-file.ts';
import { RECORD_TYPES, STANDARD_VERSION, type RecordType } from '../standard/schema.ts';
import type { OrganizationService } from '../organizations/service.ts';
import type { Logger } from '../shared/log.ts';
import { ExportRepository, type ExportRecordRow, type ExportScopeRow, type ExportVersionRow } from './repository.ts';
import { CsvRowFormatter, filePath, mergeIndex, ndjsonLine, type ExportFileEntry, type ExportFormat, type ExportIndex, type NdjsonVersion } from './rules.ts';

export const INDEX_FILE = 'index.json';
const CHUNK = 5000;

export interface ExportOptions {
  formats?: readonly ExportFormat[];
  /** IČO of the organisations to export; absent: all of them and the platform-wide files. */
  organizations?: string[];
  /** Called after each chunk of records; the export waits for a returned promise. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
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
  formatter: CsvRowFormatter | null;
}

type TableFormat = Exclude<ExportFormat, 'ocds'>;

/** The files of one scope (an organisation or the platform) and type, by format. */
class ScopeFiles {
  readonly files: OpenFile[] = [];
  csv: OpenFile | null = null;
  excel: OpenFile | null = null;
  ndjson: OpenFile | null = null;
}

export class ExportService {
  constructor(
    private readonly repository: ExportRepository,
    private readonly organizations: OrganizationService,
    readonly directory: string,
    private readonly logger: Logger,
  ) {}

  async readIndex(): Promise<ExportIndex | null> {
    try {
      return JSON.parse(await readFile(join(this.directory, INDEX_FILE), 'utf8')) as ExportIndex;
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
    const scopes = await this.repository.scopes(organizationIds);
    const total = scopes.reduce((sum, scope) => sum + scope.records, 0);
    const byOrganization = new Map<number, ExportScopeRow[]>();
    for (const scope of scopes) {
      const list = byOrganization.get(scope.organization_id) ?? [];
      list.push(scope);
      byOrganization.set(scope.organization_id, list);
    }

    const written: ExportFileEntry[] = [];
    const open: OpenFile[] = [];
    const openFiles = async (ico: string | null, type: RecordType, slots: { strany: number; prilohy: number }): Promise<ScopeFiles> => {
      const files = new ScopeFiles();
      for (const format of formats) {
        const path = filePath(ico, type, format);
        const formatter = format === 'ndjson' ? null : new CsvRowFormatter(type, slots, format === 'excel');
        const opened: OpenFile = { entry: { path, organization: ico, type, format, rows: 0, personalData: false, generatedAt }, file: await AtomicFile.create(join(this.directory, path)), formatter };
        if (formatter) opened.file.append(formatter.header());
        open.push(opened);
        files.files.push(opened);
        files[format] = opened;
      }
      return files;
    };
    const commit = async (files: ScopeFiles) => {
      for (const opened of files.files) {
        const result = await opened.file.commit();
        open.splice(open.indexOf(opened), 1);
        written.push({ ...opened.entry, bytes: result.bytes, sha256: result.sha256 });
      }
    };

    try {
      const platform = new Map<string, ScopeFiles>();
      if (!organizationIds) {
        for (const type of RECORD_TYPES) {
          const ofType = scopes.filter((s) => s.type === type);
          const slots = { strany: Math.max(0, ...ofType.map((s) => s.max_parties ?? 0)), prilohy: Math.max(0, ...ofType.map((s) => s.max_attachments ?? 0)) };
          platform.set(type, await openFiles(null, type, slots));
        }
      }
      let currentOrganization = -1;
      let organizationFiles = new Map<string, ScopeFiles>();
      let after: { organizationId: number; key: string } | null = null;
      let done = 0;
      for (;;) {
        const rows = await this.repository.recordsAfter(after, CHUNK, organizationIds);
        if (rows.length === 0) break;
        const histories = formats.includes('ndjson') ? await this.histories(rows) : new Map<number, ExportVersionRow[]>();
        for (const row of rows) {
          if (row.organization_id !== currentOrganization) {
            for (const files of organizationFiles.values()) await commit(files);
            organizationFiles = new Map();
            currentOrganization = row.organization_id;
            for (const scope of byOrganization.get(row.organization_id) ?? []) {
              organizationFiles.set(scope.type, await openFiles(scope.ico, scope.type as RecordType, { strany: scope.max_parties ?? 0, prilohy: scope.max_attachments ?? 0 }));
            }
          }
          const scope = byOrganization.get(row.organization_id)!.find((s) => s.type === row.type)!;
          const targets = [organizationFiles.get(row.type), platform.get(row.type)];
          await this.writeRow(row, scope, targets, histories);
        }
        done += rows.length;
        const last = rows[rows.length - 1]!;
        after = { organizationId: last.organization_id, key: last.record_key };
        await options.onProgress?.(done, total);
      }
      for (const files of organizationFiles.values()) await commit(files);
      for (const files of platform.values()) await commit(files);
      const index = mergeIndex(await this.readIndex(), written, generatedAt, STANDARD_VERSION);
      const indexFile = await AtomicFile.create(join(this.directory, 'index.json'));
      await indexFile.write(`${JSON.stringify(index, null, 1)}\n`);
      await indexFile.commit();
      const seconds = (performance.now() - started) / 1000;
      this.logger.info('bulk files written', { records: done, files: written.length, seconds: Number(seconds.toFixed(1)) });
      return { index, records: done, files: written.length, seconds };
    } catch (error) {
      await Promise.all(open.map((opened) => opened.file.abort()));
      throw error;
    }
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

  private async writeRow(row: ExportRecordRow, scope: ExportScopeRow, targets: Array<ScopeFiles | undefined>, histories: Map<number, ExportVersionRow[]>): Promise<void> {
    const flushes: AtomicFile[] = [];
    // Parties are stored as given, so the type of person shows in the JSON text; no parse needed for NDJSON.
    const personal = row.content.includes('"typOsoby":"fyzicka') || row.redactions !== '[]';
    if (row.status === 'published' && (targets[0]?.csv || targets[0]?.excel || targets[1]?.csv || targets[1]?.excel)) {
      const record = JSON.parse(row.content) as Record<string, unknown>;
      for (const target of targets) {
        for (const opened of [target?.csv, target?.excel]) {
          if (!opened) continue;
          opened.entry.rows++;
          if (personal) opened.entry.personalData = true;
          if (opened.file.append(opened.formatter!.row(record))) flushes.push(opened.file);
        }
      }
    }
    if (targets[0]?.ndjson || targets[1]?.ndjson) {
      const versions: NdjsonVersion[] = (histories.get(row.id) ?? [row]).map((version) => ({
        versionNo: 'version_no' in version ? version.version_no : row.current_version_no,
        change: version.change,
        publishedAt: version.published_at,
        quality: version.quality,
        note: version.note,
        content: version.content,
      }));
      const line = ndjsonLine({
        organizationIco: scope.ico,
        organizationName: scope.name,
        id: row.record_key,
        type: row.type,
        status: row.status,
        withdrawalReason: row.withdrawal_reason,
        withdrawnAt: row.withdrawn_at,
        firstPublishedAt: row.first_published_at,
        updatedAt: row.updated_at,
        currentVersion: row.current_version_no,
        versions,
      });
      for (const target of targets) {
        const opened = target?.ndjson;
        if (!opened) continue;
        opened.entry.rows++;
        if (personal) opened.entry.personalData = true;
        if (opened.file.append(line)) flushes.push(opened.file);
      }
    }
    for (const file of flushes) await file.flush();
  }
}
