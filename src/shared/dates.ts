/** Dates are `YYYY-MM-DD` strings; timestamps are UTC ISO strings. */

export function isIsoDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** "5. 3. 2024", "05.03.2024" → "2024-03-05"; an ISO date passes through. Null when it is neither. */
export function normalizeCzechDate(raw: string): string | null {
  const value = raw.trim();
  if (isIsoDate(value)) return value;
  const iso = /^(\d{4})-(\d{2})-(\d{2})[T ]/.exec(value);
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}`;
  const czech = /^(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})$/.exec(value);
  if (!czech) return null;
  const candidate = `${czech[3]}-${czech[2]!.padStart(2, '0')}-${czech[1]!.padStart(2, '0')}`;
  return isIsoDate(candidate) ? candidate : null;
}

export function nowUtc(): string {
  return new Date().toISOString();
}

let todayValue = '';
let todayEndsAt = 0;

/** Today's date in UTC. Built once a day: `new Date().toISOString()` per record cost ~3 % of preparing one. */
export function todayUtc(now = Date.now()): string {
  if (now >= todayEndsAt || now < todayEndsAt - 86_400_000) {
    todayValue = new Date(now).toISOString().slice(0, 10);
    todayEndsAt = (Math.floor(now / 86_400_000) + 1) * 86_400_000;
  }
  return todayValue;
}

export function daysBetween(fromIso: string, toIso: string): number {
  return Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 86_400_000);
}
