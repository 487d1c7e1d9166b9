/** Money is carried as integer haléře (1/100 of the currency unit) everywhere below the edges. */

const DECIMAL = /^(-)?(\d{1,15})(?:\.(\d{1,2}))?$/;

/** "1234.5" → 123450. Returns null for anything that is not a plain decimal with at most two places. */
export function decimalToHalere(value: string): number | null {
  const match = DECIMAL.exec(value);
  if (!match) return null;
  const whole = Number(match[2]);
  const fraction = Number((match[3] ?? '').padEnd(2, '0'));
  const halere = whole * 100 + fraction;
  if (!Number.isSafeInteger(halere)) return null;
  return match[1] ? -halere : halere;
}

/** 123450 → "1234.50": the canonical decimal form of the standard. */
export function halereToDecimal(halere: number): string {
  const sign = halere < 0 ? '-' : '';
  const abs = Math.abs(halere);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * Accepts what people type in Czech spreadsheets: "1 234,50", "1234,5", "1.234,50 Kč", "-12,00".
 * Returns the canonical decimal string or null.
 */
export function normalizeCzechDecimal(raw: string): string | null {
  let value = raw.replace(/[\s\u00a0\u202f]/g, '').replace(/(Kč|CZK|,-)$/i, '');
  if (value === '') return null;
  if (value.includes(',')) {
    // A comma is the decimal separator; dots before it are thousands separators.
    value = value.replace(/\./g, '').replace(',', '.');
  }
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (!match) return null;
  const whole = match[2]!.replace(/^0+(?=\d)/, '');
  const fraction = match[3];
  if (fraction === undefined) return `${match[1]}${whole}`;
  if (fraction.length > 2 && /[1-9]/.test(fraction.slice(2)) === false) return `${match[1]}${whole}.${fraction.slice(0, 2)}`;
  return `${match[1]}${whole}.${fraction}`;
}
