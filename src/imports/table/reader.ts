/**
 * Reads a clerk's table (CSV in UTF-8 or windows-1250 with `,` `;` or tab, or the first sheet of an XLSX
 * workbook) into records of the standard: headers through aliases, decimal commas and Czech dates normalised.
 * Anything still wrong is left for the standard's validation to report with its line and column.
 */
import { AppError } from '../../errors.ts';
import { CsvParser, CsvSyntaxError, detectDelimiter } from '../../shared/csv.ts';
import { decodeText, type TextEncodingName } from '../../shared/decode.ts';
import { normalizeCzechDate } from '../../shared/dates.ts';
import { normalizeCzechDecimal } from '../../shared/money.ts';
import { readXlsx } from '../../shared/xlsx.ts';
import { looksLikeZip } from '../../shared/zip.ts';
import { planHeaders, unflattenRow, type HeaderPlan } from '../../standard/flat.ts';
import { fieldsOf } from '../../standard/fields.ts';
import { issue } from '../../standard/validate.ts';
import type { RecordType } from '../../standard/schema.ts';
import type { InputItem } from '../../register/prepare.ts';
import type { FileIssue } from '../../publishing/input.ts';
import { inferType, mapHeaders, type TableColumns } from './columns.ts';

export type TableFormat = 'csv' | 'xlsx';

export interface TableRow {
  line: number;
  cells: string[];
}

export interface TableRows {
  format: TableFormat;
  encoding: TextEncodingName | null;
  delimiter: string | null;
  rows: AsyncIterable<TableRow>;
}

/** XLSX is unzipped in memory, so its size is capped; CSV streams. */
export const MAX_XLSX_BYTES = 100 * 1024 * 1024;

const unreadable = (cs: string, en: string) => new AppError('unreadable_input', cs, en);

