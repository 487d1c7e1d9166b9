import { describe, expect, it } from 'vitest';
import { icoWithCheckDigit, isValidDataBox, isValidDic, isValidIco, looksLikeBirthNumber, normalizeIco } from './identifiers.ts';

describe('IČO', () => {
  it('accepts real IČO of towns and rejects a wrong check digit', () => {
    for (const ico of ['00279978', '00241121', '00294900', '00064581']) expect(isValidIco(ico)).toBe(true);
    expect(isValidIco('00279979')).toBe(false);
    expect(isValidIco('1234567')).toBe(false);
  });
  it('pads short values and strips spaces', () => {
    expect(normalizeIco('279978')).toBe('00279978');
    expect(normalizeIco('002 79 978')).toBe('00279978');
    expect(normalizeIco('CZ00279978')).toBeNull();
  });
  it('computes the check digit with weights 8..2 and (11 - sum mod 11) mod 10', () => {
    expect(icoWithCheckDigit('0027997')).toBe('00279978');
  });
});

describe('other identifiers', () => {
  it('checks DIČ and data-box shapes', () => {
    expect(isValidDic('CZ25596641')).toBe(true);
    expect(isValidDic('CZ12')).toBe(false);
    expect(isValidDic('DE811569869')).toBe(true);
    expect(isValidDataBox('qmkbq7h')).toBe(true);
    expect(isValidDataBox('QMKBQ7H')).toBe(false);
  });
  it('recognises birth numbers, with or without slash, and not IČO', () => {
    expect(looksLikeBirthNumber('736028/5163')).toBe(true);
    expect(looksLikeBirthNumber('7360285163')).toBe(true);
    expect(looksLikeBirthNumber('7360285164')).toBe(false);
    expect(looksLikeBirthNumber('00279978')).toBe(false);
  });
});
