import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.ts';
import { validateRecord } from '../../standard/validate.ts';
import { invoiceOfIsdoc, type Publisher } from './mapping.ts';
import { parseIsdoc } from './reader.ts';
import { validateIsdocStructure } from './structure.ts';
import { buildIsdoc, OTHER_COMPANY_ICO, SUPPLIER, TOWN, type BuildOptions } from './testdata/invoice.ts';

const town: Publisher = { ico: TOWN.ico };

function map(options: BuildOptions = {}, publisher: Publisher = town, edit: (xml: string) => string = (xml) => xml) {
  const { root } = parseIsdoc(edit(buildIsdoc(options)));
  expect(validateIsdocStructure(root)).toEqual([]);
  return invoiceOfIsdoc(root, publisher);
}

describe('invoiceOfIsdoc', () => {
  it('maps a received invoice: the supplier is the party and receives the money', () => {
    const result = map({ payment: { dueDate: '2024-06-24', variableSymbol: '2024042' } });
    expect(result.direction).toBe('received');
    expect(result.warnings).toEqual([]);
    expect(result.record).toEqual({
      typ: 'faktura',
      id: 'isdoc:0f4c2b7a-1d3e-4a5b-9c6d-7e8f90a1b2c3',
      predmet: 'Položky: Oprava chodníku v ulici Školní; Odvoz suti',
      cisloFaktury: 'FV-2024-0042',
      variabilniSymbol: '2024042',
      uuid: '0f4c2b7a-1d3e-4a5b-9c6d-7e8f90a1b2c3',
      datumVystaveni: '2024-06-10',
      datumUzp: '2024-06-09',
      datumSplatnosti: '2024-06-24',
      hodnotaBezDph: '12500.00',
      hodnotaVcetneDph: '15125.00',
      mena: 'CZK',
      strany: [{ nazev: SUPPLIER.name, ico: SUPPLIER.ico, dic: SUPPLIER.dic, adresa: 'Dlouhá 12, 602 00 Brno', role: 'prijemce' }],
    });
    const validated = validateRecord(result.record);
    expect(validated.ok && validated.value.warnings).toEqual([]);
  });

  it('maps an issued invoice: the town is the supplier and the customer pays', () => {
    const result = map({}, { ico: SUPPLIER.ico });
    expect(result.direction).toBe('issued');
    expect(result.record.strany).toEqual([{ nazev: TOWN.name, ico: TOWN.ico, dic: TOWN.dic, adresa: 'Náměstí Míru 1, 123 45 Příklad', role: 'platce' }]);
  });

  it('matches the publisher by IČO normalised to eight digits', () => {
    expect(map({}, { ico: '283924' }).direction).toBe('received');
    expect(map({}, town, (xml) => xml.replace(`<ID>${TOWN.ico}</ID>`, '<ID> 283924 </ID>')).direction).toBe('received');
  });

  it('throws when neither party is the publisher, naming both IČOs', () => {
    const { root } = parseIsdoc(buildIsdoc());
    let error: unknown;
    try {
      invoiceOfIsdoc(root, { ico: OTHER_COMPANY_ICO });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'validation_failed' });
    expect((error as AppError).userMessage).toBe(
      `Faktura se netýká publikující organizace (IČO ${OTHER_COMPANY_ICO}): dodavatel má IČO ${SUPPLIER.ico}, odběratel ${TOWN.ico}.`,
    );
  });

  it('makes a credit note stated in positive amounts negative, and names the corrected document', () => {
    const result = map({ documentType: 2, id: 'DB-2024-0003', originalDocumentId: 'FV-2024-0041' });
    expect(result.record).toMatchObject({ hodnotaBezDph: '-12500.00', hodnotaVcetneDph: '-15125.00', poznamka: 'Dobropis k dokladu FV-2024-0041.' });
    expect(result.warnings).toEqual([]);
    expect(validateRecord(result.record).ok).toBe(true);
  });

  it('keeps a credit note stated in negative amounts as it is', () => {
    const result = map({ documentType: 2, negative: true });
    expect(result.record).toMatchObject({ hodnotaBezDph: '-12500.00', hodnotaVcetneDph: '-15125.00', poznamka: 'Dobropis.' });
    expect(result.warnings).toEqual([]);
  });

  it('describes a foreign-currency invoice in Czech and keeps local amounts', () => {
    const result = map({
      lines: [{ description: 'Licence', amount: '25100.00' }],
      foreign: { currency: 'EUR', rate: '25.10', taxExclusive: '1000.00', taxInclusive: '1210.00' },
    });
    expect(result.record).toMatchObject({ mena: 'CZK', hodnotaBezDph: '25100.00', hodnotaVcetneDph: '30371.00' });
    expect(result.record.poznamka).toBe('Vystaveno v EUR: 1 000,00 EUR bez DPH, 1 210,00 EUR včetně DPH, kurz 25,10 CZK za 1 EUR.');
    const huf = map({ foreign: { currency: 'HUF', rate: '6.3125', refRate: '100', taxExclusive: '198019.80', taxInclusive: '239603.96' } });
    expect(huf.record.poznamka).toBe('Vystaveno v HUF: 198 019,80 HUF bez DPH, 239 603,96 HUF včetně DPH, kurz 6,3125 CZK za 100 HUF.');
  });

  it('warns about totals that do not add up, but maps the stated amounts', () => {
    const lines = map({ taxExclusive: '13000.00', taxInclusive: '15625.00' });
    expect(lines.record).toMatchObject({ hodnotaBezDph: '13000.00', hodnotaVcetneDph: '15625.00' });
    expect(lines.warnings).toEqual([
      {
        element: 'Invoice/LegalMonetaryTotal/TaxExclusiveAmount',
        code: 'sum_mismatch',
        message: 'Součet řádků faktury (12 500,00 CZK) se liší od celkové částky bez DPH v elementu TaxExclusiveAmount (13 000,00 CZK).',
        logMessage: 'sum of LineExtensionAmount 12500.00 differs from TaxExclusiveAmount 13000.00',
      },
    ]);
    const vat = map({ taxInclusive: '15000.00' });
    expect(vat.warnings.map((w) => [w.element, w.code])).toEqual([['Invoice/LegalMonetaryTotal/TaxInclusiveAmount', 'sum_mismatch']]);
    expect(vat.warnings[0]!.message).toContain('(15 000,00 CZK) neodpovídá součtu částky bez DPH (12 500,00 CZK) a DPH (2 625,00 CZK)');
    expect(vat.record.hodnotaVcetneDph).toBe('15000.00');
  });

  it('rounds totals with more than two places and says so', () => {
    const result = map({ taxExclusive: '12500.005', taxInclusive: '15125.004' });
    expect(result.record).toMatchObject({ hodnotaBezDph: '12500.01', hodnotaVcetneDph: '15125.00' });
    expect(result.warnings.map((w) => w.code)).toEqual(['amount_rounded', 'amount_rounded']);
  });

  it('summarises the subject from a short note or the line descriptions', () => {
    expect(map({ note: 'Oprava chodníku' }).record.predmet).toBe('Oprava chodníku');
    const lines = ['A', 'B', 'C', 'D', 'E', 'F', 'G'].map((description) => ({ description, amount: '100.00' }));
    expect(map({ lines }).record.predmet).toBe('Položky: A; B; C; D; E a další 2');
    const longNote = `Fakturujeme vám ${'práce '.repeat(80)}`.trim();
    const result = map({ note: longNote });
    expect(result.record.predmet).toBe('Položky: Oprava chodníku v ulici Školní; Odvoz suti');
    expect(result.record.poznamka).toBe(longNote);
    expect(map({ lines: [{ amount: '100.00' }] }).record.predmet).toBe('Faktura FV-2024-0042');
    const huge = map({ lines: [{ description: 'x'.repeat(1500), amount: '1.00' }, { description: 'y'.repeat(1500), amount: '1.00' }] });
    expect(huge.record.predmet.length).toBeLessThanOrEqual(2000);
  });

  it('returns the contract and order numbers for the caller to link', () => {
    const received = map({ contractId: 'SML-2024-015', order: { salesOrderId: 'OP-77', externalOrderId: 'OBJ-2024-0042' } });
    expect([received.contractNumber, received.orderNumber]).toEqual(['SML-2024-015', 'OBJ-2024-0042']);
    const issued = map({ order: { salesOrderId: 'OP-77', externalOrderId: 'OBJ-2024-0042' } }, { ico: SUPPLIER.ico });
    expect([issued.contractNumber, issued.orderNumber]).toEqual([undefined, 'OP-77']);
  });

  it('keeps only a variable symbol of 1–10 digits', () => {
    expect(map({ payment: { dueDate: '2024-06-24', variableSymbol: 'FV2024/42' } }).record.variabilniSymbol).toBeUndefined();
  });

  it('gives a foreign supplier without IČO its registration number as a foreign identifier', () => {
    const supplier = { ...SUPPLIER, name: 'Beispiel GmbH', ico: 'HRB 12345', dic: 'DE811569869', zone: '10115', city: 'Berlin', country: { code: 'DE', name: 'Německo' } };
    const party = map({ supplier }).record.strany[0];
    expect(party).toEqual({ nazev: 'Beispiel GmbH', zahranicniId: 'HRB 12345', dic: 'DE811569869', adresa: 'Dlouhá 12, 10115 Berlin, Německo', role: 'prijemce' });
    const slovak = { ...SUPPLIER, ico: '35757442', dic: 'SK2020261353', country: { code: 'SK', name: 'Slovensko' } };
    expect(map({ supplier: slovak }).record.strany[0]).toMatchObject({ zahranicniId: '35757442', dic: 'SK2020261353' });
  });

  it('maps an issued invoice to an anonymous customer', () => {
    const anonymous = '<AnonymousCustomerParty><ID>123</ID><IDScheme>urn:example</IDScheme></AnonymousCustomerParty>';
    const result = map({}, { ico: SUPPLIER.ico }, (xml) => xml.replace(/<AccountingCustomerParty>[\s\S]*<\/AccountingCustomerParty>/, anonymous));
    expect(result.record.strany).toEqual([{ nazev: 'Anonymní odběratel', role: 'platce' }]);
  });
});
