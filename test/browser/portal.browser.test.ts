/** The portal in real headless Chromium: pages render, work without JavaScript, and pass axe-core. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerType } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../../src/db/testing.ts';
import { contract, makeOrganization, testContext } from '../../src/testing/factories.ts';
import { axeSource, launchChromium, startPortal } from './harness.ts';


let database: TestDatabase;
let server: ServerType;
let browser: Browser;
let base: string;
let recordUrl: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const ctx = testContext(database.db);
  const organization = await makeOrganization(ctx, { name: 'Obec Prohlížečov' });
  await ctx.register.publish(organization, [{ line: 1, data: contract({ id: 'B-1', predmet: 'Školní jídelna' }) }], { source: 'test' });
  await ctx.register.publish(organization, [{ line: 1, data: contract({ id: 'B-1', predmet: 'Školní jídelna – oprava' }) }], { source: 'test' });
  ({ server, base } = await startPortal(ctx));
  recordUrl = `${base}/organizace/${organization.ico}/zaznam/B-1`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  server?.close();
  await database?.cleanup();
});

describe('portal pages in Chromium', () => {
  it('has no serious or critical axe violations on each page type', async () => {
    const page = await browser.newPage();
    for (const path of ['/', '/hledat?q=skolni', '/organizace', recordUrl.slice(base.length), '/standard', '/validator', '/api', '/neexistuje']) {
      await page.goto(base + path);
      await page.addScriptTag({ content: axeSource });
      const violations = await page.evaluate(async () => {
        const result = await (globalThis as unknown as { axe: { run: () => Promise<{ violations: Array<{ id: string; impact: string }> }> } }).axe.run();
        return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
      });
      expect(violations, path).toEqual([]);
    }
    await page.close();
  });

  it('searches without diacritics and shows the record with its version history, without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(base);
    await page.fill('#q', 'skolni');
    await page.click('button[type=submit]');
    await page.click('text=Školní jídelna – oprava');
    expect(page.url()).toBe(recordUrl);
    expect(await page.textContent('body')).toContain('Verze 2: opraveno');
    await context.close();
  });

  it('validates an uploaded file on the validator page without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/validator`);
    await page.setInputFiles('#soubor', { name: 'zkouska.csv', mimeType: 'text/csv', buffer: Buffer.from('id;predmet;datumUzavreni;strany.1.nazev\nA;Oprava;15. 3. 2024;Firma\n') });
    await page.selectOption('#typ', 'smlouva');
    await page.click('button[type=submit]');
    expect(await page.textContent('body')).toContain('RRRR-MM-DD');
    await context.close();
  });
});
