/** Czech presentation of numbers, money and dates for pages. */

const numberFormat = new Intl.NumberFormat('cs-CZ');
const moneyFormat = new Intl.NumberFormat('cs-CZ', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function formatNumber(value: number): string {
  return numberFormat.format(value);
}

export function formatMoney(halere: number | null | undefined, currency = 'CZK'): string {
  if (halere === null || halere === undefined) return '—';
  const text = moneyFormat.format(halere / 100);
  return currency === 'CZK' ? `${text} Kč` : `${text} ${currency}`;
}

/** "2024-03-05" → "5. 3. 2024" */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!match) return iso;
  return `${Number(match[3])}. ${Number(match[2])}. ${match[1]}`;
}

// toLocaleString builds a formatter on every call, which showed in the profile of busy pages.
const timestampFormat = new Intl.DateTimeFormat('cs-CZ', { timeZone: 'Europe/Prague', dateStyle: 'medium', timeStyle: 'short' });

/** UTC timestamp → Czech local date and time. */
export function formatTimestamp(iso: string | null | undefined): string {
  if (!iso) return '—';
  return timestampFormat.format(new Date(iso));
}

export function pluralCs(count: number, one: string, few: string, many: string): string {
  if (count === 1) return one;
  if (count >= 2 && count <= 4) return few;
  return many;
}

/** „Odmítnut 1 záznam“, „Odmítnuty 3 záznamy“, „Odmítnuto 5 záznamů“. */
export function rejectedRecordsCs(count: number): string {
  const n = formatNumber(count);
  return pluralCs(count, `Odmítnut ${n} záznam`, `Odmítnuty ${n} záznamy`, `Odmítnuto ${n} záznamů`);
}
