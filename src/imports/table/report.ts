/**
 * What a clerk gets back from a table import: every problem with its line, the column as the file names it, the
 * value and the reason; and the rejected rows themselves, to fix and upload again. Pure.
 */
import { csvLine } from '../../shared/csv.ts';
import type { ValidationIssue } from '../../standard/validate.ts';
import { REJECTION_COLUMN } from './columns.ts';

export interface RowIssue {
  line: number;
  id: string | null;
  severity: ValidationIssue['severity'];
  /** The column as the file's header names it; empty when the problem is the row as a whole. */
  column: string;
  /** The standard's field path (`strany.1.ico`). */
  field: string;
  value: string;
  code: string;
  message: string;
}

/** Finds the file's column behind a field path of the standard (`strany.1.ico`, `hodnotaBezDph`). */
export function columnIndexOfPath(mapped: ReadonlyArray<string | null>, path: string): number {
  if (!path) return -1;
  const exact = mapped.indexOf(path);
  if (exact >= 0) return exact;
  // A problem with a list member as a whole (`strany.1`) points at its first column.
  return mapped.findIndex((column) => column !== null && column.startsWith(`${path}.`));
}

export function rowIssues(line: number, id: string | null, issues: readonly ValidationIssue[], headers: readonly string[], mapped: ReadonlyArray<string | null>, cells: readonly string[] | undefined): RowIssue[] {
  return issues.map((problem) => {
    const index = columnIndexOfPath(mapped, problem.path);
    return {
      line,
      id,
      severity: problem.severity,
      column: index >= 0 ? headers[index]! : '',
      field: problem.path,
      value: index >= 0 && cells ? (cells[index] ?? '') : '',
      code: problem.code,
      message: problem.message,
    };
  });
}

const BOM = '\uFEFF';

export function issuesCsv(issues: readonly RowIssue[], delimiter = ';'): string {
  let out = BOM + csvLine(['řádek', 'identifikátor', 'závažnost', 'sloupec', 'hodnota', 'důvod', 'kód'], delimiter);
  for (const i of issues) {
    out += csvLine([String(i.line), i.id ?? '', i.severity === 'error' ? 'chyba' : 'varování', i.column || '(celý řádek)', i.value, i.message, i.code], delimiter);
  }
  return out;
}

/** Rejected rows as the file had them, with the reasons in a last column that the importer ignores. */
export class RejectedRowsWriter {
  private out: string;

  constructor(
    private readonly headers: readonly string[],
    private readonly delimiter: string,
  ) {
    const withoutOldReasons = headers.filter((h) => h !== REJECTION_COLUMN);
    this.out = BOM + csvLine([...withoutOldReasons, REJECTION_COLUMN], delimiter);
  }

  add(cells: readonly string[], issues: readonly RowIssue[]): void {
    const kept = cells.slice(0, this.headers.length).filter((_, index) => this.headers[index] !== REJECTION_COLUMN);
    while (kept.length < this.headers.filter((h) => h !== REJECTION_COLUMN).length) kept.push('');
    const reasons = issues
      .filter((i) => i.severity === 'error')
      .map((i) => (i.column ? `${i.column}: ${i.message}` : i.message))
      .join(' | ');
    this.out += csvLine([...kept, reasons], this.delimiter);
  }

  toString(): string {
    return this.out;
  }
}
