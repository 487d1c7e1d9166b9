/**
 * Reads records of the standard from CSV, JSON or NDJSON bytes. A file that cannot be read at all raises
 * `unreadable_input`; a bad row becomes an item with issues, so the other rows go on.
 * Buffers (API requests) are read whole before any item is returned, so an unreadable body stores nothing;
 * streams (CLI files) are read row by row at constant memory.
 */
import { AppError } from '../errors.ts';
import { CsvParser, CsvSyntaxError, detectDelimiter, type CsvRow } from '../shared/csv.ts';
import { decodeText, type TextEncodingName } from '../shared/decode.ts';
import { fieldsOf } from '../standard/fields.ts';
import { planHeaders, unflattenRow, type HeaderPlan } from '../standard/flat.ts';
import { issue } from '../standard/validate.ts';
import { RECORD_TYPES, type RecordType } from '../standard/schema.ts';
import type { InputItem } from '../register/prepare.ts';

export type InputFormat = 'csv' | 'json' | 'ndjson';

export interface FileIssue {
  code: 'unknown_column';
  column: string;
  message: string;
}

export interface InputReading {
  format: InputFormat;
  encoding: TextEncodingName;
  /** A type given by the file itself (JSON envelope `typ`). */
  fileType?: RecordType;
  fileIssues: FileIssue[];
  items: AsyncIterable<InputItem> | Iterable<InputItem>;
}

export function formatFromContentType(contentType: string | undefined): InputFormat | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/csv' || type === 'application/csv') return 'csv';
  if (type === 'application/x-ndjson' || type === 'application/ndjson' || type === 'application/jsonl') return 'ndjson';
  if (type === 'application/json') return 'json';
  return undefined;
}

export function formatFromFileName(name: string): InputFormat | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv') || lower.endsWith('.txt')) return 'csv';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  if (lower.endsWith('.json')) return 'json';
  return undefined;
}

function sniffFormat(head: string): InputFormat {
  const start = head.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('[')) return 'json';
  if (start.startsWith('{')) {
    const firstLineEnd = start.indexOf('\n');
    const firstLine = firstLineEnd < 0 ? start : start.slice(0, firstLineEnd);
    try {
      JSON.parse(firstLine);
      return firstLineEnd < 0 || start.slice(firstLineEnd).trim() === '' ? 'json' : 'ndjson';
    } catch {
      return 'json';
    }
  }
  return 'csv';
}

const unreadable = (cs: string, en: string) => new AppError('unreadable_input', cs, en);

function parseJsonDocument(text: string): { items: InputItem[]; fileType?: RecordType } {
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw unreadable(`Soubor není platný JSON: ${(error as Error).message}`, `invalid JSON: ${(error as Error).message}`);
  }
  let records: unknown[];
  let fileType: RecordType | undefined;
  if (Array.isArray(document)) {
    records = document;
  } else if (document && typeof document === 'object' && Array.isArray((document as { zaznamy?: unknown }).zaznamy)) {
    const envelope = document as { zaznamy: unknown[]; typ?: unknown };
    records = envelope.zaznamy;
    if (envelope.typ !== undefined) {
      if (typeof envelope.typ !== 'string' || !(RECORD_TYPES as readonly string[]).includes(envelope.typ)) {
        throw unreadable('Pole typ souboru musí být smlouva, objednavka nebo faktura.', `invalid envelope typ ${String(envelope.typ)}`);
      }
      fileType = envelope.typ as RecordType;
    }
  } else if (document && typeof document === 'object') {
    records = [document];
  } else {
    throw unreadable('JSON musí obsahovat záznam, pole záznamů, nebo objekt se seznamem „zaznamy“.', 'JSON is neither a record, an array nor an envelope');
  }
  return { items: records.map((data, index) => ({ line: index + 1, data })), fileType };
}

function ndjsonItem(line: string, lineNo: number): InputItem | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  try {
    return { line: lineNo, data: JSON.parse(trimmed) };
  } catch {
    return { line: lineNo, issues: [issue('error', '', 'invalid_json')] };
  }
}

async function* ndjsonItems(chunks: AsyncIterable<string>): AsyncGenerator<InputItem> {
  let rest = '';
  let lineNo = 0;
  for await (const chunk of chunks) {
    rest += chunk;
    let newline: number;
    while ((newline = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, newline);
      rest = rest.slice(newline + 1);
      lineNo++;
      const item = ndjsonItem(line.replace(/^\uFEFF/, ''), lineNo);
      if (item) yield item;
    }
    if (rest.length > 10_000_000) throw unreadable(`Řádek ${lineNo + 1} je delší než 10 MB.`, `NDJSON line ${lineNo + 1} exceeds 10 MB`);
  }
  const item = ndjsonItem(rest, lineNo + 1);
  if (item) yield item;
}

class CsvReader {
  private parser: CsvParser | undefined;
  private plan: HeaderPlan | undefined;
  private pendingHeader = '';
  private descriptionChecked = false;
  readonly fileIssues: FileIssue[] = [];

  constructor(private readonly defaultType: RecordType | undefined) {}

  push(chunk: string): InputItem[] {
    if (!this.parser) {
      this.pendingHeader += chunk;
      const newline = this.pendingHeader.search(/[\r\n]/);
      if (newline < 0 && this.pendingHeader.length < 1_000_000) return [];
      const firstLine = this.pendingHeader.slice(0, newline < 0 ? undefined : newline).replace(/^\uFEFF/, '');
      this.parser = new CsvParser(detectDelimiter(firstLine));
      const text = this.pendingHeader.replace(/^\uFEFF/, '');
      this.pendingHeader = '';
      return this.rows(this.parse(() => this.parser!.push(text)));
    }
    return this.rows(this.parse(() => this.parser!.push(chunk)));
  }

