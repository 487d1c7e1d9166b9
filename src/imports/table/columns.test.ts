import { describe, expect, it } from 'vitest';
import { inferType, mapHeaders, REJECTION_COLUMN } from './columns.ts';
import { normalizeCzechDate } from '../../shared/dates.ts';
import { normalizeCzechDecimal } from '../../shared/money.ts';

describe('table columns', () => {
  it('maps the standard columns, Czech titles and common aliases regardless of case, diacritics and punctuation', () => {
    const result = mapHeaders(['id', 'Předmět smlouvy', 'IČ', 'Cena bez DPH', 'CENA S DPH (Kč)', 'Datum uzavření', 'strany.2.nazev', 'Hodnota bez DPH', 'Poznámka úředníka']);
    expect(result.mapped).toEqual(['id', 'predmet', 'strany.1.ico', 'hodnotaBezDph', 'hodnotaVcetneDph', 'datumUzavreni', 'strany.2.nazev', 'hodnotaBezDph', null]);
    expect(result.unknown).toEqual(['Poznámka úředníka']);
    expect(result.duplicates).toEqual(['hodnotaBezDph']);
  });

  it('ignores the reasons column of a rejected-rows file', () => {
    const result = mapHeaders(['id', 'predmet', REJECTION_COLUMN]);
    expect(result.mapped).toEqual(['id', 'predmet', null]);
    expect(result.unknown).toEqual([]);
  });

  it('infers the record type from columns only one type has', () => {
    expect(inferType(mapHeaders(['id', 'Datum uzavření']).mapped)).toBe('smlouva');
    expect(inferType(mapHeaders(['id', 'Číslo faktury']).mapped)).toBe('faktura');
    expect(inferType(mapHeaders(['id', 'predmet']).mapped)).toBeUndefined();
    expect(inferType(mapHeaders(['typ', 'id', 'Datum uzavření']).mapped)).toBeUndefined();
  });

  it('normalises decimal commas and Czech dates, and leaves what it cannot read for validation', () => {
    expect(normalizeCzechDecimal('1 234 567,5')).toBe('1234567.5');
    expect(normalizeCzechDecimal('12.500,00 Kč')).toBe('12500.00');
    expect(normalizeCzechDecimal('12,5,0')).toBeNull();
    expect(normalizeCzechDate('5. 3. 2024')).toBe('2024-03-05');
    expect(normalizeCzechDate('31.02.2024')).toBeNull();
  });
});
