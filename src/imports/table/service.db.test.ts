import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { existsSync, readFileSync } from 'node:fs';
import { createTestDatabase, type TestDatabase } from '../../db/testing.ts';
import { makeOrganization, testContext } from '../../testing/factories.ts';
import { makeXlsx } from '../../shared/xlsx-testing.ts';
import { bytesSource, type ImportSource } from '../source.ts';
import type { AppContext } from '../../context.ts';
import type { Organization } from '../../organizations/service.ts';

let database: TestDatabase;
let ctx: AppContext;

beforeAll(async () => {
  database = await createTestDatabase();
  ctx = testContext(database.db);
});
afterAll(() => database.cleanup());

const HEADER = ['Evidenční číslo', 'Předmět smlouvy', 'Datum uzavření', 'Cena bez DPH', 'Cena s DPH', 'Dodavatel', 'IČ'];
const ROWS = [
  ['S-1', 'Oprava střechy školní jídelny', '5. 3. 2024', '1 250 000,50', '1 512 500,61', 'Střechy Žďár s.r.o.', '25596641'],
  ['S-2', 'Údržba zeleně v Husově parku', '12.04.2024', '48 000', '58 080', 'Zahrady Šťastný', '27074358'],
  ['S-3', 'Nákup kancelářského papíru', '1. 6. 2024', '9 999,90', '12 099,88', 'Papírnictví Čáp', '26185610'],
];

function csv(rows: string[][], delimiter: string): string {
  return rows.map((row) => row.map((cell) => (cell.includes(delimiter) ? `"${cell}"` : cell)).join(delimiter)).join('\r\n') + '\r\n';
}

async function contents(organization: Organization): Promise<unknown[]> {
  const list = await ctx.register.list({ organizationIds: [organization.id] }, { limit: 100 });
  const details = await Promise.all(list.items.map((item) => ctx.register.detail(organization, item.id)));
  return details.map((d) => d.current.content).sort((a, b) => String(a.id).localeCompare(String(b.id)));
}

const importTable = (organization: Organization, source: ImportSource, options: Partial<Parameters<AppContext['tableImport']['importTable']>[2]> = {}) =>
  ctx.tableImport.importTable(organization, source, { actor: 'test', ...options });

const cityvizor = new URL('../../../../shared/fixtures/budget/csv/cityvizor-invoices-nmnm-2019.csv', import.meta.url).pathname;

