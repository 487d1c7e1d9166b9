/** JSON Schemas of the standard, generated from the zod schemas (never written by hand). */
import { z } from 'zod';
import { contractSchema, invoiceSchema, orderSchema, recordSchema, RECORD_TYPES, STANDARD_VERSION, type RecordType } from './schema.ts';

export type JsonSchema = Record<string, unknown> & {
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  type?: string | string[];
};

export const SCHEMA_FILES = ['smlouva', 'objednavka', 'faktura', 'zaznam', 'soubor'] as const;
export type SchemaFile = (typeof SCHEMA_FILES)[number];

export function schemaUrl(baseUrl: string, file: SchemaFile): string {
  return `${baseUrl}/standard/${STANDARD_VERSION}/${file}.schema.json`;
}

const cache = new Map<string, JsonSchema>();

function generate(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' }) as JsonSchema;
}

/** The schema of one record type. */
export function recordTypeJsonSchema(type: RecordType): JsonSchema {
  const key = `type:${type}`;
  let schema = cache.get(key);
  if (!schema) {
    schema = generate({ smlouva: contractSchema, objednavka: orderSchema, faktura: invoiceSchema }[type]);
    cache.set(key, schema);
  }
  return schema;
}

function withoutRequiredType(schema: JsonSchema): JsonSchema {
  const { $schema: _ignored, ...rest } = schema;
  return { ...rest, required: (schema.required ?? []).filter((key) => key !== 'typ') };
}

export function jsonSchemaFile(baseUrl: string, file: SchemaFile): JsonSchema {
  const $id = schemaUrl(baseUrl, file);
  if (file === 'zaznam') return { ...generate(recordSchema), $id };
  if (file !== 'soubor') return { ...recordTypeJsonSchema(file), $id };
  // A file of records: either a bare array, or an envelope that may give one type for all its records.
  const anyRecord = generate(recordSchema);
  const { $schema: _s, ...anyRecordBody } = anyRecord;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id,
    title: 'Soubor záznamů',
    description: `Soubor podle standardu Otevřená města ${STANDARD_VERSION}: pole záznamů, nebo objekt se seznamem zaznamy a volitelně společným typem.`,
    $defs: { zaznam: anyRecordBody },
    anyOf: [
      { type: 'array', items: { $ref: '#/$defs/zaznam' } },
      {
        type: 'object',
        properties: {
          standard: { type: 'string', const: STANDARD_VERSION, description: 'Verze standardu.' },
          typ: { type: 'string', enum: [...RECORD_TYPES], description: 'Typ všech záznamů souboru; záznamy pak pole typ uvádět nemusí.' },
          zaznamy: { type: 'array' },
        },
        required: ['zaznamy'],
        additionalProperties: false,
        allOf: [
          ...RECORD_TYPES.map((type) => ({
            if: { properties: { typ: { const: type } }, required: ['typ'] },
            then: { properties: { zaznamy: { items: withoutRequiredType(recordTypeJsonSchema(type)) } } },
          })),
          { if: { not: { required: ['typ'] } }, then: { properties: { zaznamy: { items: { $ref: '#/$defs/zaznam' } } } } },
        ],
      },
    ],
  };
}
