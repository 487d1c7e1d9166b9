import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { jsonSchemaFile, recordTypeJsonSchema } from './json-schema.ts';
import { EXAMPLES } from './examples.ts';
import { recordSchema, RECORD_TYPES } from './schema.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

function ajvFor(type: (typeof RECORD_TYPES)[number]) {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(recordTypeJsonSchema(type));
}

const base = EXAMPLES.smlouva;

// Each case is invalid for zod; the published JSON Schema must reject it too.
const invalidCases: Array<[string, Record<string, unknown>]> = [
  ['bad date', { ...base, datumUzavreni: '2024-02-30' }],
  ['date in Czech format', { ...base, datumUzavreni: '15. 3. 2024' }],
  ['unknown currency', { ...base, mena: 'XYZ' }],
  ['negative amount', { ...base, hodnotaBezDph: '-100.00' }],
  ['three decimals', { ...base, hodnotaBezDph: '100.001' }],
  ['amount as number', { ...base, hodnotaBezDph: 100 }],
  ['missing subject', (({ predmet: _p, ...rest }) => rest)(base)],
  ['missing parties', (({ strany: _s, ...rest }) => rest)(base)],
  ['empty parties', { ...base, strany: [] }],
  ['unknown field', { ...base, hodnotaSDph: '1.00' }],
  ['unknown party field', { ...base, strany: [{ nazev: 'X', icoo: '1' }] }],
  ['bad sha256', { ...base, prilohy: [{ nazev: 'a.pdf', sha256: 'abc' }] }],
  ['bad url', { ...base, odkaz: 'ftp://example.cz/x' }],
  ['bad budget code', { ...base, paragraf: '22' }],
  ['bad role', { ...base, strany: [{ nazev: 'X', role: 'dodavatel' }] }],
];

describe('JSON Schema generated from zod', () => {
  it('validates the example of every type', () => {
    for (const type of RECORD_TYPES) {
      const validate = ajvFor(type);
      expect(validate(EXAMPLES[type]), JSON.stringify(validate.errors)).toBe(true);
      expect(recordSchema.safeParse(EXAMPLES[type]).success).toBe(true);
    }
  });

  it.each(invalidCases)('rejects what zod rejects: %s', (_name, record) => {
    expect(recordSchema.safeParse(record).success).toBe(false);
    expect(ajvFor('smlouva')(record)).toBe(false);
  });

  it('allows negative amounts on invoices (credit notes) in both', () => {
    const creditNote = { ...EXAMPLES.faktura, hodnotaBezDph: '-100.00', hodnotaVcetneDph: '-121.00' };
    expect(recordSchema.safeParse(creditNote).success).toBe(true);
    expect(ajvFor('faktura')(creditNote)).toBe(true);
  });

  it('accepts a file envelope whose records take their type from the file', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(jsonSchemaFile('http://portal.test', 'soubor'));
    const { typ: _t, ...untyped } = EXAMPLES.smlouva;
    expect(validate({ typ: 'smlouva', zaznamy: [untyped] }), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ zaznamy: [untyped] })).toBe(false);
    expect(validate([EXAMPLES.faktura, EXAMPLES.objednavka])).toBe(true);
  });
});
