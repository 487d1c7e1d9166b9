import { describe, expect, it } from 'vitest';
import { daysBetween, normalizeCzechDate, todayUtc } from './dates.ts';

describe('todayUtc', () => {
  it('gives the UTC date, and a new one after midnight UTC', () => {
    const evening = Date.UTC(2026, 10, 28, 23, 59, 59, 999);
    expect(todayUtc(evening)).toBe('2026-11-28');
    expect(todayUtc(evening + 1)).toBe('2026-11-29');
  });

  it('follows a clock set back by days', () => {
    expect(todayUtc(Date.UTC(2030, 0, 1, 12))).toBe('2030-01-01');
    expect(todayUtc(Date.UTC(2024, 1, 29, 0))).toBe('2024-02-29');
  });
});

describe('normalizeCzechDate', () => {
  it('reads Czech and ISO dates and refuses impossible ones', () => {
    expect(normalizeCzechDate('5. 3. 2024')).toBe('2024-03-05');
    expect(normalizeCzechDate('2024-03-05T10:00:00')).toBe('2024-03-05');
    expect(normalizeCzechDate('31. 2. 2024')).toBeNull();
  });
});

describe('daysBetween', () => {
  it('counts whole days', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
  });
});
