/** Shaping list answers: the fields a client asked for, and the same page as CSV. Pure. */
import { AppError } from '../errors.ts';
import { csvLine } from '../shared/csv.ts';

export function parseFields(fields: string | undefined, allowed: readonly string[]): string[] | null {
  if (!fields) return null;
  const wanted = [...new Set(fields.split(','))];
  const unknown = wanted.filter((field) => !allowed.includes(field));
  if (unknown.length > 0) {
    throw new AppError('bad_request', `Neznámé pole ${unknown.join(', ')}. Možná pole: ${allowed.join(', ')}.`, `unknown fields ${unknown.join(', ')}`);
  }
  return wanted;
}

export function pickFields<T extends Record<string, unknown>>(items: T[], fields: string[] | null): Array<Partial<T>> {
  if (!fields) return items;
  return items.map((item) => Object.fromEntries(fields.map((field) => [field, item[field]])) as Partial<T>);
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** One page as CSV with a header of the given columns (objects as JSON text). */
export function csvPage(items: Array<Record<string, unknown>>, columns: readonly string[]): string {
  let text = csvLine(columns);
  for (const item of items) text += csvLine(columns.map((column) => cell(item[column])));
  return text;
}

/** Whether the client wants CSV: `format=csv`, or an Accept header that prefers text/csv over JSON. */
export function wantsCsv(format: string | undefined, accept: string | undefined): boolean {
  if (format) return format === 'csv';
  if (!accept) return false;
  const csv = accept.indexOf('text/csv');
  const json = accept.indexOf('application/json');
  return csv >= 0 && (json < 0 || csv < json);
}
