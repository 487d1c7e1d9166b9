/**
 * Czech identifiers: IČO (company id), DIČ (VAT id), data-box id and birth number (rodné číslo).
 * Pure functions; callers decide whether a failed check is an error or a warning.
 */

const ICO_WEIGHTS = [8, 7, 6, 5, 4, 3, 2];

/** Strips spaces and pads 1–7 digit values to 8 digits; returns null when the value is not an IČO-shaped number. */
export function normalizeIco(raw: string): string | null {
  const compact = raw.replace(/[\s\u00a0]/g, '');
  if (!/^\d{1,8}$/.test(compact)) return null;
  return compact.padStart(8, '0');
}

export function isValidIco(ico: string): boolean {
  if (!/^\d{8}$/.test(ico)) return false;
  let sum = 0;
  for (let i = 0; i < 7; i++) sum += Number(ico[i]) * ICO_WEIGHTS[i]!;
  const check = (11 - (sum % 11)) % 10;
  return check === Number(ico[7]);
}

/** Appends the check digit to a 7-digit base; used by factories and demo data. */
export function icoWithCheckDigit(base7: string): string {
  let sum = 0;
  for (let i = 0; i < 7; i++) sum += Number(base7[i]) * ICO_WEIGHTS[i]!;
  return base7 + String((11 - (sum % 11)) % 10);
}

export function isValidDic(dic: string): boolean {
  const compact = dic.replace(/\s/g, '').toUpperCase();
  if (compact.startsWith('CZ')) return /^CZ\d{8,10}$/.test(compact);
  // Other EU VAT ids: country prefix and 2–13 alphanumerics (the VIES shape).
  return /^[A-Z]{2}[0-9A-Z+*]{2,13}$/.test(compact);
}

export function normalizeDataBox(raw: string): string {
  return raw.trim().toLowerCase();
}

export function isValidDataBox(id: string): boolean {
  return /^[a-z0-9]{7}$/.test(id);
}

/**
 * Recognises a Czech/Slovak birth number (rodné číslo): YYMMDD/XXX(X), optionally without the slash.
 * Month may carry +50 (women) or +20/+70 (since 2004). A ten-digit number must be divisible by 11
 * (or have the historic remainder-10 rule). Nine-digit numbers exist for births before 1954.
 */
export function looksLikeBirthNumber(raw: string): boolean {
  const compact = raw.replace(/[\s\u00a0]/g, '');
  const match = /^(\d{2})(\d{2})(\d{2})\/?(\d{3,4})$/.exec(compact);
  if (!match) return false;
  const month = Number(match[2]);
  const day = Number(match[3]);
  const realMonth = month > 70 ? month - 70 : month > 50 ? month - 50 : month > 20 ? month - 20 : month;
  if (realMonth < 1 || realMonth > 12 || day < 1 || day > 31) return false;
  const digits = compact.replace('/', '');
  if (digits.length === 9) return Number(match[1]) < 54;
  const num = BigInt(digits);
  if (num % 11n === 0n) return true;
  const firstNine = BigInt(digits.slice(0, 9));
  return firstNine % 11n === 10n && digits.endsWith('0');
}
