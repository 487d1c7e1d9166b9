/**
 * The by-hand form of a record type, generated from the standard: one input per CSV column of the standard
 * (numbered slots for parties and attachments), converted to a record by the same code as a CSV row. Pure.
 */
import { fieldsOf, type FieldInfo } from '../standard/fields.ts';
import { csvColumns, flattenRecord, planHeaders, unflattenRow } from '../standard/flat.ts';
import type { RecordType, StandardRecord } from '../standard/schema.ts';
import type { Redaction, ValidationIssue } from '../standard/validate.ts';

export interface FormSlots {
  strany: number;
  prilohy: number;
}

export interface FormField extends FieldInfo {
  /** The input's name: the CSV column, e.g. `strany.2.ico`. */
  name: string;
  /** 1-based slot of a list member; null for plain fields. */
  slot: number | null;
  list: 'strany' | 'prilohy' | null;
}

const MAX_SLOTS = 20;

export function formFields(type: RecordType, slots: FormSlots): FormField[] {
  const byKey = new Map(fieldsOf(type).map((f) => [f.key, f]));
  return csvColumns(type, slots)
    .filter((column) => column !== 'typ')
    .map((column) => {
      const match = /^(strany|prilohy)\.(\d+)\.(\w+)$/.exec(column);
      const info = byKey.get(match ? `${match[1]}.*.${match[3]}` : column)!;
      return { ...info, name: column, slot: match ? Number(match[2]) : null, list: match ? (match[1] as 'strany' | 'prilohy') : null };
    });
}

/** How many party and attachment slots the values use (at least one party, one more attachment than filled). */
export function slotsFor(values: Record<string, string>, extra: Partial<FormSlots> = {}): FormSlots {
  let strany = 1;
  let prilohy = 0;
  for (const [name, value] of Object.entries(values)) {
    if (value.trim() === '') continue;
    const match = /^(strany|prilohy)\.(\d+)\./.exec(name);
    if (!match) continue;
    const n = Number(match[2]);
    if (match[1] === 'strany') strany = Math.max(strany, n);
    else prilohy = Math.max(prilohy, n);
  }
  return { strany: Math.min(MAX_SLOTS, strany + (extra.strany ?? 0)), prilohy: Math.min(MAX_SLOTS, prilohy + (extra.prilohy ?? 0)) };
}

/** The form's own values only: names of the type's columns, trimmed; everything else is dropped. */
export function formValues(type: RecordType, raw: Record<string, unknown>): Record<string, string> {
  const allowed = new Set(csvColumns(type, { strany: MAX_SLOTS, prilohy: MAX_SLOTS }));
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (name === 'typ' || !allowed.has(name) || typeof value !== 'string') continue;
    values[name] = value.trim();
  }
  return values;
}

/** The record the values describe, built exactly like a row of a CSV file under the standard. */
export function recordFromForm(type: RecordType, values: Record<string, string>): Record<string, unknown> {
  const columns = Object.keys(values);
  const record = unflattenRow(planHeaders(columns), columns.map((c) => values[c]!));
  return { typ: type, ...record };
}

export function formFromRecord(record: StandardRecord): Record<string, string> {
  const slots = { strany: Math.max(1, record.strany.length), prilohy: record.prilohy?.length ?? 0 };
  const columns = csvColumns(record.typ, slots);
  const cells = flattenRecord(record, columns);
  const values: Record<string, string> = {};
  columns.forEach((column, i) => {
    if (column !== 'typ' && cells[i] !== '') values[column] = cells[i]!;
  });
  return values;
}

/**
 * Puts back into a correction's values what the record keeps out of its public content (a party's birth number),
 * which the form never shows: where that field is left empty and the party at that position still has the same
 * name. A party that was removed, renamed or moved keeps nothing hidden; a value typed in over it wins.
 */
export function restoreHiddenValues(values: Record<string, string>, hidden: readonly Redaction[], previous: StandardRecord): Record<string, string> {
  const restored = { ...values };
  for (const { path, value } of hidden) {
    const match = /^strany\.(\d+)\.(\w+)$/.exec(path);
    if (!match) continue;
    const position = Number(match[1]);
    if ((restored[path] ?? '').trim() !== '') continue;
    const name = previous.strany[position - 1]?.nazev;
    if (name === undefined || (restored[`strany.${position}.nazev`] ?? '').trim() !== name) continue;
    restored[path] = value;
  }
  return restored;
}

/** The next free attachment slot. */
export function nextAttachmentSlot(values: Record<string, string>): number {
  return slotsFor(values).prilohy + 1;
}

/** Problems by input name; a problem of a whole list member is shown at its first input. */
export function issuesByInput(issues: readonly ValidationIssue[], fields: readonly FormField[]): Map<string, ValidationIssue[]> {
  const names = fields.map((f) => f.name);
  const out = new Map<string, ValidationIssue[]>();
  for (const problem of issues) {
    const name = names.includes(problem.path) ? problem.path : (names.find((n) => n.startsWith(`${problem.path}.`)) ?? '');
    out.set(name, [...(out.get(name) ?? []), problem]);
  }
  return out;
}
