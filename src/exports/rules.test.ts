import { describe, expect, it } from 'vitest';
import { CsvRowFormatter, defuseFormula, mergeIndex, mergeScopes, msUntilNext } from './rules.ts';
import { cellLayout, fillCells } from './canonical.ts';
import { fieldKeysOf } from '../standard/flat.ts';
import { EXAMPLES } from '../standard/examples.ts';
import { awkwardRecord } from '../testing/random-records.ts';

describe('CSV rows from stored content', () => {
  it('reads canonical JSON into the same line as JSON.parse does, for every record shape', () => {
    for (const type of ['smlouva', 'objednavka', 'faktura'] as const) {
      for (const excel of [false, true]) {
        const formatter = new CsvRowFormatter(fieldKeysOf(type), { strany: 3, prilohy: 2 }, excel);
        for (let n = 0; n < 300; n++) {
          const record = awkwardRecord(type);
          const content = JSON.stringify(record);
          expect(formatter.rowFromContent(content), content).toBe(formatter.row(JSON.parse(content)));
        }
      }
    }
  });

  it('refuses shapes it does not expect, so the caller falls back to JSON.parse', () => {
    const layout = cellLayout(['typ', 'id', 'strany.1.nazev']);
    const cells = ['', '', ''];
    expect(fillCells('{"typ":"smlouva","id":"A","strany":[{"nazev":"X"}]}', layout, cells)).toBe(true);
    expect(cells).toEqual(['smlouva', 'A', 'X']);
    expect(fillCells('{"typ":"smlouva","neznamy":"A"}', layout, cells)).toBe(false);
    expect(fillCells('{"typ": "smlouva"}', layout, cells)).toBe(false);
    expect(fillCells('{"typ":1}', layout, cells)).toBe(false);
    expect(fillCells('{"strany":[{"nazev":"X"},{"nazev":"Y"}]}', layout, cells)).toBe(false);
    expect(fillCells('{"typ":"a"}x', layout, cells)).toBe(false);
    const formatter = new CsvRowFormatter(fieldKeysOf('smlouva'), { strany: 1, prilohy: 1 }, false);
    const unusual = JSON.stringify({ ...EXAMPLES.smlouva, strany: [{ nazev: 'A' }] }).replace('{"typ"', '{ "typ"');
    expect(formatter.rowFromContent(unusual)).toBe(formatter.row(JSON.parse(unusual)));
  });

  it('writes decimal commas and defuses formulas only in the Excel variant', () => {
    const record = { ...EXAMPLES.faktura, hodnotaBezDph: '-10.50', predmet: '=HYPERLINK("x")' };
    const excel = new CsvRowFormatter(fieldKeysOf('faktura'), { strany: 1, prilohy: 1 }, true).row(record);
    expect(excel).toContain(';-10,50;');
    expect(excel).toContain(`;"'=HYPERLINK(""x"")";`);
    const plain = new CsvRowFormatter(fieldKeysOf('faktura'), { strany: 1, prilohy: 1 }, false).row(record);
    expect(plain).toContain(',-10.50,');
    expect(plain).toContain(',"=HYPERLINK(""x"")",');
    expect(defuseFormula('-5')).toBe('-5');
    expect(defuseFormula('-x')).toBe("'-x");
    expect(defuseFormula('@a')).toBe("'@a");
  });
});

describe('the index', () => {
  it('keeps entries of files this run did not write', () => {
    const entry = (path: string, generatedAt: string) => ({ path, organization: null, type: null, format: 'csv' as const, rows: 1, bytes: 1, sha256: '', personalData: false, generatedAt });
    const merged = mergeIndex({ generatedAt: 'old', standardVersion: '1.0', files: [entry('b', 'old'), entry('a', 'old')] }, [entry('b', 'new')], 'new', '1.0');
    expect(merged.files.map((f) => `${f.path}:${f.generatedAt}`)).toEqual(['a:old', 'b:new']);
  });
});

describe('scopes of two ranges', () => {
  const scope = (organizationId: number, type: string, records: number, published: number, maxParties: number | null, maxAttachments: number | null) => ({
    organization_id: organizationId,
    ico: String(organizationId).padStart(8, '0'),
    name: `Obec ${organizationId}`,
    type,
    records,
    published,
    max_parties: maxParties,
    max_attachments: maxAttachments,
  });

  it('adds the counts and keeps the widest published record of each organisation and type', () => {
    const merged = mergeScopes([scope(2, 'smlouva', 3, 2, 4, null), scope(1, 'faktura', 1, 1, 1, 0)], [scope(2, 'smlouva', 5, 5, 2, 3), scope(2, 'faktura', 1, 0, null, null)]);
    expect(merged).toEqual([scope(1, 'faktura', 1, 1, 1, 0), scope(2, 'faktura', 1, 0, null, null), scope(2, 'smlouva', 8, 7, 4, 3)]);
  });

  it('keeps a scope only one range has as it is', () => {
    expect(mergeScopes([], [scope(7, 'objednavka', 2, 2, 1, 1)])).toEqual([scope(7, 'objednavka', 2, 2, 1, 1)]);
  });
});

describe('the nightly schedule', () => {
  it('waits until the next given time of day in UTC', () => {
    expect(msUntilNext(new Date('2026-11-27T02:00:00Z'), '03:00')).toBe(3600_000);
    expect(msUntilNext(new Date('2026-11-27T03:00:00Z'), '03:00')).toBe(24 * 3600_000);
    expect(msUntilNext(new Date('2026-12-31T23:30:00Z'), '00:15')).toBe(45 * 60_000);
  });
});
