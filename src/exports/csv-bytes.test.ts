import { describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import { CsvByteLines } from './csv-bytes.ts';
import { cellLayout } from './canonical.ts';
import { CsvRowFormatter, decimalColumnsOf } from './rules.ts';
import { fieldKeysOf } from '../standard/flat.ts';
import { EXAMPLES } from '../standard/examples.ts';
import { awkwardRecord } from '../testing/random-records.ts';

const SLOTS = { strany: 4, prilohy: 3 };

function linesOf(formatter: CsvRowFormatter) {
  return new CsvByteLines(cellLayout(formatter.columns), decimalColumnsOf(formatter.columns));
}

function lineFrom(lines: CsvByteLines, content: string, excel: boolean, projection: Int32Array | null): string | null {
  const bytes = Buffer.from(content, 'utf8');
  if (!lines.scan(bytes)) return null;
  // Garbage around the line: it must write only inside its bound, from where it is told.
  const out = Buffer.alloc(lines.lineBound() + 20, 0x78);
  const end = lines.line(out, 7, excel, projection);
  expect(end - 7).toBeLessThanOrEqual(lines.lineBound());
  expect(out.subarray(0, 7).toString()).toBe('xxxxxxx');
  return out.toString('utf8', 7, end);
}

describe('CSV lines from the bytes of stored content', () => {
  it('are the bytes CsvRowFormatter writes, for every record type, both variants and narrower files', () => {
    for (const type of ['smlouva', 'objednavka', 'faktura'] as const) {
      const wide = { csv: new CsvRowFormatter(fieldKeysOf(type), SLOTS, false), excel: new CsvRowFormatter(fieldKeysOf(type), SLOTS, true) };
      const lines = linesOf(wide.csv);
      for (let n = 0; n < 400; n++) {
        const content = JSON.stringify(awkwardRecord(type));
        const narrowSlots = { strany: randomInt(3, 5), prilohy: randomInt(2, 4) };
        for (const excel of [false, true]) {
          const formatter = excel ? wide.excel : wide.csv;
          expect(lineFrom(lines, content, excel, null), content).toBe(formatter.rowFromContent(content));
          const narrow = new CsvRowFormatter(fieldKeysOf(type), narrowSlots, excel);
          const projection = formatter.projectionOf(narrow);
          expect(lineFrom(lines, content, excel, projection), content).toBe(narrow.rowFromContent(content));
        }
      }
    }
  });

  it('writes booleans, empty values, decimal commas and defused formulas as the text formatter does', () => {
    const record = { ...EXAMPLES.faktura, hodnotaBezDph: '-10.50', hodnotaVcetneDph: '', predmet: '=HYPERLINK(x)', poznamka: '-č;x', cenaNeuvedena: false, strany: [{ nazev: 'A,B' }], prilohy: [] };
    const content = JSON.stringify(record);
    for (const excel of [false, true]) {
      const formatter = new CsvRowFormatter(fieldKeysOf('faktura'), { strany: 2, prilohy: 1 }, excel);
      const line = lineFrom(linesOf(formatter), content, excel, null);
      expect(line).toBe(formatter.rowFromContent(content));
      expect(line).toContain(excel ? ";-10,50;" : ',-10.50,');
      expect(line).toContain(excel ? `;'=HYPERLINK(x);` : ',=HYPERLINK(x),');
      expect(line).toContain(excel ? `;"'-č;x"` : ',"-č;x"');
    }
  });

  it('refuses contents in a shape it does not expect, so the caller formats them as text', () => {
    const lines = new CsvByteLines(cellLayout(['typ', 'id', 'strany.1.nazev']), [false, false, false]);
    const scan = (text: string) => lines.scan(Buffer.from(text, 'utf8'));
    expect(scan('{"typ":"smlouva","id":"A","strany":[{"nazev":"X"}]}')).toBe(true);
    expect(scan('{}')).toBe(true);
    expect(scan('{"typ":"smlouva","neznamy":"A"}')).toBe(false);
    expect(scan('{"typ": "smlouva"}')).toBe(false);
    expect(scan('{"typ":1}')).toBe(false);
    expect(scan('{"typ":null}')).toBe(false);
    expect(scan('{"typ":["a"]}')).toBe(false);
    expect(scan('{"strany":[{"nazev":"X"},{"nazev":"Y"}]}')).toBe(false);
    expect(scan('{"strany":[{"jine":"X"}]}')).toBe(false);
    expect(scan('{"strany":{"nazev":"X"}}')).toBe(false);
    expect(scan('{"typ":"a"}x')).toBe(false);
    expect(scan('{"typ":"a')).toBe(false);
    expect(scan('{"ty\\u0070":"a"}')).toBe(false);
    expect(scan('')).toBe(false);
  });
});
