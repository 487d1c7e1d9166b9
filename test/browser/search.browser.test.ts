/**
 * The public portal as a person uses it, in real headless Chromium without JavaScript: search, filter, open a record,
 * follow a supplier, download the CSV, subscribe to the feed. Every page type passes axe-core, and the keyboard alone
 * reaches every control.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { ServerType } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../../src/db/testing.ts';
import { contract, items, makeOrganization, testContext } from '../../src/testing/factories.ts';
import { launchChromium, seriousViolations, startPortal } from './harness.ts';
import type { Organization } from '../../src/organizations/service.ts';

const SUPPLIER_ICO = '25596641';

let database: TestDatabase;
let server: ServerType;
let browser: Browser;
let base: string;
let town: Organization;

beforeAll(async () => {
  database = await createTestDatabase();
  const ctx = testContext(database.db);
  town = await makeOrganization(ctx, { name: 'Město Hledákov' });
  const school = await makeOrganization(ctx, { name: 'ZŠ Hledákov', parentIco: town.ico });
  const supplier = { nazev: 'Stavby Novák s.r.o.', ico: SUPPLIER_ICO, typOsoby: 'pravnicka', role: 'prijemce' };
  await ctx.register.publish(
    town,
    items([
      contract({ id: 'JIDELNA', predmet: 'Rekonstrukce školní jídelny', datumUzavreni: '2024-03-01', datumZverejneni: '2024-05-20', hodnotaBezDph: '1950000.00', hodnotaVcetneDph: '2359500.00', strany: [supplier] }),
      contract({ id: 'CHODNIK', predmet: 'Oprava chodníku u Školní ulice', datumUzavreni: '2024-05-10', datumZverejneni: '2024-05-11', strany: [supplier] }),
      contract({ id: 'SVETLA', predmet: 'Veřejné osvětlení', datumUzavreni: '2024-07-01', datumZverejneni: '2024-07-02', strany: [{ nazev: 'Elektro Světlo a.s.', ico: '27082440', typOsoby: 'pravnicka' }] }),
    ]),
    { source: 'test' },
  );
  await ctx.register.publish(school, items([contract({ id: 'POMUCKY', predmet: 'Školní pomůcky', datumUzavreni: '2024-09-01', datumZverejneni: '2024-09-02', strany: [supplier] })]), { source: 'test' });
  ({ server, base } = await startPortal(ctx));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  server?.close();
  await database?.cleanup();
});

describe('the public portal', () => {
  it('lets a person search, filter, open a record, follow the supplier, download the CSV and subscribe to the feed, without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(base);
    await page.fill('#q', 'skolni');
    await page.click('form.search button[type=submit]');
    expect(new URL(page.url()).pathname).toBe('/hledat');
    expect(await page.textContent('#results-heading')).toContain('3 záznamy');
    expect(await page.locator('.hit mark').first().textContent()).toMatch(/^[Šš]kolní$/);

    // Filter: only this town with its school, only contracts flagged as just under a threshold.
    await page.fill('#f-org', town.ico);
    await page.check('#f-sub');
    await page.selectOption('#f-signal', 'just_under_threshold');
    await page.click('form.filters button[type=submit]');
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ q: 'skolni', organizace: town.ico, podrizene: '1', signal: 'just_under_threshold' });
    expect(await page.textContent('#results-heading')).toContain('1 záznam');

    await page.click('text=Rekonstrukce školní jídelny');
    expect(page.url()).toBe(`${base}/organizace/${town.ico}/zaznam/JIDELNA`);
    const record = await page.textContent('main');
    expect(record).toContain('Těsně pod limitem');
    expect(record).toContain('Zveřejněno pozdě');
    expect(record).toContain('zveřejněna 80 dní po uzavření');

    await page.click(`a[href="/subjekt/${SUPPLIER_ICO}"]`);
    expect(await page.textContent('h1')).toBe('Stavby Novák s.r.o.');
    expect(await page.textContent('main')).toContain('ZŠ Hledákov');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.tools a:text-is("CSV")')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toContain('organizace_ico,organizace,typ,id,predmet');
    expect(csv).toContain('POMUCKY');
    expect(csv).toContain('JIDELNA');

    const feedHref = await page.getAttribute('link[rel=alternate][type="application/atom+xml"]', 'href');
    expect(feedHref).toBe(`/hledat.atom?subjekt=${SUPPLIER_ICO}`);
    const feed = await page.request.get(base + feedHref);
    expect(feed.headers()['content-type']).toContain('application/atom+xml');
    const xml = await feed.text();
    expect(xml).toContain('<title>Školní pomůcky</title>');
    expect(xml.match(/<entry>/g)).toHaveLength(3);
    await context.close();
  });

  it('has no serious or critical axe violations on each page type', async () => {
    // The widget forbids inline scripts by its CSP; axe is injected past it, as an extension would be.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const paths = [
      '/hledat?q=skolni',
      '/hledat?q=nenajdeszadnezaznamy',
      `/hledat?organizace=${town.ico}&podrizene=1&castkaOd=hodne`,
      `/subjekt/${SUPPLIER_ICO}`,
      `/organizace/${town.ico}`,
      `/organizace/${town.ico}/zaznam/JIDELNA`,
      '/metodika',
      '/pristupnost',
      `/embed/${town.ico}`,
      '/subjekt/12345678',
    ];
    for (const path of paths) {
      await page.goto(base + path);
      expect(await seriousViolations(page), path).toEqual([]);
    }
    await context.close();
  });

  it('reaches every control of the search page with the keyboard alone, with a visible focus', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/hledat?q=skolni`);
    // Page functions are given as source text: this file is compiled without the DOM's types.
    const focusable = await page.evaluate<number>(`(() => {
      const elements = [...document.querySelectorAll('a[href], input:not([type=hidden]), select, button, textarea, [tabindex="0"]')].filter((e) => e.getClientRects().length > 0);
      elements.forEach((element, index) => element.setAttribute('data-focus-index', String(index)));
      return elements.length;
    })()`);
    const reached = new Set<string>();
    // A date input takes one Tab per part (day, month, year), so allow for more presses than controls.
    for (let i = 0; i < focusable * 3 && reached.size < focusable; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate<{ index: string | null; outline: boolean; html: string } | null>(`(() => {
        const active = document.activeElement;
        if (!active) return null;
        const style = getComputedStyle(active);
        return { index: active.getAttribute('data-focus-index'), outline: style.outlineStyle !== 'none' && style.outlineWidth !== '0px', html: active.outerHTML.slice(0, 120) };
      })()`);
      if (focused?.index) {
        reached.add(focused.index);
        expect(focused.outline, `focus ring on ${focused.html}`).toBe(true);
      }
    }
    expect(reached.size).toBe(focusable);
    // The first Tab lands on the skip link.
    await page.goto(`${base}/hledat?q=skolni`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string | undefined>('document.activeElement?.textContent?.trim()')).toBe('Přeskočit na obsah');
    await page.close();
  });

  it('fits a 320 px wide phone without sideways scrolling', async () => {
    const page = await browser.newPage({ viewport: { width: 320, height: 640 } });
    for (const path of ['/', '/hledat?q=skolni', `/subjekt/${SUPPLIER_ICO}`, `/organizace/${town.ico}`, `/organizace/${town.ico}/zaznam/JIDELNA`, '/metodika']) {
      await page.goto(base + path);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth'), path).toBeLessThanOrEqual(320);
    }
    await page.close();
  });
});
