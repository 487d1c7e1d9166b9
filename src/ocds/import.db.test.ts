import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import { testContext } from '../testing/factories.ts';
import { FIXTURES } from '../testing/schemas.ts';
import { bytesSource, fileSource } from '../imports/source.ts';
import type { AppContext } from '../context.ts';

const EXAMPLE = `${FIXTURES}ocds/official-fictional-example-1.1/`;
let database: TestDatabase;
let ctx: AppContext;

beforeAll(async () => {
  database = await createTestDatabase();
  ctx = testContext(database.db);
});
afterAll(() => database.cleanup());

if (!existsSync(EXAMPLE)) console.warn(`Skipping the OCDS example import: ${EXAMPLE} is absent.`);

describe('om import ocds', () => {
  it.skipIf(!existsSync(EXAMPLE))('imports the official fictional example through every stage, and a second time changes nothing', async () => {
    const files = readdirSync(EXAMPLE).filter((f) => /-0\d-\w+\.json$/.test(f)).sort();
    expect(files).toHaveLength(6);
    let created = 0;
    for (const file of files) {
      const result = await ctx.ocdsImport.importFile(fileSource(EXAMPLE + file), { actor: 'test' });
      expect(result.rejected).toBe(0);
      created += result.created;
    }
    expect(created).toBe(6);
    const again = await ctx.ocdsImport.importFile(fileSource(`${EXAMPLE}ocds-213czf-000-00001.json`), { actor: 'test' });
    expect(again).toMatchObject({ read: 6, created: 0, unchanged: 6, rejected: 0, packageType: 'release' });
    expect(again.processes).toEqual([{ ocid: 'ocds-213czf-000-00001', stages: ['planning', 'tender', 'award', 'contract', 'implementation'], releases: 6, title: 'Planned cycle lane improvements' }]);
    const record = JSON.parse(readFileSync(`${EXAMPLE}record/ocds-213czf-000-00001.json`, 'utf8')).records[0];
    const stored = await database.db.kysely.selectFrom('ocds_processes').selectAll().where('ocid', '=', 'ocds-213czf-000-00001').executeTakeFirstOrThrow();
    const { id: _a, date: _b, tag: _c, ...compiled } = JSON.parse(stored.compiled);
    const { id: _d, date: _e, tag: _f, ...expected } = record.compiledRelease;
    expect(compiled).toEqual(expected);
    expect(stored.buyer_name).toBe('London Borough of Barnet');
    const linked = await ctx.ocdsImport.importFile(fileSource(`${EXAMPLE}record/ocds-213czf-000-00001.json`), { actor: 'test' });
    expect(linked).toMatchObject({ read: 1, created: 0, unchanged: 1, packageType: 'record' });
  });

  it('rejects releases without the required fields, names the field in Czech, and refuses a changed release under an old id', async () => {
    const release = { ocid: 'ocds-test01-x', id: 'r1', date: '2024-01-01T00:00:00Z', tag: ['planning'], initiationType: 'tender', planning: { rationale: 'a' } };
    const first = await ctx.ocdsImport.importFile(bytesSource('a.json', Buffer.from(JSON.stringify({ releases: [release, { ...release, id: 'r2', date: '2024-01-01' }, { ...release, id: 'r3', tag: ['unknown'] }] }))), { actor: 'test' });
    expect(first).toMatchObject({ read: 3, created: 1, rejected: 2 });
    expect(first.issues.map((i) => `${i.index}:${i.field}`)).toEqual(['2:date', '3:tag']);
    expect(first.issues[0]!.message).toContain('ISO 8601');
    const changed = await ctx.ocdsImport.importFile(bytesSource('b.json', Buffer.from(JSON.stringify({ releases: [{ ...release, planning: { rationale: 'b' } }] }))), { actor: 'test' });
    expect(changed).toMatchObject({ created: 0, rejected: 1 });
    expect(changed.issues[0]!.message).toContain('nového vydání');
    await expect(ctx.ocdsImport.importFile(bytesSource('c.json', Buffer.from('{"neco": 1}')), { actor: 'test' })).rejects.toThrow(/not an OCDS package/);
    await expect(ctx.ocdsImport.importFile(bytesSource('d.json', Buffer.from('{"releases": [')), { actor: 'test' })).rejects.toThrow(/not JSON/);
  });

  it('streams a package release by release, and a package broken near its end stores nothing', async () => {
    const releases = Array.from({ length: 3000 }, (_, i) => ({ ocid: `ocds-test01-s${i % 30}`, id: `s-${i}`, date: '2024-02-01T10:00:00Z', tag: ['tender'], tender: { id: `t-${i % 30}`, title: `Zakázka ${i % 30}` } }));
    const text = JSON.stringify({ uri: 'https://example.cz/balicek.json', publishedDate: '2024-02-02T00:00:00Z', releases, version: '1.1' });
    // Delivered in small pieces, as a file or a network stream would.
    const bytes = Buffer.from(text);
    const source = (body: Buffer) => ({ ...bytesSource('velky.json', body), open: () => (async function* () { for (let at = 0; at < body.length; at += 4096) yield body.subarray(at, at + 4096); })() });
    const broken = await ctx.ocdsImport.importFile(source(bytes.subarray(0, bytes.length - 40)), { actor: 'test' }).catch((error: Error) => error);
    expect(broken).toBeInstanceOf(Error);
    expect(Number((await database.db.kysely.selectFrom('ocds_releases').select((eb) => eb.fn.countAll<number>().as('n')).where('ocid', 'like', 'ocds-test01-s%').executeTakeFirstOrThrow()).n)).toBe(0);
    const result = await ctx.ocdsImport.importFile(source(bytes), { actor: 'test' });
    expect(result).toMatchObject({ read: 3000, created: 3000, rejected: 0, packageType: 'release' });
    expect(result.processes).toHaveLength(30);
    expect(result.processes[0]).toMatchObject({ releases: 100, stages: ['tender'] });
    const tooLarge = JSON.stringify({ releases: [{ ...releases[0], id: 'huge', description: 'x'.repeat(17 * 1024 * 1024) }] });
    await expect(ctx.ocdsImport.importFile(bytesSource('obri.json', Buffer.from(tooLarge)), { actor: 'test' })).rejects.toThrow(/larger than/);
  });
});