describe('table import', () => {
  if (!existsSync(cityvizor)) console.warn(`Skipping the real CityVizor invoice export: ${cityvizor} is absent.`);
  it.skipIf(!existsSync(cityvizor))('imports a real CityVizor invoice export (Nové Město na Moravě, 2019), reporting its extra columns and its row without a description', async () => {
    const organization = await makeOrganization(ctx, { name: 'Město Nové Město na Moravě' });
    const result = await importTable(organization, bytesSource('invoices.csv', readFileSync(cityvizor)), { defaultType: 'faktura' });
    // One real row has no description: it is rejected with its line and column, the other eleven are stored.
    expect(result).toMatchObject({ read: 12, rejected: 1, created: 11, encoding: 'utf-8', delimiter: ';' });
    expect(result.issues.filter((i) => i.severity === 'error')).toEqual([expect.objectContaining({ line: 9, column: 'description', code: 'missing_field' })]);
    expect(result.fileIssues.map((i) => i.column)).toEqual(['profile', 'year', 'event', 'eventSrcId', 'type']);
    const invoice = await ctx.register.detail(organization, '2');
    expect(invoice.current.content).toMatchObject({ typ: 'faktura', datumVystaveni: '2019-01-10', hodnotaVcetneDph: '54716.00', paragraf: '6320', polozka: '5163', strany: [{ nazev: 'RENOMIA. a.s.', ico: '48391301' }] });
  });

  it('imports an Excel CSV in windows-1250 with ; and decimal commas exactly like its UTF-8 twin and its XLSX twin', async () => {
    const text = csv([HEADER, ...ROWS], ';');
    const [a, b, c] = [await makeOrganization(ctx), await makeOrganization(ctx), await makeOrganization(ctx)];
    const cp1250 = await importTable(a, bytesSource('smlouvy.csv', iconv.encode(text, 'windows-1250')));
    expect(cp1250).toMatchObject({ read: 3, created: 3, rejected: 0, encoding: 'windows-1250', delimiter: ';', format: 'csv' });
    const utf8 = await importTable(b, bytesSource('smlouvy.csv', Buffer.from(`\uFEFF${csv([HEADER, ...ROWS], ',')}`)));
    expect(utf8).toMatchObject({ read: 3, created: 3, rejected: 0, encoding: 'utf-8', delimiter: ',' });
    const xlsx = await importTable(c, bytesSource('smlouvy.xlsx', makeXlsx([HEADER, ...ROWS])));
    expect(xlsx).toMatchObject({ read: 3, created: 3, rejected: 0, format: 'xlsx' });
    const expected = await contents(a);
    expect(expected[0]).toMatchObject({ typ: 'smlouva', id: 'S-1', predmet: 'Oprava střechy školní jídelny', datumUzavreni: '2024-03-05', hodnotaBezDph: '1250000.50', strany: [{ nazev: 'Střechy Žďár s.r.o.', ico: '25596641' }] });
    expect(await contents(b)).toEqual(expected);
    expect(await contents(c)).toEqual(expected);
  });

  it('reports each rejected row by line, column, value and reason, keeps the valid rows, and accepts the fixed rejected rows', async () => {
    const organization = await makeOrganization(ctx);
    const rows = [HEADER.concat('Interní poznámka'), ...ROWS.map((r) => r.concat('x'))];
    rows[2] = ['S-2', 'Údržba zeleně', '31. 2. 2024', '48 000', '58 080', 'Zahrady Šťastný', '27074358', ''];
    rows[3] = ['S-3', 'Nákup papíru', '1. 6. 2024', '9 999,9,9', '12 099,88', 'Papírnictví Čáp', '26185610', ''];
    const first = await importTable(organization, bytesSource('chyby.csv', Buffer.from(csv(rows, ';'))));
    expect(first).toMatchObject({ read: 3, created: 1, rejected: 2 });
    expect(first.fileIssues).toEqual([expect.objectContaining({ code: 'unknown_column', column: 'Interní poznámka' })]);
    expect(first.issues).toEqual([
      expect.objectContaining({ line: 3, column: 'Datum uzavření', value: '31. 2. 2024', field: 'datumUzavreni', severity: 'error', code: 'invalid_date' }),
      expect.objectContaining({ line: 4, column: 'Cena bez DPH', value: '9 999,9,9', field: 'hodnotaBezDph', code: 'invalid_amount' }),
    ]);
    expect(first.issuesCsv).toContain('3;S-2;chyba;Datum uzavření;31. 2. 2024;Datum musí být platné datum');
    expect(first.job).toMatchObject({ state: 'completed', counts: { read: 3, created: 1, rejected: 2 } });
    const stored = await ctx.jobs.getReport(first.job.id);
    expect(stored.rejectedCsv).toBe(first.rejectedCsv);

    // The clerk fixes the two rows in the downloaded file and uploads it again.
    const fixed = first.rejectedCsv!.replace('31. 2. 2024', '28. 2. 2024').replace('9 999,9,9', '9 999,90');
    expect(fixed.split('\r\n')[0]).toContain('Důvod odmítnutí');
    const second = await importTable(organization, bytesSource('chyby-opravene.csv', Buffer.from(fixed)));
    expect(second).toMatchObject({ read: 2, created: 2, rejected: 0 });
    // The reasons column is ignored; the file's own unknown column is reported again, as in the original.
    expect(second.fileIssues.map((i) => i.column)).toEqual(['Interní poznámka']);
    // The original file, fixed too, then changes nothing.
    const all = csv([HEADER, ...ROWS.map((r, i) => (i === 1 ? r.map((v) => (v === '12.04.2024' ? '28. 2. 2024' : v)) : r))], ';')
      .replace('Údržba zeleně v Husově parku', 'Údržba zeleně')
      .replace('Nákup kancelářského papíru', 'Nákup papíru')
      .replace('9 999,90', '9 999,90');
    const third = await importTable(organization, bytesSource('vse.csv', Buffer.from(all)));
    expect(third).toMatchObject({ read: 3, created: 0, newVersions: 0, unchanged: 3, rejected: 0 });
  });

  it('with atomic stores nothing when a row is rejected', async () => {
    const organization = await makeOrganization(ctx);
    const rows = [HEADER, ROWS[0]!, ['S-9', '', '1. 1. 2024', '1', '1', 'X', '25596641']];
    await expect(importTable(organization, bytesSource('atomic.csv', Buffer.from(csv(rows, ';'))), { atomic: true })).rejects.toMatchObject({ code: 'atomic_rejected' });
    expect((await ctx.register.list({ organizationIds: [organization.id] }, { limit: 10 })).items).toEqual([]);
  });

  it('refuses files it cannot read with a clear Czech error and stores nothing', async () => {
    const organization = await makeOrganization(ctx);
    const refuse = (name: string, bytes: Uint8Array) => expect(importTable(organization, bytesSource(name, bytes))).rejects.toMatchObject({ code: 'unreadable_input' });
    await refuse('utf16.csv', Buffer.from(`\uFEFF${csv([HEADER, ...ROWS], ';')}`, 'utf16le'));
    await refuse('binary.csv', Buffer.from([0x00, 0x01, 0x02, 0xff]));
    await refuse('no-id.csv', Buffer.from('Předmět;Cena\nOprava;100\n'));
    await refuse('no-type.csv', Buffer.from('id;predmet\nA;Oprava\n'));
    await refuse('huge-line.csv', Buffer.from(`id;predmet;datumUzavreni\nA;"${'x'.repeat(2_000_000)}";2024-01-01\n`));
    await refuse('unterminated.csv', Buffer.from('id;predmet;datumUzavreni\nA;"Oprava;2024-01-01\n'));
    await refuse('not-a-workbook.xlsx', Buffer.from('PK\u0003\u0004 nothing else'));
    expect((await ctx.register.list({ organizationIds: [organization.id] }, { limit: 10 })).items).toEqual([]);
  });

  it('a failed import leaves whole batches only, and running it again resumes and completes the same job', async () => {
    const organization = await makeOrganization(ctx);
    const rows = [['typ', 'id', 'predmet', 'datumUzavreni', 'hodnotaBezDph', 'strany.1.nazev', 'strany.1.ico']];
    for (let n = 1; n <= 2500; n++) rows.push(['smlouva', `R-${n}`, `Oprava komunikace č. ${n}`, '2024-05-01', `${n},50`, 'Silnice s.r.o.', '25596641']);
    const bytes = Buffer.from(csv(rows, ';'));
    const good = bytesSource('velky.csv', bytes);
    // The input breaks after most of the file was read, as when a disk or network fails.
    const broken: ImportSource = {
      ...good,
      open: () =>
        (async function* () {
          yield bytes.subarray(0, Math.floor(bytes.length * 0.9));
          throw new Error('simulated failure while reading');
        })(),
    };
    await expect(importTable(organization, broken)).rejects.toThrow('simulated failure');
    const stored = (await ctx.register.list({ organizationIds: [organization.id] }, { limit: 3000 })).items.length;
    expect(stored % 1000).toBe(0);
    expect(stored).toBeGreaterThan(0);
    const jobs = await ctx.jobs.listForOrganization(organization.id);
    // The failed job says what the register holds from it.
    expect(jobs[0]).toMatchObject({ state: 'failed', attempts: 1, counts: { created: stored } });

    const again = await importTable(organization, good);
    // The resumed job counts what both attempts stored: the rows of the failed attempt are not "unchanged".
    expect(again).toMatchObject({ read: 2500, created: 2500, unchanged: 0, rejected: 0 });
    expect(again.job).toMatchObject({ id: jobs[0]!.id, state: 'completed', attempts: 2 });
  });

  it('two runs of the same file at once get their own jobs, since a live process still owns the first', async () => {
    const organization = await makeOrganization(ctx);
    const source = bytesSource('soubezne.csv', Buffer.from(csv([HEADER, ...ROWS], ';')));
    const [a, b] = await Promise.all([importTable(organization, source), importTable(organization, source)]);
    expect(a.job.id).not.toBe(b.job.id);
    expect(a.created + b.created).toBe(3);
    expect(a.job.state).toBe('completed');
    expect(b.job.state).toBe('completed');
  });
});
