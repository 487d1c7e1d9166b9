/**
 * `om import table` and the upload page: a clerk's CSV or XLSX becomes records of the standard. Valid rows are
 * stored even when others are rejected (unless atomic); the report names each problem by line, column and value,
 * and the rejected rows come back as a file to fix and upload again.
 */
import { AppError } from '../../errors.ts';
import type { Organization } from '../../organizations/service.ts';
import type { RegisterService } from '../../register/service.ts';
import type { RecordType } from '../../standard/schema.ts';
import type { JobService, ImportJob } from '../../jobs/service.ts';
import { countsAfterResume, jobSource, type ImportCounts } from '../../jobs/rules.ts';
import { countingBytes, type ImportSource } from '../source.ts';
import { openTableRows, readTable, type TableFormat } from './reader.ts';
import { issuesCsv, RejectedRowsWriter, rowIssues, type RowIssue } from './report.ts';
import type { FileIssue } from '../../publishing/input.ts';

export interface TableImportOptions {
  actor: string;
  defaultType?: RecordType;
  atomic?: boolean;
  note?: string;
  maxIssues?: number;
  onProgress?: (counts: ImportCounts, doneBytes: number) => void;
  onJobStarted?: (jobId: number) => void;
}

export interface TableImportResult extends ImportCounts {
  job: ImportJob;
  format: TableFormat;
  encoding: string | null;
  delimiter: string | null;
  fileIssues: FileIssue[];
  issues: RowIssue[];
  issuesTruncated: boolean;
  /** The report as CSV (line, column, value, reason). */
  issuesCsv: string;
  /** The rejected rows in the file's own columns, with the reasons; null when nothing was rejected. */
  rejectedCsv: string | null;
}

const countsOf = (c: ImportCounts): ImportCounts => ({ read: c.read, created: c.created, newVersions: c.newVersions, unchanged: c.unchanged, rejected: c.rejected });

export class TableImportService {
  constructor(
    private readonly register: RegisterService,
    private readonly jobs: JobService,
  ) {}

  async importTable(organization: Organization, source: ImportSource, options: TableImportOptions): Promise<TableImportResult> {
    const maxIssues = options.maxIssues ?? 10_000;
    const result = await this.jobs.run(
      { kind: 'table', organizationId: organization.id, sourceName: source.name, sourceKey: source.key, actor: options.actor, totalBytes: source.size, onStarted: options.onJobStarted },
      async (tracker) => {
        const consumed = { bytes: 0 };
        const reading = await readTable(countingBytes(source.open(), consumed), { defaultType: options.defaultType });
        if (!reading.defaultType && !reading.columns.mapped.includes('typ')) {
          throw new AppError(
            'unreadable_input',
            'Z tabulky nelze poznat typ záznamů: přidejte sloupec „typ“ (smlouva, objednavka, faktura) nebo typ zvolte při nahrání.',
            'table names no record type',
          );
        }
        const published = await this.register.publish(organization, reading.items, {
          source: jobSource('table', tracker.id, source.name),
          atomic: options.atomic,
          note: options.note,
          defaultType: reading.defaultType,
          keepOutcomes: 'problems',
          onProgress: (counts) => {
            options.onProgress?.(countsOf(counts), consumed.bytes);
            void tracker.progress(countsOf(counts), consumed.bytes);
          },
        });

        // A second pass over the file picks the values and rows the problems point at.
        const problems = new Map(published.outcomes.map((outcome) => [outcome.line, outcome]));
        const issues: RowIssue[] = [];
        let issuesTruncated = false;
        let rejectedCsv: string | null = null;
        if (problems.size > 0) {
          const rows = await openTableRows(source.open());
          const writer = new RejectedRowsWriter(reading.headers, rows.format === 'csv' ? (reading.delimiter ?? ';') : ';');
          let isHeader = true;
          for await (const row of rows.rows) {
            if (isHeader) {
              isHeader = row.cells.every((cell) => cell.trim() === '');
              continue;
            }
            const outcome = problems.get(row.line);
            if (!outcome) continue;
            const found = rowIssues(row.line, outcome.id, outcome.issues, reading.headers, reading.columns.mapped, row.cells);
            if (issues.length + found.length <= maxIssues) issues.push(...found);
            else issuesTruncated = true;
            if (outcome.status === 'rejected') writer.add(row.cells, found);
          }
          if (published.rejected > 0) rejectedCsv = writer.toString();
        }
        const counts = tracker.resumed ? countsAfterResume(countsOf(published), await this.register.versionsWithSource(jobSource('table', tracker.id, source.name))) : countsOf(published);
        const report = { format: reading.format, encoding: reading.encoding, delimiter: reading.delimiter, fileIssues: reading.fileIssues, issues, issuesTruncated };
        return { counts, report, rejectedCsv };
      },
    );
    const { counts, report, rejectedCsv, job } = result;
    return { ...counts, ...report, job, issuesCsv: issuesCsv(report.issues), rejectedCsv };
  }
}
