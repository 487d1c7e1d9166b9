/** Records of the standard with awkward text in random fields: for tests of the formats written from them. */
import { randomInt } from 'node:crypto';
import { EXAMPLES } from '../standard/examples.ts';
import type { RecordType } from '../standard/schema.ts';

/** Text that quoting, escaping, formula defusing or decimal commas must get right. */
export const AWKWARD_TEXT = [
  '', 'a', 'Školní "jídelna"', 'back\\slash', 'řádek\nnový', 'tab\there', 'a,b;c', 'a;b', 'x,y', '\u2028', 'emoji 🚲', '=SUM(A1)',
  '+1', '@x', '-x', '-5', '-', '-č', '"', '\\"', 'č\\\\', '1.5', '.', 'a.b.c', 'cr\rlf', '\u0001', 'dlouhý text '.repeat(8),
];

export const pick = <T,>(list: readonly T[]) => list[randomInt(0, list.length)]!;

/** A record of the type with some fields, parties and attachments replaced by awkward text. */
export function awkwardRecord(type: RecordType): Record<string, unknown> {
  const record: Record<string, unknown> = { ...EXAMPLES[type] };
  for (const key of Object.keys(record)) if (typeof record[key] === 'string' && key !== 'typ' && randomInt(0, 3) === 0) record[key] = pick(AWKWARD_TEXT) || 'x';
  if (randomInt(0, 4) === 0) delete record.poznamka;
  record.cenaNeuvedena = randomInt(0, 2) === 0;
  record.strany = Array.from({ length: randomInt(1, 4) }, () => ({ nazev: pick(AWKWARD_TEXT) || 'n', ...(randomInt(0, 2) ? { ico: '25596641' } : {}), role: 'prijemce' }));
  record.prilohy = Array.from({ length: randomInt(0, 3) }, () => ({ nazev: pick(AWKWARD_TEXT) || 'p', url: 'https://example.cz/a"b' }));
  return record;
}
