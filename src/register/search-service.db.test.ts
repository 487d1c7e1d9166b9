import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import { contract, items, makeOrganization, randomIco, testContext } from '../testing/factories.ts';
import type { AppContext } from '../context.ts';
import type { Organization } from '../organizations/service.ts';
import { parseSearchQuery } from './search.ts';

let database: TestDatabase;
let ctx: AppContext;

beforeAll(async () => {
  database = await createTestDatabase();
  ctx = testContext(database.db);
});
afterAll(() => database.cleanup());

const search = (params: Record<string, string>) => ctx.search.search(parseSearchQuery(params).query);
const ids = async (params: Record<string, string>) => (await search(params)).hits.map((h) => h.id);

function order(fields: Record<string, unknown>) {
  const { datumUzavreni: _concluded, datumZverejneni: _published, ...rest } = contract(fields);
  return { ...rest, typ: 'objednavka' };
}

async function town(): Promise<Organization> {
  const organization = await makeOrganization(ctx, { name: 'Město Hledákov' });
  await ctx.register.publish(
    organization,
    items([
      contract({ id: 'JIDELNA', predmet: 'Rekonstrukce školní jídelny', datumUzavreni: '2024-03-01', datumZverejneni: '2024-03-05', hodnotaBezDph: '1950000.00', hodnotaVcetneDph: '2359500.00' }),
      contract({ id: 'CHODNIK', predmet: 'Oprava chodníku u Školní ulice', datumUzavreni: '2024-05-10', datumZverejneni: '2024-05-11', hodnotaBezDph: '300000.00', hodnotaVcetneDph: '363000.00' }),
      contract({
        id: 'SVETLA',
        predmet: 'Veřejné osvětlení',
        datumUzavreni: '2024-07-01',
        datumZverejneni: '2024-09-15',
        hodnotaBezDph: undefined,
        hodnotaVcetneDph: undefined,
        mena: 'EUR',
        strany: [{ nazev: 'Elektro Světlo a.s.', ico: '27082440', typOsoby: 'pravnicka' }],
        prilohy: [{ nazev: 'smlouva.pdf', url: 'https://example.cz/smlouva.pdf', typMedia: 'application/pdf' }],
      }),
      order({ id: 'OBJ-1', predmet: 'Školní pomůcky', datumVystaveni: '2024-06-01' }),
    ]),
    { source: 'test' },
  );
  return organization;
}

describe('record search', () => {
  it('finds by word prefixes regardless of diacritics and case, and ranks subject matches first', async () => {
    const organization = await town();
    expect(await ids({ q: 'skolni', organizace: organization.ico, razeni: 'datum' })).toEqual(['OBJ-1', 'CHODNIK', 'JIDELNA']);
    expect(await ids({ q: 'ŠKOL', organizace: organization.ico })).toEqual(['OBJ-1', 'JIDELNA', 'CHODNIK']);
    expect(await ids({ q: 'jidelny rekon', organizace: organization.ico })).toEqual(['JIDELNA']);
    expect(await ids({ q: 'kolni', organizace: organization.ico })).toEqual([]);
  });

  it('filters by type, party, dates, amounts, currency, red flag and attachment, and counts facets', async () => {
    const organization = await town();
    const org = { organizace: organization.ico };
    expect(await ids({ ...org, typ: 'objednavka' })).toEqual(['OBJ-1']);
    expect(await ids({ ...org, subjekt: 'svetlo' })).toEqual(['SVETLA']);
    expect(await ids({ ...org, subjekt: '27082440' })).toEqual(['SVETLA']);
    expect(await ids({ ...org, od: '1. 5. 2024', do: '30. 6. 2024', razeni: 'datum-vzestupne' })).toEqual(['CHODNIK', 'OBJ-1']);
    expect(await ids({ ...org, castkaOd: '200 000', castkaDo: '400000' })).toEqual(['CHODNIK']);
    expect(await ids({ ...org, razeni: 'castka' })).toEqual(['JIDELNA', 'CHODNIK', 'OBJ-1', 'SVETLA']);
    expect(await ids({ ...org, mena: 'EUR' })).toEqual(['SVETLA']);
    expect(await ids({ ...org, signal: 'just_under_threshold' })).toEqual(['JIDELNA']);
    expect(await ids({ ...org, signal: 'published_late' })).toEqual(['SVETLA']);
    expect(await ids({ ...org, priloha: '1' })).toEqual(['SVETLA']);

    const result = await search({ ...org, typ: 'smlouva' });
    expect(result.total).toBe(3);
    expect(result.facets.types).toEqual({ smlouva: 3, objednavka: 0, faktura: 0 });
    expect(result.facets.flags).toMatchObject({ price_missing: 1, published_late: 1, just_under_threshold: 1, vat_mismatch: 0 });
    expect(result.facets.withAttachment).toBe(1);
    expect(result.facets.currencies).toEqual([
      { currency: 'CZK', count: 2 },
      { currency: 'EUR', count: 1 },
    ]);
    expect(result.facets.organizations).toEqual([{ ico: organization.ico, name: 'Město Hledákov', count: 3 }]);
    expect(result.hits.find((h) => h.id === 'SVETLA')).toMatchObject({ flags: ['price_missing', 'published_late'], parties: [{ name: 'Elektro Světlo a.s.', ico: '27082440' }] });
  });

  it('includes subordinate organisations on request, and an unknown organisation matches nothing', async () => {
    const parent = await town();
    const school = await makeOrganization(ctx, { name: 'ZŠ Hledákov', parentIco: parent.ico });
    const canteen = await makeOrganization(ctx, { name: 'Jídelna ZŠ', parentIco: school.ico });
    await ctx.register.publish(canteen, items([contract({ id: 'POTRAVINY', predmet: 'Potraviny pro školní jídelnu' })]), { source: 'test' });
    expect(await ids({ q: 'potraviny', organizace: parent.ico })).toEqual([]);
    expect(await ids({ q: 'potraviny', organizace: parent.ico, podrizene: '1' })).toEqual(['POTRAVINY']);
    const unknown = await search({ organizace: randomIco() });
    expect(unknown).toMatchObject({ total: 0, unknownOrganization: true });
  });

  it('pages through results and downloads them whole', async () => {
    const organization = await makeOrganization(ctx);
    await ctx.register.publish(organization, items(Array.from({ length: 45 }, (_, i) => contract({ id: `P-${String(i).padStart(2, '0')}`, datumUzavreni: `2024-01-${String((i % 28) + 1).padStart(2, '0')}` }))), { source: 'test' });
    const query = { organizace: organization.ico };
    const first = await search(query);
    expect(first).toMatchObject({ total: 45, pageCount: 3 });
    const pages = [first.hits, (await search({ ...query, stranka: '2' })).hits, (await search({ ...query, stranka: '3' })).hits];
    expect(pages.map((p) => p.length)).toEqual([20, 20, 5]);
    const downloaded: string[] = [];
    for await (const batch of ctx.search.download(parseSearchQuery(query).query, 10)) downloaded.push(...batch.map((h) => h.id));
    expect(downloaded).toEqual(pages.flat().map((h) => h.id));
    expect(new Set(downloaded).size).toBe(45);
  });
});