  end(): InputItem[] {
    if (!this.parser) {
      if (this.pendingHeader.trim() === '') throw unreadable('Soubor je prázdný.', 'empty input');
      const text = this.pendingHeader.replace(/^\uFEFF/, '');
      this.parser = new CsvParser(detectDelimiter(text.split(/\r?\n/)[0]!));
      const items = this.rows(this.parse(() => this.parser!.push(text)));
      return [...items, ...this.rows(this.parse(() => this.parser!.end()))];
    }
    const items = this.rows(this.parse(() => this.parser!.end()));
    if (!this.plan) throw unreadable('Soubor je prázdný.', 'empty input');
    return items;
  }

  private parse(step: () => CsvRow[]): CsvRow[] {
    try {
      return step();
    } catch (error) {
      if (error instanceof CsvSyntaxError) {
        throw unreadable(`CSV nelze přečíst (řádek ${error.line}): neukončené uvozovky nebo příliš dlouhý záznam.`, error.message);
      }
      throw error;
    }
  }

  private rows(rows: CsvRow[]): InputItem[] {
    const items: InputItem[] = [];
    for (const row of rows) {
      if (!this.plan) {
        this.plan = planHeaders(row.fields);
        if (this.plan.duplicateHeaders.length > 0) {
          throw unreadable(`Hlavička CSV obsahuje sloupce vícekrát: ${this.plan.duplicateHeaders.join(', ')}.`, `duplicate CSV headers ${this.plan.duplicateHeaders.join(',')}`);
        }
        const known = this.plan.columns.filter((c) => c.kind !== 'unknown').length;
        if (known === 0 || !this.plan.columns.some((c) => c.kind === 'plain' && c.key === 'id')) {
          throw unreadable(
            'První řádek CSV musí být hlavička se sloupci podle standardu (alespoň id, predmet, strany.1.nazev …). Šablonu najdete na stránce Standard.',
            'CSV header does not name the standard columns (no id column)',
          );
        }
        for (const column of this.plan.unknownHeaders) {
          this.fileIssues.push({ code: 'unknown_column', column, message: `Sloupec „${column}“ standard nezná; jeho hodnoty se nenačetly.` });
        }
        continue;
      }
      if (!this.descriptionChecked) {
        this.descriptionChecked = true;
        if (this.isDescriptionRow(row.fields)) continue;
      }
      const item: InputItem = { line: row.line, data: unflattenRow(this.plan, row.fields) };
      if (row.fields.length > this.plan.columns.length && row.fields.slice(this.plan.columns.length).some((f) => f.trim() !== '')) {
        item.issues = [issue('error', '', 'extra_fields')];
      }
      items.push(item);
    }
    return items;
  }

  /** The template's optional second row carries Czech titles of the columns; it is not a record. */
  private isDescriptionRow(fields: string[]): boolean {
    const titles = new Map<string, string>();
    for (const type of this.defaultType ? [this.defaultType] : RECORD_TYPES) {
      for (const field of fieldsOf(type)) titles.set(field.key.replace('.*.', '.'), field.title);
    }
    let matched = 0;
    this.plan!.columns.forEach((column, index) => {
      const value = (fields[index] ?? '').trim();
      if (!value || column.kind === 'unknown') return;
      const key = column.kind === 'plain' ? column.key : `${column.key}.${column.member}`;
      if (titles.get(key) === value) matched++;
    });
    return matched >= 2 && fields[this.plan!.columns.findIndex((c) => c.kind === 'plain' && c.key === 'id')]?.trim() === titles.get('id');
  }
}

async function* csvItems(chunks: AsyncIterable<string>, reader: CsvReader): AsyncGenerator<InputItem> {
  for await (const chunk of chunks) yield* reader.push(chunk);
  yield* reader.end();
}

export interface ReadOptions {
  format?: InputFormat;
  defaultType?: RecordType;
}

export async function readRecords(source: Uint8Array | AsyncIterable<Uint8Array>, options: ReadOptions = {}): Promise<InputReading> {
  const decoded = await decodeText(source);
  const whole = source instanceof Uint8Array;
  const iterator = decoded.chunks[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done ? '' : first.value;
  const rest = async function* (): AsyncGenerator<string> {
    if (!first.done) yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  };
  const format = options.format ?? sniffFormat(head);

  if (format === 'json') {
    let text = '';
    for await (const chunk of rest()) {
      text += chunk;
      if (text.length > 200_000_000) throw unreadable('Soubor JSON je větší než 200 MB; pro velké soubory použijte NDJSON nebo CSV.', 'JSON input over 200 MB');
    }
    const { items, fileType } = parseJsonDocument(text);
    return { format, encoding: decoded.encoding, fileType, fileIssues: [], items };
  }

  if (format === 'ndjson') {
    const items = ndjsonItems(rest());
    if (whole) {
      const all: InputItem[] = [];
      for await (const item of items) all.push(item);
      return { format, encoding: decoded.encoding, fileIssues: [], items: all };
    }
    return { format, encoding: decoded.encoding, fileIssues: [], items };
  }

  const reader = new CsvReader(options.defaultType);
  if (whole) {
    const all: InputItem[] = [];
    for await (const item of csvItems(rest(), reader)) all.push(item);
    return { format, encoding: decoded.encoding, fileIssues: reader.fileIssues, items: all };
  }
  // Read up to the header so that an unreadable header fails before anything is stored.
  const stream = csvItems(rest(), reader);
  const firstItem = await stream.next();
  const items = (async function* () {
    if (!firstItem.done) yield firstItem.value;
    yield* stream;
  })();
  return { format, encoding: decoded.encoding, fileIssues: reader.fileIssues, items };
}
