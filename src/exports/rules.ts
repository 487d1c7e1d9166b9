/**
 * The bulk files: their names, media types and row formats. Pure: the service feeds it records and writes what
 * it returns. CSV follows the standard (RFC 4180, UTF-8, CRLF); the Excel variant adds a BOM and uses `;` and
 * decimal commas; NDJSON holds one record per line with its whole version history.
 */
import { csvField } from '../shared/csv.ts';
import { columnsOf } from '../standard/columns.ts';
import { cellLayout, fillCells, type CellLayout } from './canonical.ts';
import type { RecordType } from '../standard/record-types.ts';
import type { ExportScopeRow } from './repository.ts';

export const EXPORT_FORMATS = ['csv', 'excel', 'ndjson', 'ocds'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const TYPE_SLUGS: Record<RecordType, string> = { smlouva: 'smlouvy', objednavka: 'objednavky', faktura: 'faktury' };

/** The folder of the platform-wide files; organisations' folders are their IČO (8 digits), so this cannot clash. */
export const PLATFORM_SCOPE = 'vse';

export const FORMAT_LABELS: Record<ExportFormat, string> = {
  csv: 'CSV (standard)',
  excel: 'CSV pro Excel',
  ndjson: 'NDJSON s historií verzí',
  ocds: 'OCDS',
};

export const MEDIA_TYPES: Record<string, string> = {
  '.csv': 'text/csv; charset=utf-8',
  '.ndjson': 'application/x-ndjson',
  '.json': 'application/json',
};

export function mediaTypeOf(path: string): string {
  const dot = path.lastIndexOf('.');
  return MEDIA_TYPES[path.slice(dot)] ?? 'application/octet-stream';
}

export interface ExportFileEntry {
  /** Relative to the export directory, with forward slashes: `vse/smlouvy.csv`, `00231401/faktury.ndjson`. */
  path: string;
  /** IČO of the organisation, or null for the platform-wide file. */
  organization: string | null;
  type: RecordType | null;
  format: ExportFormat;
  /** Data rows (records; OCDS: releases or records), without the header. */
  rows: number;
  bytes: number;
  sha256: string;
  /** Whether a row names a natural person (a party of type fyzicka or fyzicka-podnikajici): the catalog marks it. */
  personalData: boolean;
  generatedAt: string;
}

export interface ExportIndex {
  generatedAt: string;
  standardVersion: string;
  files: ExportFileEntry[];
}

export function filePath(organizationIco: string | null, type: RecordType, format: Exclude<ExportFormat, 'ocds'>): string {
  const scope = organizationIco ?? PLATFORM_SCOPE;
  const slug = TYPE_SLUGS[type];
  if (format === 'csv') return `${scope}/${slug}.csv`;
  if (format === 'excel') return `${scope}/${slug}-excel.csv`;
  return `${scope}/${slug}.ndjson`;
}

export function ocdsPath(organizationIco: string | null, kind: 'releases' | 'records'): string {
  return `${organizationIco ?? PLATFORM_SCOPE}/ocds-${kind}.json`;
}

/** Index entries of the previous run that this run did not regenerate stay, so a partial run keeps the rest listed. */
export function mergeIndex(previous: ExportIndex | null, written: ExportFileEntry[], generatedAt: string, standardVersion: string): ExportIndex {
  const byPath = new Map((previous?.files ?? []).map((file) => [file.path, file]));
  for (const file of written) byPath.set(file.path, file);
  const files = [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
  return { generatedAt, standardVersion, files };
}

type Accessor = { list: null; key: string } | { list: string; index: number; member: string };

const AMOUNT_KEYS = new Set(['hodnotaBezDph', 'hodnotaVcetneDph']);

/** Formats records of one type as CSV lines with a fixed set of numbered party and attachment columns. */
export class CsvRowFormatter {
  readonly columns: string[];
  private readonly accessors: Accessor[];
  private readonly delimiter: string;
  private readonly decimalColumns: boolean[];
  private readonly layout: CellLayout;
  private readonly cells: string[];

  /** `fieldKeys`: the type's field keys (standard/flat.ts fieldKeysOf). */
  constructor(
    fieldKeys: readonly string[],
    slots: { strany: number; prilohy: number },
    private readonly excel: boolean,
  ) {
    this.columns = columnsOf(fieldKeys, { strany: Math.max(1, slots.strany), prilohy: Math.max(1, slots.prilohy) });
    this.delimiter = excel ? ';' : ',';
    this.accessors = this.columns.map((column): Accessor => {
      const match = /^(\w+)\.(\d+)\.(\w+)$/.exec(column);
      if (match) return { list: match[1]!, index: Number(match[2]) - 1, member: match[3]! };
      return { list: null, key: column };
    });
    this.decimalColumns = excel ? decimalColumnsOf(this.columns) : this.columns.map(() => false);
    this.layout = cellLayout(this.columns);
    this.cells = new Array<string>(this.columns.length).fill('');
  }

  /** The header line; the Excel variant starts with a byte order mark so Excel reads UTF-8. */
  header(): string {
    return (this.excel ? '\ufeff' : '') + this.columns.join(this.delimiter) + '\r\n';
  }

  row(record: Record<string, unknown>): string {
    this.fillFromRecord(record);
    return this.lineOf(this.escape(), null);
  }

  /** The line of a record's stored (canonical JSON) content, read without JSON.parse where its shape allows. */
  rowFromContent(content: string): string {
    return this.lineOf(this.escapedCells(content), null);
  }

  /**
   * The record's cells, escaped for this variant, in this formatter's columns. The array is reused by the next
   * call: turn it into lines (`lineOf`) first.
   */
  escapedCells(content: string): string[] {
    this.cells.fill('');
    if (!fillCells(content, this.layout, this.cells)) this.fillFromRecord(JSON.parse(content) as Record<string, unknown>);
    return this.escape();
  }

  /**
   * A line from escaped cells: all columns, or through a projection (for each column of a narrower formatter of
   * the same type, its index here), so a record read once yields its line for files with fewer numbered columns.
   */
  lineOf(escaped: readonly string[], projection: Int32Array | null): string {
    let line = '';
    if (projection === null) {
      for (let i = 0; i < escaped.length; i++) line += i === 0 ? escaped[i]! : this.delimiter + escaped[i]!;
    } else {
      for (let i = 0; i < projection.length; i++) line += i === 0 ? escaped[projection[i]!]! : this.delimiter + escaped[projection[i]!]!;
    }
    return line + '\r\n';
  }

  /** For each column of `narrower` (same type, no more numbered slots), the index of that column here. */
  projectionOf(narrower: CsvRowFormatter): Int32Array {
    const positions = new Map(this.columns.map((column, index) => [column, index]));
    return Int32Array.from(narrower.columns.map((column) => {
      const index = positions.get(column);
      if (index === undefined) throw new Error(`column ${column} is missing from the wider layout`);
      return index;
    }));
  }

  private fillFromRecord(record: Record<string, unknown>): void {
    const cells = this.cells;
    for (let i = 0; i < this.accessors.length; i++) {
      const accessor = this.accessors[i]!;
      let value: unknown;
      if (accessor.list === null) {
        value = record[accessor.key];
      } else {
        const list = record[accessor.list] as Array<Record<string, unknown>> | undefined;
        value = list === undefined ? undefined : list[accessor.index]?.[accessor.member];
      }
      cells[i] = value === undefined || value === null ? '' : String(value);
    }
  }

  private escape(): string[] {
    const cells = this.cells;
    for (let i = 0; i < cells.length; i++) {
      const text = cells[i]!;
      if (text === '') continue;
      cells[i] = this.excel ? excelField(this.decimalColumns[i] ? text.replace('.', ',') : defuseFormula(text)) : csvField(text);
    }
    return cells;
  }
}

/** For each column, whether the Excel variant writes it with a decimal comma (the amounts). */
export function decimalColumnsOf(columns: readonly string[]): boolean[] {
  return columns.map((column) => AMOUNT_KEYS.has(column));
}

const EXCEL_NEEDS_QUOTES = /[";\r\n]/;

export function excelField(value: string): string {
  if (!EXCEL_NEEDS_QUOTES.test(value)) return value;
  return `"${value.replace(/"/g, '""')}"`;
}

/**
 * Excel runs a cell that starts with = + @ (or - followed by a non-digit) as a formula: the Excel variant puts an
 * apostrophe before such text, as OWASP advises for CSV injection. The standard CSV keeps values exactly.
 */
export function defuseFormula(text: string): string {
  const first = text.charCodeAt(0);
  if (first === 61 || first === 43 || first === 64 || first === 9 || first === 13) return `'${text}`;
  if (first === 45 && text.length > 1 && !/^-\d/.test(text)) return `'${text}`;
  return text;
}

/** Milliseconds from `now` until the next `HH:MM` in UTC (tomorrow's when today's has passed). */
export function msUntilNext(now: Date, time: string): number {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hours, minutes));
  if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1);
  return next.getTime() - now.getTime();
}

/** The scopes of the whole export from those of its two ranges (counts added, widest records kept), by organisation. */
export function mergeScopes(first: readonly ExportScopeRow[], second: readonly ExportScopeRow[]): ExportScopeRow[] {
  const widest = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
  const byKey = new Map<string, ExportScopeRow>();
  for (const scope of [...first, ...second]) {
    const key = `${scope.organization_id}:${scope.type}`;
    const seen = byKey.get(key);
    byKey.set(
      key,
      seen
        ? { ...seen, records: seen.records + scope.records, published: seen.published + scope.published, max_parties: widest(seen.max_parties, scope.max_parties), max_attachments: widest(seen.max_attachments, scope.max_attachments) }
        : { ...scope },
    );
  }
  return [...byKey.values()].sort((a, b) => a.organization_id - b.organization_id || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}
