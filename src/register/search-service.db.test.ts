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

// Every search test runs twice: answered by SQL, and by the in-memory index (built at once, then following writes).
describe.each([
  ['SQL', false],
  ['the in-memory index', true],
])('record search answered by %s', (_name, indexed) => {
  beforeAll(async () => {
    ctx = testContext(database.db, indexed ? {} : { SEARCH_INDEX: 'off' });
    await ctx.search.index.start();
    expect(ctx.search.index.state).toBe(indexed ? 'ready' : 'off');
  });

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

describe('the in-memory index', () => {
  it('answers as SQL does, from what it was built of and from what was written after', async () => {
    const writer = testContext(database.db, { SEARCH_INDEX: 'off' });
    const organization = await makeOrganization(writer, { name: 'Město Srovnávkov' });
    const supplier = randomIco();
    await writer.register.publish(
      organization,
      items(
        Array.from({ length: 60 }, (_, i) =>
          contract({
            id: `S-${i}`,
            predmet: `${['Oprava', 'Údržba', 'Rekonstrukce'][i % 3]} ${['školní jídelny', 'chodníku', 'radnice'][i % 5 % 3]} č. ${i}`,
            datumUzavreni: `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}`,
            hodnotaBezDph: i % 7 === 0 ? undefined : `${(i * 37_000) % 2_000_000}.00`,
            hodnotaVcetneDph: undefined,
            mena: i % 11 === 0 ? 'EUR' : 'CZK',
            strany: [{ nazev: i % 2 ? 'Stavby Srovnávkov s.r.o.' : 'Údržba silnic a.s.', ico: i % 2 ? supplier : '27082440', typOsoby: 'pravnicka' }],
          }),
        ),
      ),
      { source: 'test' },
    );
    const indexed = testContext(database.db);
    await indexed.search.index.start();
    const queries: Array<Record<string, string>> = [
      { organizace: organization.ico },
      { organizace: organization.ico, q: 'oprava', razeni: 'relevance' },
      { organizace: organization.ico, q: 'skol jid' },
      { organizace: organization.ico, q: 'c 1', razeni: 'castka' },
      { organizace: organization.ico, subjekt: supplier, razeni: 'castka-vzestupne' },
      { organizace: organization.ico, subjekt: 'udrzba silnic', od: '2024-03-01', do: '2024-08-31' },
      { organizace: organization.ico, castkaOd: '500000', mena: 'CZK', razeni: 'datum-vzestupne' },
      { organizace: organization.ico, signal: 'price_missing', stranka: '1' },
      { q: 'srovnavkov' },
      { q: 'radnice', stranka: '2' },
    ];
    const compare = async () => {
      for (const params of queries) {
        const query = parseSearchQuery(params).query;
        const [fromSql, fromIndex] = await Promise.all([writer.search.search(query), indexed.search.search(query)]);
        expect(fromIndex.hits.map((h) => h.id), JSON.stringify(params)).toEqual(fromSql.hits.map((h) => h.id));
        expect(fromIndex.facets, JSON.stringify(params)).toEqual(fromSql.facets);
      }
    };
    await compare();
    // Corrections and withdrawals after the build reach the index on the next search.
    await writer.register.publish(organization, items([contract({ id: 'S-3', predmet: 'Oprava radnice opravená', strany: [{ nazev: 'Nový dodavatel', ico: supplier, typOsoby: 'pravnicka' }] }), contract({ id: 'S-NEW', predmet: 'Školní jídelna nová' })]), { source: 'test' });
    await writer.register.withdraw(organization, 'S-4', 'Omylem', { source: 'test' });
    await compare();
    expect((await indexed.search.search(parseSearchQuery({ organizace: organization.ico, q: 'opravena' }).query)).hits.map((h) => h.id)).toEqual(['S-3']);
    expect((await indexed.search.search(parseSearchQuery({ organizace: organization.ico, q: 'c 4' }).query)).hits.map((h) => h.id)).not.toContain('S-4');
  });
});
