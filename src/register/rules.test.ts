import { describe, expect, it } from 'vitest';
import { foldText } from '../shared/text.ts';
import { ownNumber, RECORD_TYPES, type StandardRecord } from '../standard/schema.ts';
import { validateRecord } from '../standard/validate.ts';
import { EXAMPLES } from '../standard/examples.ts';
import { AWKWARD_TEXT, pick } from '../testing/random-records.ts';
import { summarize } from './rules.ts';

/** The search text as first defined: all parts joined, then folded, whitespace runs made one space. */
function searchTextByDefinition(record: StandardRecord): string {
  const parts = [record.predmet, record.id, ownNumber(record) ?? '', ...record.strany.flatMap((p) => [p.nazev, p.ico ?? '', p.zahranicniId ?? ''])];
  return ` ${foldText(parts.filter(Boolean).join(' ')).replace(/\s+/g, ' ')}`;
}

describe('summarize', () => {
  it('builds the search text its definition gives, for awkward records of every type', () => {
    let checked = 0;
    for (let round = 0; round < 300; round++) {
      for (const type of RECORD_TYPES) {
        const text = () => pick(AWKWARD_TEXT).trim() || 'Ž';
        const number = { smlouva: 'cisloSmlouvy', objednavka: 'cisloObjednavky', faktura: 'cisloFaktury' }[type];
        const data = { ...EXAMPLES[type], predmet: text(), id: text(), [number]: round % 3 === 0 ? undefined : text() };
        data.strany = [
          { nazev: text(), ...(round % 2 ? { ico: '25596641' } : {}) },
          { nazev: 'Ärzte  GmbH\nBerlín', zahranicniId: 'DE 811569869' },
          ...(round % 4 === 0 ? [{ nazev: text(), ico: '123' }] : []),
        ];
        const result = validateRecord(data);
        if (!result.ok) continue;
        expect(summarize(result.value, '2026-11-28').searchText).toBe(searchTextByDefinition(result.value.publicRecord));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(850);
  });

  it('finds a record by folded subject, number and party', () => {
    const result = validateRecord({ typ: 'smlouva', id: 'SML-1', predmet: 'Oprava  ŠKOLNÍ\tjídelny', cisloSmlouvy: 'Č. 15/2024', datumUzavreni: '2024-03-01', strany: [{ nazev: 'Stavby Novák s.r.o.', ico: '25596641' }] });
    if (!result.ok) throw new Error('valid');
    expect(summarize(result.value, '2026-11-28').searchText).toBe(' oprava skolni jidelny sml-1 c. 15/2024 stavby novak s.r.o. 25596641');
  });
});
