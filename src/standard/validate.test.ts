import { describe, expect, it } from 'vitest';
import { validateRecord } from './validate.ts';
import { EXAMPLES } from './examples.ts';

const contract = EXAMPLES.smlouva;

function codes(result: ReturnType<typeof validateRecord>) {
  return result.ok ? result.value.warnings.map((w) => `${w.path}:${w.code}`) : result.errors.map((e) => `${e.path}:${e.code}`);
}

describe('validateRecord', () => {
  it('gives field-level Czech errors with stable codes', () => {
    const result = validateRecord({ ...contract, datumUzavreni: '2024-13-01', mena: 'KCS', hodnotaBezDph: '-5', strany: [{ nazev: 'A', x: 1 }] });
    expect(result.ok).toBe(false);
    expect(codes(result)).toEqual(expect.arrayContaining(['datumUzavreni:invalid_date', 'mena:invalid_currency', 'hodnotaBezDph:negative_amount', 'strany.1.x:unknown_field']));
    if (!result.ok) expect(result.errors.find((e) => e.path === 'datumUzavreni')!.message).toMatch(/RRRR-MM-DD/);
  });

  it('reports a missing required field', () => {
    const { predmet: _p, ...rest } = contract;
    expect(codes(validateRecord(rest))).toContain('predmet:missing_field');
  });

  it('takes the type from the file when the record has none', () => {
    const { typ: _t, ...rest } = contract;
    expect(validateRecord(rest).ok).toBe(false);
    expect(validateRecord(rest, { defaultType: 'smlouva' }).ok).toBe(true);
  });

  it('keeps a record with a bad IČO checksum as a warning and lowers its quality to C', () => {
    const result = validateRecord({ ...contract, strany: [{ nazev: 'X', ico: '25596642' }] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(codes(result)).toContain('strany.1.ico:ico_checksum');
    expect(result.value.quality.level).toBe('C');
  });

  it('flags VAT that matches no Czech rate and dates out of order, capping quality at B', () => {
    const result = validateRecord({ ...contract, hodnotaBezDph: '100.00', hodnotaVcetneDph: '150.00', platnostOd: '2024-05-01', platnostDo: '2024-04-01' });
    expect(result.ok && result.value.quality.level).toBe('B');
    expect(codes(result)).toEqual(expect.arrayContaining(['hodnotaVcetneDph:vat_inconsistent', 'platnostDo:dates_out_of_order']));
  });

  it('separates a birth number from the public record', () => {
    const result = validateRecord({ ...contract, strany: [{ nazev: 'Jan Novák', ico: '736028/5163', typOsoby: 'fyzicka' }] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.redactions).toEqual([{ path: 'strany.1.ico', reason: 'birth_number', value: '736028/5163' }]);
    expect(JSON.stringify(result.value.publicRecord)).not.toContain('736028');
    expect(codes(result)).toContain('strany.1.ico:birth_number');
  });

  it('hides the birth number inside a natural person\'s DIČ, and keeps a company DIČ', () => {
    const result = validateRecord({ ...contract, strany: [{ nazev: 'Jan Novák', ico: '12345679', dic: 'CZ7801011240' }, { nazev: 'Stavby s.r.o.', ico: '25596641', dic: 'CZ25596641' }] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.redactions).toEqual([{ path: 'strany.1.dic', reason: 'birth_number', value: 'CZ7801011240' }]);
    expect(JSON.stringify(result.value.publicRecord)).not.toContain('7801011240');
    expect(JSON.stringify(result.value.publicRecord)).toContain('CZ25596641');
  });

  it('requires a reason when the price is not stated', () => {
    const { hodnotaBezDph: _a, hodnotaVcetneDph: _b, ...rest } = contract;
    expect(codes(validateRecord({ ...rest, cenaNeuvedena: true }))).toContain('duvodNeuvedeniCeny:price_reason_missing');
    const explained = validateRecord({ ...rest, cenaNeuvedena: true, duvodNeuvedeniCeny: 'obchodní tajemství' });
    expect(explained.ok && explained.value.quality.level).toBe('A');
  });

  it('normalises amounts, IČO padding and currency so equal content is equal', () => {
    const a = validateRecord({ ...contract, hodnotaBezDph: '1250000', mena: undefined, strany: [{ ...contract.strany[0]!, ico: '2559 6641' }] });
    const b = validateRecord(contract);
    expect(a.ok && b.ok && JSON.stringify(a.value.record) === JSON.stringify(b.value.record)).toBe(true);
  });

  it('rates the examples A and an unlinked invoice B', () => {
    expect(validateRecord(EXAMPLES.faktura).ok && (validateRecord(EXAMPLES.faktura) as { value: { quality: { level: string } } }).value.quality.level).toBe('A');
    const { smlouva: _s, ...unlinked } = EXAMPLES.faktura;
    const result = validateRecord(unlinked);
    expect(result.ok && result.value.quality).toEqual({ level: 'B', gaps: ['invoice_unlinked'] });
  });
});
