/** Publishing and validating whole files or request bodies: the one path behind the API, the CLI and the pages. */
import { validateRecord, type ValidationIssue } from '../standard/validate.ts';
import type { RecordType } from '../standard/schema.ts';
import type { QualityLevel } from '../standard/quality.ts';
import type { Organization } from '../organizations/service.ts';
import type { PublishCounts, PublishOptions, PublishReport, RegisterService } from '../register/service.ts';
import { readRecords, type FileIssue, type InputFormat } from './input.ts';
import { prepareFileInWorker } from './prepare-in-worker.ts';
import type { TextEncodingName } from '../shared/decode.ts';

export interface PublishFileOptions {
  format?: InputFormat;
  defaultType?: RecordType;
  atomic?: boolean;
  source: string;
  note?: string;
  keepOutcomes?: 'all' | 'problems';
  maxOutcomes?: number;
  onProgress?: (counts: PublishCounts) => void;
}

export interface PublishFileReport extends PublishReport {
  format: InputFormat;
  encoding: TextEncodingName;
  fileIssues: FileIssue[];
}

export interface ValidationRow {
  line: number;
  id: string | null;
  valid: boolean;
  quality: QualityLevel | null;
  issues: ValidationIssue[];
}

export interface ValidateFileOptions {
  format?: InputFormat;
  defaultType?: RecordType;
  maxRows?: number;
  onProgress?: (read: number) => void;
}

export interface ValidationReport {
  format: InputFormat;
  encoding: TextEncodingName;
  fileIssues: FileIssue[];
  summary: { read: number; valid: number; rejected: number; withWarnings: number; quality: Record<QualityLevel, number> };
  rows: ValidationRow[];
  rowsTruncated: boolean;
}

/** The register's options for a file: a type given by the caller wins over one the file names. */
function registerOptions(options: PublishFileOptions, fileType: RecordType | undefined): PublishOptions {
  const { format: _format, ...rest } = options;
  return { ...rest, defaultType: options.defaultType ?? fileType };
}

export class PublishingService {
  constructor(private readonly register: RegisterService) {}

  async publishFile(organization: Organization, source: Uint8Array | AsyncIterable<Uint8Array>, options: PublishFileOptions): Promise<PublishFileReport> {
    const reading = await readRecords(source, { format: options.format, defaultType: options.defaultType });
    const report = await this.register.publish(organization, reading.items, registerOptions(options, reading.fileType));
    return { ...report, format: reading.format, encoding: reading.encoding, fileIssues: reading.fileIssues };
  }

  /**
   * Publishes a file from disk: a worker thread reads and validates it while this thread writes.
   * Same results as publishFile; used by `om publish` for large files.
   */
  async publishPath(organization: Organization, path: string, options: PublishFileOptions): Promise<PublishFileReport> {
    const prepared = await prepareFileInWorker(path, { format: options.format, defaultType: options.defaultType });
    const report = await this.register.publishPrepared(organization, prepared.items, registerOptions(options, prepared.fileType));
    return { ...report, format: prepared.format, encoding: prepared.encoding, fileIssues: prepared.fileIssues };
  }

  validateFile(source: Uint8Array | AsyncIterable<Uint8Array>, options: ValidateFileOptions = {}): Promise<ValidationReport> {
    return validateFile(source, options);
  }
}

/** Checks a file against the standard without storing anything. */
export async function validateFile(source: Uint8Array | AsyncIterable<Uint8Array>, options: ValidateFileOptions = {}): Promise<ValidationReport> {
  const reading = await readRecords(source, { format: options.format, defaultType: options.defaultType });
  const defaultType = options.defaultType ?? reading.fileType;
  const maxRows = options.maxRows ?? 10_000;
  const report: ValidationReport = {
    format: reading.format,
    encoding: reading.encoding,
    fileIssues: reading.fileIssues,
    summary: { read: 0, valid: 0, rejected: 0, withWarnings: 0, quality: { A: 0, B: 0, C: 0 } },
    rows: [],
    rowsTruncated: false,
  };
  const push = (row: ValidationRow) => {
    if (report.rows.length < maxRows) report.rows.push(row);
    else report.rowsTruncated = true;
  };
  for await (const item of reading.items) {
    report.summary.read++;
    if (report.summary.read % 10_000 === 0) options.onProgress?.(report.summary.read);
    const rawId = (item.data as { id?: unknown } | undefined)?.id;
    const id = typeof rawId === 'string' ? rawId : null;
    if (item.issues && item.issues.length > 0) {
      report.summary.rejected++;
      push({ line: item.line, id, valid: false, quality: null, issues: item.issues });
      continue;
    }
    const result = validateRecord(item.data, { defaultType });
    if (!result.ok) {
      report.summary.rejected++;
      push({ line: item.line, id, valid: false, quality: null, issues: result.errors });
      continue;
    }
    report.summary.valid++;
    report.summary.quality[result.value.quality.level]++;
    if (result.value.warnings.length > 0) report.summary.withWarnings++;
    push({ line: item.line, id, valid: true, quality: result.value.quality.level, issues: result.value.warnings });
  }
  return report;
}
