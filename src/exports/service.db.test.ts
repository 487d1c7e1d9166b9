import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import { contract, items, makeOrganization, testContext } from '../testing/factories.ts';
import { bytesSource } from '../imports/source.ts';
import type { AppContext } from '../context.ts';
import type { Organization } from '../organizations/service.ts';
import { ExportRepository } from './repository.ts';
import { bulkFileWriter, commitFiles } from './range-writer.ts';
import { fieldKeysOf } from '../standard/flat.ts';
import { RECORD_TYPES, type RecordType } from '../standard/schema.ts';

const databases: TestDatabase[] = [];
const directories: string[] = [];

async function freshContext(): Promise<{ ctx: AppContext; dir: string }> {
  const database = await createTestDatabase();
  databases.push(database);
  const dir = mkdtempSync(join(tmpdir(), 'om-export-'));
  directories.push(dir);
  return { ctx: testContext(database.db, { EXPORT_DIR: dir }), dir };
}

let ctx: AppContext;
let dir: string;

beforeAll(async () => {
  ({ ctx, dir } = await freshContext());
});
afterAll(async () => {
  for (const database of databases) await database.cleanup();
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function invoice(fields: Record<string, unknown>) {
  const { datumUzavreni: _c, ...rest } = contract(fields);
  return { ...rest, typ: 'faktura', datumVystaveni: '2024-06-10', ...fields };
}

async function publishTown(context: AppContext, organization: Organization): Promise<void> {
  await context.register.publish(
    organization,
    items([
      contract({
        id: 'SML-1',
        predmet: 'Oprava "staré" školy, 2. etapa;\nvčetně střechy',
        strany: [
          { nazev: 'Stavby Novák s.r.o.', ico: '25596641', typOsoby: 'pravnicka' },
          { nazev: 'Projekty Dvořák, a.s.', ico: '27082440', typOsoby: 'pravnicka', role: 'prijemce' },
        ],
        prilohy: [
          { nazev: 'smlouva.pdf', url: 'https://example.cz/smlouva.pdf', typMedia: 'application/pdf' },
          { nazev: 'dodatek.pdf', url: 'https://example.cz/dodatek.pdf' },
          { nazev: 'priloha.pdf', sha256: 'a'.repeat(64) },
        ],
      }),
      contract({ id: 'SML-2', predmet: 'Nájem sálu', hodnotaBezDph: undefined, hodnotaVcetneDph: undefined, cenaNeuvedena: true, duvodNeuvedeniCeny: 'obchodní tajemství' }),
      contract({ id: 'SML-3', predmet: 'Bude znepřístupněna' }),
      invoice({ id: 'FA-1', predmet: 'Dobropis', hodnotaBezDph: '-1000.50', hodnotaVcetneDph: '-1210.61', smlouva: 'SML-1' }),
    ]),
    { source: 'test' },
  );
  await context.register.publish(organization, items([contract({ id: 'SML-2', predmet: 'Nájem sálu (opraveno)', hodnotaBezDph: undefined, hodnotaVcetneDph: undefined, cenaNeuvedena: true, duvodNeuvedeniCeny: 'obchodní tajemství' })]), { source: 'test' });
  await context.register.withdraw(organization, 'SML-3', 'Zveřejněno omylem', { source: 'test' });
}

describe('bulk export', () => {
  it('writes CSV, Excel CSV and NDJSON per organisation and type, indexed with sha256 and row counts', async () => {
    const organization = await makeOrganization(ctx, { name: 'Město Exportov' });
    await publishTown(ctx, organization);
    const result = await ctx.exports.run({ organizations: [organization.ico] });
    expect(result.records).toBe(4);
    const paths = result.index.files.map((f) => f.path).filter((p) => p.startsWith(organization.ico));
    expect(paths).toEqual(
      [
        `${organization.ico}/faktury-excel.csv`,
        `${organization.ico}/faktury.csv`,
        `${organization.ico}/faktury.ndjson`,
        `${organization.ico}/ocds-records.json`,
        `${organization.ico}/ocds-releases.json`,
        `${organization.ico}/smlouvy-excel.csv`,
        `${organization.ico}/smlouvy.csv`,
        `${organization.ico}/smlouvy.ndjson`,
      ].sort(),
    );
    for (const file of result.index.files) {
      const bytes = readFileSync(join(dir, file.path));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
      expect(bytes.length).toBe(file.bytes);
    }
    const csv = readFileSync(join(dir, organization.ico, 'smlouvy.csv'), 'utf8');
    const entry = (path: string) => result.index.files.find((f) => f.path === `${organization.ico}/${path}`)!;
    // The withdrawn contract is not in the CSV (the standard has no withdrawal), but it is in the NDJSON with its history.
    expect(entry('smlouvy.csv').rows).toBe(2);
    expect(entry('smlouvy.ndjson').rows).toBe(3);
    expect(csv.split('\r\n')[0]).toContain('strany.2.nazev');
    expect(csv).toContain('prilohy.3.sha256');
    expect(csv).not.toContain('strany.3.nazev');
    expect(csv).toContain('"Oprava ""staré"" školy, 2. etapa;\nvčetně střechy"');
    const excel = readFileSync(join(dir, organization.ico, 'faktury-excel.csv'), 'utf8');
    expect(excel.startsWith('\ufefftyp;id;')).toBe(true);
    expect(excel).toContain(';-1000,50;-1210,61;');
    const lines = readFileSync(join(dir, organization.ico, 'smlouvy.ndjson'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const corrected = lines.find((l) => l.id === 'SML-2');
    expect(corrected.versions.map((v: { change: string }) => v.change)).toEqual(['created', 'corrected']);
    expect(corrected.record.predmet).toBe('Nájem sálu (opraveno)');
    const withdrawn = lines.find((l) => l.id === 'SML-3');
    expect(withdrawn).toMatchObject({ status: 'withdrawn', withdrawalReason: 'Zveřejněno omylem', currentVersion: 2 });
  });

  it('writes NDJSON lines as JSON.stringify would, whatever the texts hold (the database builds them)', async () => {
    const organization = await makeOrganization(ctx, { name: 'Obec "Uvozovky" \\ Zpětné lomítko' });
    const odd = '\u0001 řídicí znak, Tab\tnový\nřádek\r, "uvozovky", \\ lomítko, \u2028 oddělovač, 😀 a „české“ uvozovky';
    await ctx.register.publish(organization, items([contract({ id: 'ODD-1', predmet: odd }), contract({ id: 'ODD-2' }), contract({ id: 'ODD-"3"' })]), { source: 'test' });
    await ctx.register.publish(organization, items([contract({ id: 'ODD-2', predmet: `${odd} (opraveno)` })]), { source: 'test' });
    await ctx.register.publish(organization, items([contract({ id: 'ODD-2', predmet: 'třetí znění' })]), { source: 'test' });
    await ctx.register.withdraw(organization, 'ODD-"3"', 'Důvod s "uvozovkami"\na řádkem', { source: 'test' });
    await ctx.exports.run({ organizations: [organization.ico], formats: ['ndjson'] });
    const text = readFileSync(join(dir, organization.ico, 'smlouvy.ndjson'), 'utf8');
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toBe(JSON.stringify(JSON.parse(line)));
    const [first, second, third] = lines.map((line) => JSON.parse(line));
    expect(first.organization).toEqual({ ico: organization.ico, name: 'Obec "Uvozovky" \\ Zpětné lomítko' });
    // The line's own key order is the API's record shape (JSON.stringify above keeps whatever order it has).
    expect(Object.keys(first)).toEqual(['organization', 'id', 'type', 'status', 'withdrawalReason', 'withdrawnAt', 'firstPublishedAt', 'updatedAt', 'currentVersion', 'record', 'versions']);
    expect(Object.keys(first.organization)).toEqual(['ico', 'name']);
    expect(Object.keys(second.versions[0])).toEqual(['version', 'change', 'publishedAt', 'quality', 'note', 'record']);
    expect(first.record.predmet).toBe(odd);
    expect(first.versions).toEqual([{ version: 1, change: 'created', publishedAt: first.firstPublishedAt, quality: first.versions[0].quality, note: null }]);
    expect(second.currentVersion).toBe(3);
    expect(second.record.predmet).toBe('třetí znění');
    expect(second.versions.map((v: { version: number; record?: { predmet: string } }) => [v.version, v.record?.predmet])).toEqual([
      [1, contract().predmet],
      [2, `${odd} (opraveno)`],
      [3, undefined],
    ]);
    expect(third).toMatchObject({ id: 'ODD-"3"', status: 'withdrawn', withdrawalReason: 'Důvod s "uvozovkami"\na řádkem', currentVersion: 2 });
    expect(typeof third.withdrawnAt).toBe('string');
  });

  it('round-trips: the CSV imported into an empty database exports byte for byte the same', async () => {
    const organization = await makeOrganization(ctx, { name: 'Město Kolečko' });
    await publishTown(ctx, organization);
    await ctx.exports.run({ organizations: [organization.ico], formats: ['csv', 'excel'] });
    const first = {
      contracts: readFileSync(join(dir, organization.ico, 'smlouvy.csv')),
      invoices: readFileSync(join(dir, organization.ico, 'faktury.csv')),
      excel: readFileSync(join(dir, organization.ico, 'smlouvy-excel.csv')),
    };

    const empty = await freshContext();
    const twin = await empty.ctx.organizations.create({ ico: organization.ico, name: organization.name, kind: 'obec' });
    for (const [name, bytes] of [['smlouvy.csv', first.contracts], ['faktury.csv', first.invoices]] as const) {
      const imported = await empty.ctx.tableImport.importTable(twin, bytesSource(name, bytes), { actor: 'test' });
      expect(imported.rejected).toBe(0);
      expect(imported.issues).toEqual([]);
    }
    await empty.ctx.exports.run({ organizations: [organization.ico], formats: ['csv', 'excel'] });
    expect(readFileSync(join(empty.dir, organization.ico, 'smlouvy.csv'), 'utf8')).toBe(first.contracts.toString('utf8'));
    expect(readFileSync(join(empty.dir, organization.ico, 'smlouvy.csv')).equals(first.contracts)).toBe(true);
    expect(readFileSync(join(empty.dir, organization.ico, 'faktury.csv')).equals(first.invoices)).toBe(true);
    expect(readFileSync(join(empty.dir, organization.ico, 'smlouvy-excel.csv')).equals(first.excel)).toBe(true);
  });

  it('writes the platform-wide files over all organisations and keeps earlier index entries on a partial run', async () => {
    const a = await makeOrganization(ctx, { name: 'Obec Áčko' });
    const b = await makeOrganization(ctx, { name: 'Obec Béčko' });
    await ctx.register.publish(a, items([contract({ id: 'A-1' })]), { source: 'test' });
    await ctx.register.publish(b, items([contract({ id: 'B-1', strany: [{ nazev: 'X', ico: '25596641' }, { nazev: 'Y' }] })]), { source: 'test' });
    const all = await ctx.exports.run();
    const platform = all.index.files.find((f) => f.path === 'vse/smlouvy.csv')!;
    const text = readFileSync(join(dir, 'vse/smlouvy.csv'), 'utf8');
    expect(text).toContain('A-1');
    expect(text).toContain('B-1');
    expect(platform.rows).toBe(text.trim().split('\r\n').length - 1);
    expect(all.index.files.some((f) => f.path === 'vse/objednavky.ndjson')).toBe(true);
    const partial = await ctx.exports.run({ organizations: [a.ico], formats: ['ndjson'] });
    expect(partial.index.files.some((f) => f.path === 'vse/smlouvy.csv')).toBe(true);
    expect(partial.index.files.find((f) => f.path === `${a.ico}/smlouvy.ndjson`)!.generatedAt).toBe(partial.index.generatedAt);
  });

  it('writes each organisation its own numbered columns, the same whether exported with the platform or only with others', async () => {
    const { ctx: context, dir: directory } = await freshContext();
    const wide = await makeOrganization(context, { name: 'Obec Široká' });
    const narrow = await makeOrganization(context, { name: 'Obec Úzká' });
    await context.register.publish(wide, items([contract({ id: 'W-1', strany: [{ nazev: 'Jedna', ico: '25596641' }, { nazev: 'Dvě' }, { nazev: 'Tři' }] })]), { source: 'test' });
    await context.register.publish(narrow, items([contract({ id: 'N-1', strany: [{ nazev: 'Jediná', ico: '27082440' }] })]), { source: 'test' });
    const files = () => [wide, narrow].map((organization) => readFileSync(join(directory, organization.ico, 'smlouvy.csv'), 'utf8'));
    await context.exports.run({ formats: ['csv'], threads: 1 });
    const withPlatform = files();
    expect(withPlatform[1]!.split('\r\n')[0]).not.toContain('strany.2.');
    expect(withPlatform[0]!.split('\r\n')[0]).toContain('strany.3.nazev');
    const cells = (line: string) => line.split(',').length;
    for (const text of withPlatform) {
      const [header, row] = text.split('\r\n');
      expect(cells(row!)).toBe(cells(header!));
    }
    await context.exports.run({ formats: ['csv'], threads: 1, organizations: [wide.ico, narrow.ico] });
    expect(files()).toEqual(withPlatform);
  });

  it('exports one organisation into a directory that does not exist yet, its full buffers waiting for their files', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const parent = mkdtempSync(join(tmpdir(), 'om-export-'));
    directories.push(parent);
    const directory = join(parent, 'new', 'export');
    const context = testContext(database.db, { EXPORT_DIR: directory });
    const town = await makeOrganization(context, { name: 'Obec Nová' });
    const subject = 'Údržba veřejné zeleně a dětských hřišť v místních částech obce, '.repeat(4);
    await context.register.publish(town, items(Array.from({ length: 60 }, (_, i) => contract({ id: `Z-${i}`, predmet: `${subject}${i}` }))), { source: 'test' });
    // The smallest buffers (4 kB a file): the first flush comes before the file is created in the background.
    await context.exports.run({ formats: ['csv', 'excel'], organizations: [town.ico], organizationBufferBytes: 1 });
    const lines = readFileSync(join(directory, town.ico, 'smlouvy.csv'), 'utf8').split('\r\n');
    expect(lines.filter((line) => line !== '')).toHaveLength(61);
    // The subject holds commas: quoted, and the rows in the order published.
    expect(lines.slice(1, 61).every((line, i) => line.includes(`"${subject}${i}"`))).toBe(true);
    expect(readdirSync(directory).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('leaves out a record of a scope its plan does not know (committed after the plan was read) for the next export', async () => {
    const { ctx: context, dir: directory } = await freshContext();
    const planned = await makeOrganization(context, { name: 'Obec V plánu' });
    const late = await makeOrganization(context, { name: 'Obec Pozdní' });
    await context.register.publish(planned, items([contract({ id: 'P-1' }), contract({ id: 'P-2' })]), { source: 'test' });
    await context.register.publish(late, items([contract({ id: 'L-1' })]), { source: 'test' });
    const repository = new ExportRepository(context.db);
    const scopes = (await repository.scopes()).filter((scope) => scope.organization_id === planned.id);
    const fieldKeys = Object.fromEntries(RECORD_TYPES.map((type) => [type, fieldKeysOf(type)])) as Record<RecordType, string[]>;
    for (const formats of [['ndjson'], ['csv']] as const) {
      const writer = bulkFileWriter({ formats: [...formats], generatedAt: '2026-01-01T00:00:00.000Z', scopes, platform: true, organizationBufferBytes: 4096, fieldKeys }, directory);
      writer.openKnownFiles();
      expect(await writer.write(repository, 0, null)).toBe(2);
      const written = commitFiles(writer);
      expect(written.find((file) => file.path === `vse/smlouvy.${formats[0]}`)!.rows).toBe(2);
      expect(written.some((file) => file.organization === late.ico)).toBe(false);
    }
  });

  it('writes the same files on two cores (a worker thread writes the second half of the records) as in one pass', async () => {
    const { ctx: context, dir: directory } = await freshContext();
    const towns = [await makeOrganization(context, { name: 'Obec První' }), await makeOrganization(context, { name: 'Obec Druhá' }), await makeOrganization(context, { name: 'Obec Třetí' })];
    await publishTown(context, towns[0]!);
    await context.register.publish(towns[1]!, items([contract({ id: 'D-1' }), contract({ id: 'D-2', strany: [{ nazev: 'Jan Novák', typOsoby: 'fyzicka' }, { nazev: 'Firma', ico: '25596641' }, { nazev: 'Třetí' }] })]), { source: 'test' });
    await publishTown(context, towns[1]!);
    // Only in the second range: its CSV files get their header from the scopes both ranges computed.
    await context.register.publish(towns[2]!, items([contract({ id: 'T-1' }), invoice({ id: 'T-F', smlouva: 'T-1' })]), { source: 'test' });
    await context.register.publish(towns[0]!, items([contract({ id: 'SML-1', predmet: 'Oprava školy, znovu' })]), { source: 'test' });

    const snapshot = () => {
      const files = new Map<string, Buffer>();
      const walk = (relative: string) => {
        for (const entry of readdirSync(join(directory, relative), { withFileTypes: true })) {
          const path = relative ? `${relative}/${entry.name}` : entry.name;
          if (entry.isDirectory()) walk(path);
          else if (entry.name !== 'index.json') files.set(path, readFileSync(join(directory, path)));
        }
      };
      walk('');
      return files;
    };
    const entries = (index: { files: Array<{ path: string; rows: number; bytes: number; sha256: string; personalData: boolean }> }) => index.files.map(({ path, rows, bytes, sha256, personalData }) => ({ path, rows, bytes, sha256, personalData }));

    const onePass = await context.exports.run({ formats: ['csv', 'excel', 'ndjson'], threads: 1 });
    const written = snapshot();
    const twoCores = await context.exports.run({ formats: ['csv', 'excel', 'ndjson'], threads: 2 });
    expect([onePass.threads, twoCores.threads]).toEqual([1, 2]);
    expect(twoCores.records).toBe(onePass.records);
    expect(entries(twoCores.index)).toEqual(entries(onePass.index));
    const rewritten = snapshot();
    expect([...rewritten.keys()].sort()).toEqual([...written.keys()].sort());
    for (const [path, bytes] of written) expect(rewritten.get(path)!.equals(bytes), path).toBe(true);
    expect(entries(twoCores.index).find((f) => f.path === `${towns[2]!.ico}/smlouvy.csv`)!.rows).toBe(1);
    // A natural person among the parties marks the files that hold the record as holding personal data.
    const personal = (path: string) => entries(twoCores.index).find((f) => f.path === path)!.personalData;
    expect([personal(`${towns[1]!.ico}/smlouvy.csv`), personal(`${towns[1]!.ico}/smlouvy.ndjson`), personal('vse/smlouvy.csv'), personal(`${towns[2]!.ico}/smlouvy.csv`)]).toEqual([true, true, true, false]);
    for (const file of twoCores.index.files.filter((f) => !f.path.includes('ocds'))) {
      expect(createHash('sha256').update(readFileSync(join(directory, file.path))).digest('hex')).toBe(file.sha256);
    }
    // NDJSON alone, too, reads the scopes of both ranges first and creates every file ahead.
    const ndjsonOnePass = await context.exports.run({ formats: ['ndjson'], threads: 1 });
    const ndjson = snapshot();
    const ndjsonTwoCores = await context.exports.run({ formats: ['ndjson'], threads: 2 });
    expect(entries(ndjsonTwoCores.index)).toEqual(entries(ndjsonOnePass.index));
    for (const [path, bytes] of ndjson) if (path.endsWith('.ndjson')) expect(readFileSync(join(directory, path)).equals(bytes), path).toBe(true);
  });

  it('leaves the previous files and no temporary file behind when an export on two cores fails', async () => {
    const { ctx: context, dir: directory } = await freshContext();
    const town = await makeOrganization(context, { name: 'Obec Přerušená' });
    await publishTown(context, town);
    await context.exports.run({ formats: ['csv'], threads: 2 });
    const before = readFileSync(join(directory, town.ico, 'smlouvy.csv'));
    await context.register.publish(town, items([contract({ id: 'SML-9', predmet: 'Nová smlouva' })]), { source: 'test' });
    await expect(
      context.exports.run({
        formats: ['csv'],
        threads: 2,
        onProgress: () => {
          throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
    expect(readFileSync(join(directory, town.ico, 'smlouvy.csv')).equals(before)).toBe(true);
    const leftovers = (relative: string): string[] =>
      readdirSync(join(directory, relative), { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? leftovers(join(relative, entry.name)) : entry.name.endsWith('.tmp') ? [join(relative, entry.name)] : []));
    expect(leftovers('')).toEqual([]);
  });
});
