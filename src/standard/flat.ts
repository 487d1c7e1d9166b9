/**
 * The CSV form of the standard: one row per record, plain fields as columns, list members as numbered
 * columns (`strany.1.nazev`, `strany.2.ico`, `prilohy.1.url`). These functions convert both ways.
 */
import { allKnownKeys, fieldsOf, type FieldKind } from './fields.ts';
import { columnsOf } from './columns.ts';
import type { RecordType, StandardRecord } from './schema.ts';

type ColumnPlan =
  | { kind: 'plain'; key: string; fieldKind: FieldKind }
  | { kind: 'list'; key: string; index: number; member: string; fieldKind: FieldKind }
  | { kind: 'unknown'; header: string };

export interface HeaderPlan {
  columns: ColumnPlan[];
  unknownHeaders: string[];
  duplicateHeaders: string[];
}

const TRUE_VALUES = new Set(['true', '1', 'ano', 'a', 'yes', 'y']);
const FALSE_VALUES = new Set(['false', '0', 'ne', 'n', 'no']);

export function planHeaders(headers: readonly string[]): HeaderPlan {
  const { plain, lists } = allKnownKeys();
  const seen = new Set<string>();
  const duplicateHeaders: string[] = [];
  const unknownHeaders: string[] = [];
  const columns = headers.map((rawHeader): ColumnPlan => {
    const header = rawHeader.trim();
    if (seen.has(header)) duplicateHeaders.push(header);
    seen.add(header);
    const plainKind = plain.get(header);
    if (plainKind) return { kind: 'plain', key: header, fieldKind: plainKind };
    const match = /^([a-zA-Z]+)\.(\d{1,3})\.([a-zA-Z][a-zA-Z0-9]*)$/.exec(header);
    if (match) {
      const members = lists.get(match[1]!);
      const memberKind = members?.get(match[3]!);
      if (memberKind && Number(match[2]) >= 1) {
        return { kind: 'list', key: match[1]!, index: Number(match[2]) - 1, member: match[3]!, fieldKind: memberKind };
      }
    }
    if (header !== '') unknownHeaders.push(header);
    return { kind: 'unknown', header };
  });
  return { columns, unknownHeaders, duplicateHeaders };
}

function convert(value: string, kind: FieldKind): unknown {
  if (kind !== 'boolean') return value;
  const lower = value.trim().toLowerCase();
  if (TRUE_VALUES.has(lower)) return true;
  if (FALSE_VALUES.has(lower)) return false;
  return value;
}

/** Builds the nested record of one CSV row. Empty cells are absent values. */
export function unflattenRow(plan: HeaderPlan, fields: readonly string[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  const columns = plan.columns;
  for (let i = 0; i < columns.length; i++) {
    const raw = fields[i];
    if (raw === undefined) continue;
    const value = raw.trim();
    if (value === '') continue;
    const column = columns[i]!;
    if (column.kind === 'plain') {
      record[column.key] = convert(value, column.fieldKind);
    } else if (column.kind === 'list') {
      let list = record[column.key] as Array<Record<string, unknown> | undefined> | undefined;
      if (!list) {
        list = [];
        record[column.key] = list;
      }
      let item = list[column.index];
      if (!item) {
        item = {};
        list[column.index] = item;
      }
      item[column.member] = convert(value, column.fieldKind);
    }
  }
  // Numbered columns may leave gaps (strany.1 empty, strany.2 filled): keep the order, drop the holes.
  for (const key of ['strany', 'prilohy']) {
    const list = record[key];
    if (Array.isArray(list)) record[key] = list.filter((item) => item !== undefined);
  }
  return record;
}

/** The field keys of a type in catalogue order (`strany.*.ico` for list members): what CSV columns are made from. */
export function fieldKeysOf(type: RecordType): string[] {
  return fieldsOf(type).map((field) => field.key);
}

/** The CSV columns of a type, with as many numbered slots as asked for. */
export function csvColumns(type: RecordType, slots: { strany?: number; prilohy?: number } = {}): string[] {
  return columnsOf(fieldKeysOf(type), slots);
}

/** One record as CSV values in the order of `columns`. */
export function flattenRecord(record: StandardRecord, columns: readonly string[]): string[] {
  const source = record as unknown as Record<string, unknown>;
  return columns.map((column) => {
    const match = /^(\w+)\.(\d+)\.(\w+)$/.exec(column);
    let value: unknown;
    if (match) {
      const list = source[match[1]!] as Array<Record<string, unknown>> | undefined;
      value = list?.[Number(match[2]) - 1]?.[match[3]!];
    } else {
      value = source[column];
    }
    if (value === undefined || value === null) return '';
    return String(value);
  });
}
