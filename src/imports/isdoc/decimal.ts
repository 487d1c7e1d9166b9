/**
 * Exact arithmetic on ISDOC amounts (xs:decimal). Binary floats would turn 0.1 + 0.2 into a false sum
 * mismatch, and ISDOC lines carry more than two places ("26.355"), so values are scaled integers here.
 */

/** Places kept internally: more than any real ISDOC amount or rate uses. */
const SCALE = 8;
const XS_DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;
/** Longer numbers are not amounts; refusing them keeps BigInt work trivial. */
const MAX_DIGITS = 40;

/** One haléř (0.01) in the internal scale. */
export const ONE_CENT = 10n ** BigInt(SCALE - 2);

function divideRounded(value: bigint, divisor: bigint): bigint {
  // Half away from zero, the usual commercial rounding in Czech accounting.
  const half = divisor / 2n;
  return value >= 0n ? (value + half) / divisor : -((-value + half) / divisor);
}

/** The xs:decimal lexical form: "25.1", ".21837", "+5", "-0.10". No exponent, no grouping. */
export function isXsDecimal(value: string): boolean {
  return parseDecimal(value) !== null;
}

/** Parses an xs:decimal into a scaled integer; null when the text is not one. */
export function parseDecimal(value: string): bigint | null {
  const match = XS_DECIMAL.exec(value.trim());
  if (!match) return null;
  const whole = match[2] ?? '';
  const fraction = match[3] ?? '';
  if (whole === '' && fraction === '') return null;
  if (whole.length + fraction.length > MAX_DIGITS) return null;
  const digits = BigInt(`${whole}${fraction}` || '0');
  const scaled = fraction.length <= SCALE ? digits * 10n ** BigInt(SCALE - fraction.length) : divideRounded(digits, 10n ** BigInt(fraction.length - SCALE));
  return match[1] === '-' ? -scaled : scaled;
}

interface Fixed {
  negative: boolean;
  whole: string;
  fraction: string;
}

function toFixed(scaled: bigint, places: number): Fixed {
  const rounded = divideRounded(scaled, 10n ** BigInt(SCALE - places));
  const negative = rounded < 0n;
  const digits = (negative ? -rounded : rounded).toString().padStart(places + 1, '0');
  return { negative, whole: digits.slice(0, digits.length - places), fraction: digits.slice(digits.length - places) };
}

/** The standard's amount form: "-1234.50", rounded to two places. */
export function toAmount(scaled: bigint): string {
  const fixed = toFixed(scaled, 2);
  return `${fixed.negative ? '-' : ''}${fixed.whole}.${fixed.fraction}`;
}

/** Whether rounding to two places changes the value (the source had significant third decimals). */
export function losesPrecision(scaled: bigint): boolean {
  return scaled % ONE_CENT !== 0n;
}

export function absolute(scaled: bigint): bigint {
  return scaled < 0n ? -scaled : scaled;
}

/**
 * Czech presentation for text meant for people: "1 000,00", "25,10", "25,125". A plain space groups thousands,
 * because the text ends up in stored fields and CSV exports where a no-break space surprises readers and search.
 */
export function formatCzechDecimal(scaled: bigint, options: { minFraction?: number; maxFraction?: number } = {}): string {
  const minFraction = options.minFraction ?? 2;
  const maxFraction = options.maxFraction ?? 2;
  const fixed = toFixed(scaled, maxFraction);
  let fraction = fixed.fraction;
  while (fraction.length > minFraction && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  const whole = fixed.whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${fixed.negative ? '-' : ''}${whole}${fraction ? `,${fraction}` : ''}`;
}