async function collect(source: AsyncIterable<Uint8Array>, first: Uint8Array): Promise<Uint8Array> {
  const parts = [first];
  let size = first.length;
  for await (const chunk of source) {
    size += chunk.length;
    if (size > MAX_XLSX_BYTES) throw unreadable('Sešit XLSX je větší než 100 MB. Uložte jej jako CSV.', 'XLSX over 100 MB');
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

async function* csvRows(chunks: AsyncIterable<string>, onDelimiter: (d: string) => void): AsyncGenerator<TableRow> {
  let parser: CsvParser | undefined;
  let head = '';
  const parse = (step: () => Array<{ line: number; fields: string[] }>) => {
    try {
      return step().map((row) => ({ line: row.line, cells: row.fields }));
    } catch (error) {
      if (error instanceof CsvSyntaxError) throw unreadable(`CSV nelze přečíst (řádek ${error.line}): neukončené uvozovky nebo příliš dlouhý řádek.`, error.message);
      throw error;
    }
  };
  for await (const chunk of chunks) {
    if (!parser) {
      head += chunk;
      const newline = head.search(/[\r\n]/);
      if (newline < 0 && head.length < 1_000_000) continue;
      const delimiter = detectDelimiter(head.slice(0, newline < 0 ? undefined : newline));
      onDelimiter(delimiter);
      parser = new CsvParser(delimiter);
      yield* parse(() => parser!.push(head));
      head = '';
      continue;
    }
    yield* parse(() => parser!.push(chunk));
  }
  if (!parser) {
    if (head.trim() === '') return;
    const delimiter = detectDelimiter(head.split(/\r?\n/)[0]!);
    onDelimiter(delimiter);
    parser = new CsvParser(delimiter);
    yield* parse(() => parser!.push(head));
  }
  yield* parse(() => parser!.end());
}

/** The rows of a table file, the header first. Call again on the same bytes for a second pass. */
export async function openTableRows(source: Uint8Array | AsyncIterable<Uint8Array>): Promise<TableRows> {
  let first: Uint8Array;
  let rest: AsyncIterable<Uint8Array>;
  if (source instanceof Uint8Array) {
    first = source;
    rest = (async function* () {})();
  } else {
    const iterator = source[Symbol.asyncIterator]();
    const next = await iterator.next();
    first = next.done ? new Uint8Array() : next.value;
    rest = { [Symbol.asyncIterator]: () => iterator };
  }
  if (looksLikeZip(first)) {
    const bytes = source instanceof Uint8Array ? source : await collect(rest, first);
    const sheet = readXlsx(bytes);
    const rows = sheet.rows;
    return { format: 'xlsx', encoding: null, delimiter: null, rows: (async function* () { yield* rows; })() };
  }
  const decoded = await decodeText(
    source instanceof Uint8Array
      ? source
      : (async function* () {
          yield first;
          yield* rest;
        })(),
  );
  const result: TableRows = { format: 'csv', encoding: decoded.encoding, delimiter: null, rows: undefined as never };
  result.rows = csvRows(decoded.chunks, (delimiter) => {
    result.delimiter = delimiter;
  });
  return result;
}

export interface TableReading {
  format: TableFormat;
  encoding: TextEncodingName | null;
  delimiter: string | null;
  headers: string[];
  columns: TableColumns;
  /** The type every row has unless it names its own: given by the caller or inferred from the columns. */
  defaultType?: RecordType;
  fileIssues: FileIssue[];
  items: AsyncIterable<InputItem>;
}

function normalizeCells(plan: HeaderPlan, cells: string[]): string[] {
  return cells.map((value, index) => {
    const column = plan.columns[index];
    if (!column || column.kind === 'unknown' || value.trim() === '') return value;
    if (column.fieldKind === 'amount') return normalizeCzechDecimal(value) ?? value;
    if (column.fieldKind === 'date') return normalizeCzechDate(value) ?? value;
    return value;
  });
}

const ID_TITLE = fieldsOf('smlouva').find((f) => f.key === 'id')!.title;

export async function readTable(source: Uint8Array | AsyncIterable<Uint8Array>, options: { defaultType?: RecordType } = {}): Promise<TableReading> {
  const table = await openTableRows(source);
  const iterator = table.rows[Symbol.asyncIterator]();
  let header = await iterator.next();
  while (!header.done && header.value.cells.every((cell) => cell.trim() === '')) header = await iterator.next();
  if (header.done) throw unreadable('Soubor je prázdný.', 'empty table');
  const headers = header.value.cells.map((cell) => cell.trim());
  const columns = mapHeaders(headers);
  if (columns.duplicates.length > 0) {
    throw unreadable(`Tabulka má některé sloupce vícekrát: ${columns.duplicates.join(', ')}.`, `duplicate columns ${columns.duplicates.join(',')}`);
  }
  if (!columns.mapped.includes('id')) {
    throw unreadable(
      'První řádek tabulky musí být hlavička a mezi sloupci musí být identifikátor záznamu (sloupec id, „Identifikátor záznamu“ nebo „Evidenční číslo“). Šablonu najdete na stránce Standard.',
      'table header has no id column',
    );
  }
  const plan = planHeaders(columns.mapped.map((column) => column ?? ''));
  const defaultType = options.defaultType ?? inferType(columns.mapped);
  const fileIssues: FileIssue[] = columns.unknown.map((column) => ({ code: 'unknown_column', column, message: `Sloupec „${column}“ standard nezná; jeho hodnoty se nenačetly.` }));
  const width = headers.length;
  const idIndex = columns.mapped.indexOf('id');
  const items = (async function* (): AsyncGenerator<InputItem> {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      const { line, cells } = next.value;
      if (cells.every((cell) => cell.trim() === '')) continue;
      if (cells[idIndex]?.trim() === ID_TITLE) continue;
      const item: InputItem = { line, data: unflattenRow(plan, normalizeCells(plan, cells)) };
      if (cells.length > width && cells.slice(width).some((cell) => cell.trim() !== '')) item.issues = [issue('error', '', 'extra_fields')];
      yield item;
    }
  })();
  return { format: table.format, encoding: table.encoding, delimiter: table.delimiter, headers, columns, defaultType, fileIssues, items };
}
