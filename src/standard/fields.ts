/**
 * The field catalogue: every field of every record type with its Czech title, description, type, rule and example,
 * derived from the generated JSON Schema. It drives the CSV columns, the field reference in docs/standard,
 * the /standard page and the help on record pages.
 */
import { recordTypeJsonSchema, type JsonSchema } from './json-schema.ts';
import { RECORD_TYPES, type RecordType } from './schema.ts';

export type FieldKind = 'text' | 'date' | 'amount' | 'boolean' | 'enum' | 'url' | 'code';

export interface FieldInfo {
  /** Key in JSON; for members of a list, `strany.*.ico`. */
  key: string;
  /** CSV column of the first item; equals key for plain fields. */
  csvColumn: string;
  title: string;
  description: string;
  kind: FieldKind;
  required: boolean;
  rule: string;
  example: string;
  values?: readonly string[];
}

function describeRule(schema: JsonSchema, kind: FieldKind): string {
  if (kind === 'date') return 'datum RRRR-MM-DD';
  if (kind === 'amount') return String(schema.pattern).startsWith('^-?') ? 'částka jako text, nejvýše 2 desetinná místa, smí být záporná' : 'nezáporná částka jako text, nejvýše 2 desetinná místa';
  if (kind === 'boolean') return 'true / false (v CSV též ano / ne)';
  if (kind === 'url') return 'adresa http(s)://';
  if (kind === 'enum') {
    const values = (schema.enum as string[] | undefined) ?? [String(schema.const)];
    return values.length > 12 ? 'kód ISO 4217' : `jedna z hodnot: ${values.join(', ')}`;
  }
  if (kind === 'code') return `vzor ${String(schema.pattern)}`;
  const parts: string[] = [];
  if (typeof schema.maxLength === 'number') parts.push(`text, nejvýše ${schema.maxLength} znaků`);
  return parts.join(', ') || 'text';
}

function kindOf(schema: JsonSchema): FieldKind {
  if (schema.type === 'boolean') return 'boolean';
  if (schema.format === 'date') return 'date';
  if (schema.format === 'uri') return 'url';
  if (schema.enum || schema.const !== undefined) return 'enum';
  if (typeof schema.pattern === 'string' && schema.pattern.includes('\\.\\d{1,2}')) return 'amount';
  if (typeof schema.pattern === 'string') return 'code';
  return 'text';
}

function fieldOf(key: string, csvColumn: string, schema: JsonSchema, required: boolean): FieldInfo {
  const kind = kindOf(schema);
  const examples = schema.examples as unknown[] | undefined;
  const info: FieldInfo = {
    key,
    csvColumn,
    title: String(schema.title ?? key),
    description: String(schema.description ?? ''),
    kind,
    required,
    rule: describeRule(schema, kind),
    example: examples && examples.length > 0 ? String(examples[0]) : schema.const !== undefined ? String(schema.const) : '',
  };
  if (kind === 'enum') info.values = (schema.enum as string[] | undefined) ?? [String(schema.const)];
  return info;
}

const catalogues = new Map<RecordType, FieldInfo[]>();

export function fieldsOf(type: RecordType): FieldInfo[] {
  const cached = catalogues.get(type);
  if (cached) return cached;
  const schema = recordTypeJsonSchema(type);
  const required = new Set(schema.required ?? []);
  const fields: FieldInfo[] = [];
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    if (property.type === 'array' && property.items?.properties) {
      const itemRequired = new Set(property.items.required ?? []);
      for (const [sub, subSchema] of Object.entries(property.items.properties)) {
        fields.push(fieldOf(`${key}.*.${sub}`, `${key}.1.${sub}`, subSchema, required.has(key) && itemRequired.has(sub)));
      }
    } else {
      fields.push(fieldOf(key, key, property, required.has(key)));
    }
  }
  catalogues.set(type, fields);
  return fields;
}

/** Lists (arrays of objects) in the standard and their member keys: strany, prilohy. */
export function listFieldsOf(type: RecordType): Map<string, Set<string>> {
  const lists = new Map<string, Set<string>>();
  for (const [key, property] of Object.entries(recordTypeJsonSchema(type).properties ?? {})) {
    if (property.type === 'array' && property.items?.properties) lists.set(key, new Set(Object.keys(property.items.properties)));
  }
  return lists;
}

/** Every plain and list key used by any type, for recognising CSV headers. */
export function allKnownKeys(): { plain: Map<string, FieldKind>; lists: Map<string, Map<string, FieldKind>> } {
  const plain = new Map<string, FieldKind>();
  const lists = new Map<string, Map<string, FieldKind>>();
  for (const type of RECORD_TYPES) {
    for (const [key, property] of Object.entries(recordTypeJsonSchema(type).properties ?? {})) {
      if (property.type === 'array' && property.items?.properties) {
        const members = lists.get(key) ?? new Map<string, FieldKind>();
        for (const [sub, subSchema] of Object.entries(property.items.properties)) members.set(sub, kindOf(subSchema));
        lists.set(key, members);
      } else {
        plain.set(key, kindOf(property));
      }
    }
  }
  return { plain, lists };
}

export function fieldInfo(type: RecordType, key: string): FieldInfo | undefined {
  const generic = key.replace(/\.\d+\./, '.*.');
  return fieldsOf(type).find((field) => field.key === generic);
}
