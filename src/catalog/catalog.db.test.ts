import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import { contract, items, randomIco, testContext } from '../testing/factories.ts';
import { dcatValidators, hasDcatSchemas } from '../testing/schemas.ts';
import { createApp } from '../app.tsx';
import type { AppContext } from '../context.ts';

let database: TestDatabase;
let ctx: AppContext;
let dir: string;

beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'om-lkod-'));
  // DCAT-AP-CZ requires https IRIs for datasets and files.
  ctx = testContext(database.db, { EXPORT_DIR: dir, BASE_URL: 'https://data.mesto.test', CONTACT_EMAIL: 'opendata@mesto.test' });
});
afterAll(async () => {
  await database.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function invoice(id: string) {
  const { datumUzavreni: _concluded, ...rest } = contract({ id });
  return { ...rest, typ: 'faktura', datumVystaveni: '2024-01-01' };
}

if (!hasDcatSchemas) console.warn('Skipping DCAT-AP-CZ validation: ../shared/fixtures/dcat-ap-cz is absent.');

describe('the local open-data catalog', () => {
  it.skipIf(!hasDcatSchemas)('lists one dataset per organisation and type plus the platform-wide ones, each valid against DCAT-AP-CZ 2024-05-28', async () => {
    const town = await ctx.organizations.create({ ico: randomIco(), name: 'Město Katalogov', kind: 'obec', ruianCode: '581372' });
    const school = await ctx.organizations.create({ ico: randomIco(), name: 'Základní škola Katalogov', kind: 'prispevkova-organizace', parentIco: town.ico });
    await ctx.register.publish(
      town,
      items([
        contract({ id: 'S-1' }),
        contract({ id: 'S-2', strany: [{ nazev: 'Jan Novák', typOsoby: 'fyzicka' }] }),
        invoice('F-1'),
      ]),
      { source: 'test' },
    );
    await ctx.register.publish(school, items([contract({ id: 'Z-1' })]), { source: 'test' });
    await ctx.exports.run();
    const { catalog: validateCatalog, dataset: validateDataset } = dcatValidators();

    const platform = await ctx.catalog.catalog(null);
    expect(validateCatalog(platform), JSON.stringify(validateCatalog.errors)).toBe(true);
    expect(platform.datová_sada).toEqual(
      expect.arrayContaining([
        `https://data.mesto.test/lkod/${town.ico}/smlouvy.jsonld`,
        `https://data.mesto.test/lkod/${town.ico}/faktury.jsonld`,
        `https://data.mesto.test/lkod/${school.ico}/smlouvy.jsonld`,
        'https://data.mesto.test/lkod/vse/smlouvy.jsonld',
        'https://data.mesto.test/lkod/vse/objednavky.jsonld',
      ]),
    );
    const own = await ctx.catalog.catalog(town.ico);
    expect(validateCatalog(own), JSON.stringify(validateCatalog.errors)).toBe(true);
    expect(own.datová_sada).toEqual([`https://data.mesto.test/lkod/${town.ico}/faktury.jsonld`, `https://data.mesto.test/lkod/${town.ico}/smlouvy.jsonld`]);
    expect(own.poskytovatel).toBe(`https://rpp-opendata.egon.gov.cz/odrpp/zdroj/orgán-veřejné-moci/${town.ico}`);

    const app = createApp(ctx);
    for (const iri of platform.datová_sada) {
      const response = await app.request(iri.replace('https://data.mesto.test', ''));
      expect(response.status, iri).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/ld+json; charset=utf-8');
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      const dataset = (await response.json()) as { iri: string; distribuce: Array<{ soubor_ke_stažení: string }> };
      expect(validateDataset(dataset), `${iri}: ${JSON.stringify(validateDataset.errors)}`).toBe(true);
      expect(dataset.iri).toBe(iri);
      for (const distribution of dataset.distribuce) {
        const file = await app.request(distribution.soubor_ke_stažení.replace('https://data.mesto.test', ''), { method: 'HEAD' });
        expect(file.status, distribution.soubor_ke_stažení).toBe(200);
      }
    }
    const townContracts = await ctx.catalog.dataset(town.ico, 'smlouvy');
    expect(townContracts.prvek_rúian).toEqual(['https://linked.cuzk.cz/resource/ruian/obec/581372']);
    expect(townContracts.distribuce.map((d) => d.podmínky_užití.osobní_údaje)).toEqual(Array(4).fill('https://data.gov.cz/podmínky-užití/obsahuje-osobní-údaje/'));
    expect(townContracts.distribuce.find((d) => d.iri.endsWith('#ocds'))!.schéma).toBe('https://standard.open-contracting.org/schema/1__1__5/release-package-schema.json');
    const schoolContracts = await ctx.catalog.dataset(school.ico, 'smlouvy');
    expect(schoolContracts.prvek_rúian).toEqual(['https://linked.cuzk.cz/resource/ruian/stat/1']);
    const schoolCsv = schoolContracts.distribuce.find((d) => d.iri.endsWith('#csv'))!;
    expect(schoolCsv.podmínky_užití.osobní_údaje).toBe('https://data.gov.cz/podmínky-užití/neobsahuje-osobní-údaje/');
    expect(schoolCsv.schéma).toBe('https://data.mesto.test/standard/1.0/smlouva.schema.json');
    expect(schoolCsv.typ_média).toBe('http://www.iana.org/assignments/media-types/text/csv');

    const page = await app.request(`/otevrena-data/nkod?organizace=${town.ico}`);
    const html = await page.text();
    expect(html).toContain('m3hp53v');
    expect(html).toContain(`https://data.mesto.test/lkod/${town.ico}/katalog.jsonld`);
    expect((await app.request('/lkod/vse/neexistuje.jsonld')).status).toBe(404);
  });
});
