import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateRecord } from '../../standard/validate.ts';
import { readIsdocInvoice } from './isdoc.ts';
import { buildIsdoc, OTHER_COMPANY_ICO, SUPPLIER, TOWN } from './testdata/invoice.ts';

const FIXTURES = new URL('../../../../shared/fixtures/isdoc/', import.meta.url);
const OFFICIAL = new URL('isdoc-6.0.1__official-sample-invoice__ABRA-to-MFCR.isdoc', FIXTURES);
const INVALID = new URL('INVALID__isdoc-6.0.1__missing-VATApplicable.isdoc', FIXTURES);
const hasFixtures = existsSync(fileURLToPath(OFFICIAL)) && existsSync(fileURLToPath(INVALID));
if (!hasFixtures) console.warn(`ISDOC samples not found in ${fileURLToPath(FIXTURES)}: the tests on real files are skipped.`);

/** The customer in the official sample: Ministerstvo financí. */
const MFCR = { ico: '00006947' };

describe('readIsdocInvoice on the real samples', () => {
  it.skipIf(!hasFixtures)('reads and maps the official sample, and the record passes the standard', () => {
    const result = readIsdocInvoice(readFileSync(OFFICIAL), MFCR);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.direction).toBe('received');
    // Its totals are not a naive sum of lines, yet consistent: tax is net of deposits in TaxTotal/TaxAmount only.
    expect(result.warnings).toEqual([]);
    expect(result.record).toEqual({
      typ: 'faktura',
      id: 'isdoc:7b4c5be0-288c-11d2-8e62-004095452b84',
      predmet: 'Nepovinná poznámka k dokladu',
      cisloFaktury: 'FV-111999/2011',
      variabilniSymbol: '111999',
      uuid: '7b4c5be0-288c-11d2-8e62-004095452b84',
      datumVystaveni: '2013-02-28',
      datumUzp: '2013-02-28',
      datumSplatnosti: '2013-03-13',
      hodnotaBezDph: '351.40',
      hodnotaVcetneDph: '396.58',
      mena: 'CZK',
      poznamka: 'Vystaveno v EUR: 14,00 EUR bez DPH, 15,80 EUR včetně DPH, kurz 25,10 CZK za 1 EUR.',
      strany: [{ nazev: 'ABRA Software a.s.', ico: '25097563', dic: 'CZ25097563', adresa: 'Jeremiášova 1422, 153 00 Praha 13', role: 'prijemce' }],
    });
    expect(result.orderNumber).toBe('OV-123111/2011');
    expect(result.contractNumber).toBeUndefined();
    const validated = validateRecord(result.record);
    if (!validated.ok) throw new Error(JSON.stringify(validated.errors));
    expect(validated.value.record.typ).toBe('faktura');
  });

  it.skipIf(!hasFixtures)('maps the official sample as issued for its supplier', () => {
    const result = readIsdocInvoice(readFileSync(OFFICIAL), { ico: '25097563' });
    expect(result.ok && result.direction).toBe('issued');
    expect(result.ok && result.record.strany[0]).toMatchObject({ nazev: 'Ministerstvo financí ČR', ico: '00006947', role: 'platce' });
    expect(result.ok && result.orderNumber).toBe('OP-111222/2011');
  });

  it.skipIf(!hasFixtures)('rejects the sample without VATApplicable, naming the element', () => {
    const result = readIsdocInvoice(readFileSync(INVALID), MFCR);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([expect.objectContaining({ element: 'Invoice/VATApplicable', code: 'missing_element' })]);
    expect(result.issues[0]!.message).toContain('VATApplicable');
    expect(result.issues[0]!.logMessage).toContain('VATApplicable');
  });
});

describe('readIsdocInvoice', () => {
  it('returns a record that validateRecord accepts', () => {
    const result = readIsdocInvoice(new TextEncoder().encode(buildIsdoc({ payment: { dueDate: '2024-06-24' } })), { ico: TOWN.ico });
    expect(result.ok).toBe(true);
    if (result.ok) expect(validateRecord(result.record).ok).toBe(true);
  });

  it('rejects an invoice with structure errors, listing all of them', () => {
    const xml = buildIsdoc()
      .replace('<VATApplicable>true</VATApplicable>', '')
      .replace('<LineExtensionAmount>2500.00</LineExtensionAmount>', '');
    const result = readIsdocInvoice(xml, { ico: TOWN.ico });
    expect(result).toEqual({
      ok: false,
      issues: [
        expect.objectContaining({ element: 'Invoice/VATApplicable' }),
        expect.objectContaining({ element: 'Invoice/InvoiceLines/InvoiceLine[2]/LineExtensionAmount' }),
      ],
    });
  });

  it('lets a sum mismatch through as a warning', () => {
    const result = readIsdocInvoice(buildIsdoc({ taxExclusive: '13000.00', taxInclusive: '15625.00' }), { ico: SUPPLIER.ico });
    expect(result.ok && result.warnings.map((w) => w.code)).toEqual(['sum_mismatch']);
  });

  it('propagates parse and ownership errors as AppError', () => {
    expect(() => readIsdocInvoice('<!DOCTYPE x><Invoice/>', { ico: TOWN.ico })).toThrow(expect.objectContaining({ code: 'unreadable_input' }));
    expect(() => readIsdocInvoice(buildIsdoc(), { ico: OTHER_COMPANY_ICO })).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });
});
