import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import { contract, items, makeOrganization, testContext } from '../testing/factories.ts';
import { createApp } from '../app.tsx';
import type { AppContext } from '../context.ts';

let database: TestDatabase;
let ctx: AppContext;
let app: Hono;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const readJson = (response: Response): Promise<any> => response.json();

beforeAll(async () => {
  database = await createTestDatabase();
  ctx = testContext(database.db);
  app = createApp(ctx);
});
afterAll(() => database.cleanup());

describe('reading API', () => {
  it('pages organisations by cursor, selects fields and answers CSV with a Link to the next page', async () => {
    const made = [await makeOrganization(ctx, { name: 'Obec Jedna' }), await makeOrganization(ctx, { name: 'Obec Dvě' }), await makeOrganization(ctx, { name: 'Obec Tři' })];
    const icos = made.map((o) => o.ico).sort();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await app.request(`/api/v1/organizations?limit=2&fields=ico,name${cursor ? `&cursor=${cursor}` : ''}`);
      const page = await readJson(response);
      for (const item of page.items) expect(Object.keys(item)).toEqual(['ico', 'name']);
      seen.push(...page.items.map((o: { ico: string }) => o.ico));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    for (const ico of icos) expect(seen).toContain(ico);

    const csv = await app.request('/api/v1/organizations?limit=1&fields=ico,name,recordCount', { headers: { accept: 'text/csv' } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe('ico,name,recordCount');
    expect(csv.headers.get('link')).toMatch(/^<\/api\/v1\/organizations\?limit=1&fields=ico%2Cname%2CrecordCount&cursor=\d{8}>; rel="next"$/);

    const bad = await app.request('/api/v1/organizations?fields=ico,heslo');
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).error.code).toBe('bad_request');
  });

  it('lists records as CSV with chosen fields, and answers a repeated GET with 304 by its ETag', async () => {
    const organization = await makeOrganization(ctx);
    await ctx.register.publish(organization, items([contract({ id: 'A', predmet: 'Oprava, nátěr' }), contract({ id: 'B' })]), { source: 'test' });
    const path = `/api/v1/organizations/${organization.ico}/records?fields=id,subject&format=csv`;
    const csv = await app.request(path);
    expect(await csv.text()).toMatch(/^id,subject\r\n(A,"Oprava, nátěr"\r\nB,Oprava chodníku v ulici Školní|B,Oprava chodníku v ulici Školní\r\nA,"Oprava, nátěr")\r\n$/);

    const first = await app.request(`/api/v1/organizations/${organization.ico}/records/A`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    expect(first.headers.get('access-control-allow-origin')).toBe('*');
    const again = await app.request(`/api/v1/organizations/${organization.ico}/records/A`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    await ctx.register.publish(organization, items([contract({ id: 'A', predmet: 'Oprava, nátěr (opraveno)' })]), { source: 'test' });
    const changed = await app.request(`/api/v1/organizations/${organization.ico}/records/A`, { headers: { 'if-none-match': etag! } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('feeds every change in order, resumable from the last seq, and per organisation', async () => {
    // A mirror that has caught up with everything so far.
    let since = 0;
    for (;;) {
      const page = await readJson(await app.request(`/api/v1/changes?since=${since}&limit=1000`));
      since = page.nextSince;
      if (!page.hasMore) break;
    }

    const organization = await makeOrganization(ctx);
    await ctx.register.publish(organization, items([contract({ id: 'X' }), contract({ id: 'Y' })]), { source: 'test' });
    await ctx.register.publish(organization, items([contract({ id: 'X', predmet: 'Jiný předmět' })]), { source: 'test' });
    await ctx.register.withdraw(organization, 'Y', 'Chybně zveřejněno', { source: 'test' });

    const firstPage = await readJson(await app.request(`/api/v1/changes?since=${since}&limit=2&organization=${organization.ico}`));
    expect(firstPage.hasMore).toBe(true);
    const secondPage = await readJson(await app.request(`/api/v1/changes?since=${firstPage.nextSince}&limit=2&organization=${organization.ico}`));
    expect(secondPage.hasMore).toBe(false);
    const all = [...firstPage.items, ...secondPage.items];
    expect(all.map((c: { id: string; change: string; version: number }) => `${c.id}:${c.change}:${c.version}`)).toEqual(['X:created:1', 'Y:created:1', 'X:corrected:2', 'Y:withdrawn:2']);
    const seqs = all.map((c: { seq: number }) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(all[2].record.predmet).toBe('Jiný předmět');
    expect(all[3].note).toBe('Chybně zveřejněno');
    expect(all[0].url).toBe(`http://portal.test/organizace/${organization.ico}/zaznam/X`);
    const csv = await app.request(`/api/v1/changes?since=${since}&limit=3&organization=${organization.ico}&fields=seq,change,id,version&format=csv`);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('seq,change,id,version');
    expect(lines.slice(1).map((line) => line.split(',').slice(1).join(','))).toEqual(['created,X,1', 'created,Y,1', 'corrected,X,2']);
    expect(csv.headers.get('link')).toContain(`since=${lines[3]!.split(',')[0]}`);
    const nothing = await readJson(await app.request(`/api/v1/changes?since=${secondPage.nextSince}&organization=${organization.ico}`));
    expect(nothing).toEqual({ items: [], nextSince: secondPage.nextSince, hasMore: false });
  });

  it('limits requests per client with 429 and Retry-After', async () => {
    const limited = createApp(testContext(database.db, { API_RATE_LIMIT: '3' }));
    for (let i = 0; i < 3; i++) {
      const response = await limited.request('/api/v1/organizations?limit=1');
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-remaining')).toBe(String(2 - i));
    }
    const refused = await limited.request('/api/v1/organizations?limit=1');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await readJson(refused)).error.code).toBe('rate_limited');
    const otherClient = await limited.request('/api/v1/organizations?limit=1', { headers: { authorization: 'Bearer jiny-klient' } });
    expect(otherClient.status).toBe(200);
  });
});
