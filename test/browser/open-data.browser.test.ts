/**
 * Open data as a developer or journalist meets it, in headless Chromium without JavaScript: the open-data page
 * lists the bulk files with checksums, a file downloads whole, the catalog answers JSON-LD, the NKOD page names the
 * catalog, and every open-data page and the API documentation pass axe-core.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { ServerType } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../../src/db/testing.ts';
import { contract, items, makeOrganization, testContext } from '../../src/testing/factories.ts';
import { launchChromium, seriousViolations, startPortal } from './harness.ts';
import type { Organization } from '../../src/organizations/service.ts';
import type { AppContext } from '../../src/context.ts';

let database: TestDatabase;
let server: ServerType;
let browser: Browser;
let base: string;
let town: Organization;
let ctx: AppContext;
let dir: string;

beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'om-browser-export-'));
  ctx = testContext(database.db, { EXPORT_DIR: dir });
  town = await makeOrganization(ctx, { name: 'Město Otevřenov' });
  await ctx.register.publish(town, items([contract({ id: 'S-1', predmet: 'Oprava mostu' }), contract({ id: 'S-2', predmet: 'Úklid sněhu' })]), { source: 'test' });
  await ctx.exports.run();
  ({ server, base } = await startPortal(ctx));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  server?.close();
  await database.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('open data in the portal', () => {
  it('lists an organisation’s files, downloads one whole with its checksum, and links the catalog and the NKOD guide', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${base}/organizace/${town.ico}`);
    await page.click('a:text("hromadné soubory a katalog pro NKOD")');
    expect(new URL(page.url()).pathname).toBe(`/otevrena-data/${town.ico}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:text-is("CSV (standard)")')]);
    const bytes = readFileSync((await download.path())!);
    const entry = (await ctx.exports.readIndex())!.files.find((f) => f.path === `${town.ico}/smlouvy.csv`)!;
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry.sha256);
    expect(bytes.toString('utf8')).toContain('Oprava mostu');
    await page.click('a:text("Jak katalog zaregistrovat v NKOD")');
    expect(await page.textContent('main')).toContain('m3hp53v');
    const catalog = await page.request.get(`${base}/lkod/${town.ico}/katalog.jsonld`);
    expect(catalog.headers()['content-type']).toBe('application/ld+json; charset=utf-8');
    expect((await catalog.json()).datová_sada).toContain(`http://portal.test/lkod/${town.ico}/smlouvy.jsonld`);
    await context.close();
  });

  it('has no serious or critical axe violations on the open-data pages and the API documentation', async () => {
    const page = await browser.newPage();
    for (const path of ['/otevrena-data', `/otevrena-data/${town.ico}`, '/otevrena-data/nkod', '/api']) {
      await page.goto(base + path);
      expect(await seriousViolations(page), path).toEqual([]);
    }
    await page.close();
  });
});
