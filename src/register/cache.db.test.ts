/**
 * Cached answers (organisation figures, first pages, counts, search facets) follow every change of the register,
 * also one made by another process: a second context on the same database stands in for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import { openDatabase, type Db } from '../db/connection.ts';
import { contract, items, makeOrganization, testContext } from '../testing/factories.ts';
import type { AppContext } from '../context.ts';
import { parseSearchQuery } from './search.ts';
import { createApp } from '../app.tsx';

let database: TestDatabase;
let reader: AppContext;
let writer: AppContext;
let writerDb: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  reader = testContext(database.db);
  writerDb = openDatabase(database.url.replace(/\?schema=.*/, ''), database.searchPath ? { searchPath: database.searchPath } : {});
  writer = testContext(writerDb);
});
afterAll(async () => {
  await writerDb.close();
  await database.cleanup();
});

describe('cached register answers', () => {
  it('change as soon as another process publishes, withdraws or renames', async () => {
    const town = await makeOrganization(writer, { name: 'Město Kešov' });
    await writer.register.publish(town, items([contract({ id: 'K-1', predmet: 'Oprava kešovny', hodnotaBezDph: '1000.00', hodnotaVcetneDph: '1210.00' })]), { source: 'test' });
    const filter = { organizationIds: [town.id] };
    const facets = async () => (await reader.search.search(parseSearchQuery({ organizace: town.ico }).query)).facets.total;
    expect(await reader.register.count(filter)).toBe(1);
    expect((await reader.register.list(filter, { limit: 10 })).items.map((i) => i.id)).toEqual(['K-1']);
    expect((await reader.register.organizationProfile([town.id])).total).toBe(121000);
    expect(await facets()).toBe(1);

    await writer.register.publish(town, items([contract({ id: 'K-2', predmet: 'Nová kešovna', hodnotaBezDph: '2000.00', hodnotaVcetneDph: '2420.00' })]), { source: 'test' });
    expect(await reader.register.count(filter)).toBe(2);
    expect((await reader.register.list(filter, { limit: 10 })).items).toHaveLength(2);
    expect((await reader.register.organizationProfile([town.id])).total).toBe(363000);
    expect(await facets()).toBe(2);

    await writer.register.withdraw(town, 'K-2', 'Omylem', { source: 'test' });
    expect(await reader.register.count(filter)).toBe(1);
    expect(await facets()).toBe(1);

    await writer.organizations.upsert({ ico: town.ico, name: 'Město Kešov nad Vltavou', kind: 'obec' });
    expect((await reader.register.list(filter, { limit: 10 })).items[0]!.organizationName).toBe('Město Kešov nad Vltavou');
  });

  it('change when another process recomputes the red flags, which adds no version', async () => {
    const town = await makeOrganization(writer, { name: 'Město Signálov' });
    await writer.register.publish(town, items([contract({ id: 'RF-1', predmet: 'Smlouva bez ceny', hodnotaBezDph: undefined, hodnotaVcetneDph: undefined })]), { source: 'test' });
    // As if the record had been stored before the methodology flagged a missing price.
    await sql`update records set red_flags = null where organization_id = ${town.id}`.execute(writerDb.kysely);
    const flagged = { organizationIds: [town.id], flag: 'price_missing' };
    expect(await reader.register.count(flagged)).toBe(0);

    expect(await writer.register.recomputeRedFlags({ onlyMissing: false })).toBeGreaterThanOrEqual(1);
    expect(await reader.register.count(flagged)).toBe(1);
    // Nothing changed the second time, so the mark (and every cache) stays.
    const generation = await reader.register.generation();
    expect(await writer.register.recomputeRedFlags({ onlyMissing: false })).toBe(0);
    expect(await reader.register.generation()).toBe(generation);
  });

  it('include rendered organisation and record pages, whose harvest log is read on every request', async () => {
    const app = createApp(reader);
    const page = async (path: string) => {
      const response = await app.request(path);
      return { status: response.status, html: await response.text() };
    };
    const town = await makeOrganization(writer, { name: 'Město Stránkov' });
    await writer.register.publish(town, items([contract({ id: 'ST-1', predmet: 'Oprava mostu' })]), { source: 'test' });
    expect((await page(`/organizace/${town.ico}`)).html).toContain('Oprava mostu');
    expect((await page(`/organizace/${town.ico}/zaznam/ST-1`)).html).toContain('Oprava mostu');

    await writer.register.publish(town, items([contract({ id: 'ST-1', predmet: 'Oprava mostu přes potok' }), contract({ id: 'ST-2', predmet: 'Nová lávka' })]), { source: 'test' });
    expect((await page(`/organizace/${town.ico}`)).html).toContain('Nová lávka');
    expect((await page(`/organizace/${town.ico}/zaznam/ST-1`)).html).toContain('Oprava mostu přes potok');

    await writer.register.withdraw(town, 'ST-2', 'Chybně zveřejněno', { source: 'test' });
    expect((await page(`/organizace/${town.ico}/zaznam/ST-2`)).html).toContain('Chybně zveřejněno');

    // A harvest source is no change of the register, and still shows at once.
    await writer.harvest.addSource(town, 'https://stránkov.example/data.csv');
    expect((await page(`/organizace/${town.ico}`)).html).toContain('data.csv');
    await writer.organizations.upsert({ ico: town.ico, name: 'Město Stránkov nad Potokem', kind: 'obec' });
    expect((await page(`/organizace/${town.ico}`)).html).toContain('Město Stránkov nad Potokem');
  });
});
