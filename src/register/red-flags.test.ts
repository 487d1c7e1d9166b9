import { describe, expect, it } from 'vitest';
import type { StandardRecord } from '../standard/schema.ts';
import { concentration, flagColumn, parseFlagColumn, redFlagsOf } from './red-flags.ts';

function contract(overrides: Partial<Extract<StandardRecord, { typ: 'smlouva' }>> = {}): StandardRecord {
  return {
    typ: 'smlouva',
    id: 'S-1',
    predmet: 'Oprava chodníku',
    datumUzavreni: '2024-03-01',
    datumZverejneni: '2024-03-10',
    hodnotaBezDph: '100000.00',
    hodnotaVcetneDph: '121000.00',
    strany: [{ nazev: 'Stavby Novák s.r.o.', ico: '25596641' }],
    ...overrides,
  } as StandardRecord;
}

const codes = (record: StandardRecord, firstPublishedOn = '2024-03-10') => redFlagsOf(record, firstPublishedOn).map((f) => f.code);

describe('red flags', () => {
  it('leaves a clean contract unflagged', () => {
    expect(codes(contract())).toEqual([]);
  });

  it('flags a missing price and quotes the stated reason', () => {
    const flags = redFlagsOf(contract({ hodnotaBezDph: undefined, hodnotaVcetneDph: undefined, cenaNeuvedena: true, duvodNeuvedeniCeny: 'obchodní tajemství' }), '2024-03-10');
    expect(flags.map((f) => f.code)).toEqual(['price_missing']);
    expect(flags[0]!.sentence).toContain('obchodní tajemství');
  });

  it('flags publication after 30 days, and after three months as the severe flag', () => {
    expect(codes(contract({ datumZverejneni: '2024-03-31' }))).toEqual([]);
    expect(codes(contract({ datumZverejneni: '2024-04-01' }))).toEqual(['published_late']);
    expect(codes(contract({ datumZverejneni: '2024-06-01' }))).toEqual(['published_late']);
    expect(codes(contract({ datumZverejneni: '2024-06-02' }))).toEqual(['published_too_late']);
    expect(redFlagsOf(contract({ datumZverejneni: '2024-06-02' }), '2024-06-02')[0]!.severity).toBe('high');
  });

  it('does not call a contract under 50,000 CZK void when published after three months', () => {
    expect(codes(contract({ hodnotaBezDph: '20000.00', hodnotaVcetneDph: '24200.00', datumZverejneni: '2024-07-01' }))).toEqual(['published_late']);
  });

  it('uses the first publication here when the record states no publication date', () => {
    expect(codes(contract({ datumZverejneni: undefined }), '2024-05-15')).toEqual(['published_late']);
  });

  it('flags values just under a threshold in force on the record date', () => {
    expect(codes(contract({ hodnotaBezDph: '1950000.00', hodnotaVcetneDph: '2359500.00' }))).toEqual(['just_under_threshold']);
    expect(codes(contract({ hodnotaBezDph: '49000.00', hodnotaVcetneDph: '59290.00' }))).toEqual(['just_under_threshold']);
    expect(codes(contract({ hodnotaBezDph: '2000000.00', hodnotaVcetneDph: '2420000.00' }))).toEqual([]);
    // Before 2016-10-01 the small-scale limit for supplies was 1,000,000 CZK, not 2,000,000.
    expect(codes(contract({ datumUzavreni: '2015-03-01', datumZverejneni: '2015-03-02', hodnotaBezDph: '1950000.00', hodnotaVcetneDph: '2359500.00' }))).toEqual([]);
    expect(codes(contract({ datumUzavreni: '2015-03-01', datumZverejneni: '2015-03-02', hodnotaBezDph: '950000.00', hodnotaVcetneDph: '1149500.00' }))).toEqual(['just_under_threshold']);
  });

  it('flags VAT arithmetic that matches no Czech rate, within a crown of rounding', () => {
    expect(codes(contract({ hodnotaBezDph: '100000.00', hodnotaVcetneDph: '112000.00' }))).toEqual([]);
    expect(codes(contract({ hodnotaBezDph: '100000.00', hodnotaVcetneDph: '121000.90' }))).toEqual([]);
    expect(codes(contract({ hodnotaBezDph: '100000.00', hodnotaVcetneDph: '125000.00' }))).toEqual(['vat_mismatch']);
    expect(codes(contract({ hodnotaBezDph: '100000.00', hodnotaVcetneDph: '100000.00' }))).toEqual([]);
  });

  it('flags a party IČO that fails the checksum', () => {
    const flags = redFlagsOf(contract({ strany: [{ nazev: 'X', ico: '12345678' }] }), '2024-03-10');
    expect(flags.map((f) => f.code)).toEqual(['invalid_supplier_ico']);
    expect(flags[0]!.sentence).toContain('12345678');
  });

  it('stores codes so that one code is a LIKE pattern, and reads them back', () => {
    const column = flagColumn([{ code: 'price_missing' }, { code: 'vat_mismatch' }]);
    expect(column).toBe(' price_missing vat_mismatch ');
    expect(parseFlagColumn(column)).toEqual(['price_missing', 'vat_mismatch']);
    expect(flagColumn([])).toBe('');
  });

  it('measures concentration with the Herfindahl–Hirschman index', () => {
    const dominated = concentration([
      { key: 'a', name: 'A', ico: null, amount: 800, records: 4 },
      { key: 'b', name: 'B', ico: null, amount: 200, records: 1 },
    ]);
    expect(dominated.hhi).toBe(6800);
    expect(dominated.highlyConcentrated).toBe(true);
    expect(dominated.largest?.name).toBe('A');
    const spread = concentration([1, 2, 3, 4, 5].map((i) => ({ key: String(i), name: String(i), ico: null, amount: 100, records: 2 })));
    expect(spread.hhi).toBe(2000);
    expect(spread.highlyConcentrated).toBe(false);
    expect(concentration([{ key: 'a', name: 'A', ico: null, amount: 500, records: 1 }]).highlyConcentrated).toBe(false);
  });
});

describe('three months after conclusion', () => {
  it('ends on the same day, or on the last day of a shorter month, across years', () => {
    const tooLate = (concluded: string, published: string) => redFlagsOf(contract({ datumUzavreni: concluded, datumZverejneni: published }), published).map((f) => f.code);
    expect(tooLate('2024-11-30', '2025-02-28')).toEqual(['published_late']);
    expect(tooLate('2024-11-30', '2025-03-01')).toEqual(['published_too_late']);
    expect(tooLate('2023-11-30', '2024-02-29')).toEqual(['published_late']);
    expect(tooLate('2024-10-15', '2025-01-16')).toEqual(['published_too_late']);
  });
});
