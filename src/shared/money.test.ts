import { describe, expect, it } from 'vitest';
import { decimalToHalere, halereToDecimal, normalizeCzechDecimal } from './money.ts';

describe('money', () => {
  it('converts decimals to integer haléře and back', () => {
    expect(decimalToHalere('1234.5')).toBe(123450);
    expect(decimalToHalere('-0.01')).toBe(-1);
    expect(decimalToHalere('1.234')).toBeNull();
    expect(halereToDecimal(123450)).toBe('1234.50');
    expect(halereToDecimal(-5)).toBe('-0.05');
  });
  it('reads Czech spreadsheet numbers', () => {
    expect(normalizeCzechDecimal('1 234,50')).toBe('1234.50');
    expect(normalizeCzechDecimal('1.234,5 Kč')).toBe('1234.5');
    expect(normalizeCzechDecimal('abc')).toBeNull();
  });
});
