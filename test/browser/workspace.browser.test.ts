/**
 * The publisher workspace as clerks use it, in headless Chromium with JavaScript off: a platform admin (made by
 * `om user create --admin`) creates an organisation and an editor; the editor sets a password from the e-mailed
 * link, uploads a CSV with one bad row, reads the report, fixes the row from the downloaded file and uploads it
 * again; then publishes a contract by hand with a PDF, corrects it and withdraws it, and the public record page
 * shows all three steps. Every workspace page passes axe-core.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerType } from '@hono/node-server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../../src/db/testing.ts';
import { randomIco, testContext } from '../../src/testing/factories.ts';
import { icoWithCheckDigit } from '../../src/shared/identifiers.ts';
import { linkFrom, startSmtpCatcher, type SmtpCatcher } from '../../src/testing/smtp-catcher.ts';
import { launchChromium, seriousViolations, startPortal } from './harness.ts';
import type { AppContext } from '../../src/context.ts';

let database: TestDatabase;
let server: ServerType;
let browser: Browser;
let base: string;
let ctx: AppContext;
let dir: string;
let smtp: SmtpCatcher;
const townIco = randomIco();
const editorEmail = 'jana.novakova@otevrenov.cz';
const adminEmail = 'spravce@otevrenamesta.cz';
const visited = new Set<string>();

const CSV = [
  'typ;id;predmet;datumUzavreni;hodnotaBezDph;strany.1.nazev;strany.1.ico',
  'smlouva;OT-1;Oprava střechy radnice;1. 3. 2024;250 000,00;Střechy Otevřenov s.r.o.;25596641',
  `smlouva;OT-2;Nákup laviček do parku;31. 2. 2024;48 000;Mobiliář a.s.;${icoWithCheckDigit('2716341')}`,
  `smlouva;OT-3;Údržba zeleně;5. 3. 2024;120 000;Zahrady s.r.o.;${icoWithCheckDigit('4527464')}`,
].join('\n');

const PDF = '%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n';

beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'om-browser-ws-'));
  smtp = await startSmtpCatcher();
  ctx = testContext(database.db, { ATTACHMENT_DIR: join(dir, 'prilohy'), SMTP_URL: smtp.url, EXPORT_DIR: join(dir, 'export') });
  ({ server, base } = await startPortal(ctx));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  server?.close();
  await smtp?.close();
  await database.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** Links are made for BASE_URL; the test's portal listens on a loopback port. */
const local = (link: string) => base + new URL(link).pathname;

async function go(page: Page, path: string) {
  await page.goto(base + path);
  visited.add(path);
}

async function setPassword(page: Page, link: string, password: string) {
  await page.goto(local(link));
  visited.add(new URL(link).pathname);
  await page.fill('#heslo', password);
  await page.fill('#heslo2', password);
  await page.click('button:text("Nastavit heslo a přihlásit se")');
}

async function waitForJob(page: Page) {
  for (let i = 0; i < 100 && (await page.locator('meta[http-equiv="refresh"]').count()) > 0; i++) {
    await page.waitForTimeout(200);
    await page.reload();
  }
  visited.add(new URL(page.url()).pathname);
}

let editor: BrowserContext;

describe('the publisher workspace', () => {
  it('an admin creates an organisation and an editor', async () => {
    // What `om user create --admin` does: an account without a password and a one-time link.
    const admin = await ctx.accounts.createUser({ email: adminEmail, name: 'Správce Platformy', isPlatformAdmin: true });
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await setPassword(page, await ctx.accounts.issueLink(admin, 'sign_in'), 'správce má dlouhé heslo');
    await page.click('a:text("Správa platformy")');
    visited.add('/sprava/admin');
    await page.fill('#org-ico', townIco);
    await page.fill('#org-nazev', 'Město Otevřenov');
    await page.click('button:text("Založit organizaci")');
    expect(await page.textContent('[role=status]')).toContain('Organizace byla založena.');
    await page.fill('#u-email', editorEmail);
    await page.fill('#u-jmeno', 'Jana Nováková');
    await page.fill('#u-org', townIco);
    await page.selectOption('#u-role', 'editor');
    await page.click('button:text("Založit uživatele a poslat odkaz")');
    expect(await page.textContent('[role=status]')).toContain('Nový uživatel dostal e-mailem odkaz');
    expect(await page.textContent('main')).toContain('ne (čeká na odkaz)');
    await context.close();
  });

  it('the editor signs in, uploads a CSV with one bad row, reads the report, fixes the row and uploads again', async () => {
    const link = linkFrom(smtp.messages, editorEmail);
    expect(link).toBeDefined();
    editor = await browser.newContext({ javaScriptEnabled: false, acceptDownloads: true });
    const page = await editor.newPage();
    await setPassword(page, link!, 'jana publikuje smlouvy');
    visited.add('/sprava');
    // Signing out and in again with the new password, as on any later day.
    await page.click('button:text("Odhlásit se")');
    expect(await page.textContent('[role=status]')).toContain('Byli jste odhlášeni.');
    await page.fill('#email', editorEmail);
    await page.fill('#heslo', 'jana publikuje smlouvy');
    await page.click('button:text("Přihlásit se")');
    expect(new URL(page.url()).pathname).toBe(`/sprava/${townIco}`);
    await page.goto(`${base}/sprava?hotovo=heslo`);
    await page.click('a:text("Město Otevřenov")');
    expect(await page.textContent('h1')).toContain('Město Otevřenov: co potřebuje pozornost');
    visited.add(`/sprava/${townIco}`);

    await page.click('nav.ws-nav a:text("Nahrát soubor")');
    visited.add(`/sprava/${townIco}/nahrat`);
    const file = join(dir, 'smlouvy.csv');
    writeFileSync(file, CSV);
    await page.setInputFiles('#soubor', file);
    await page.click('button:text("Nahrát a zpracovat")');
    await waitForJob(page);
    const report = (await page.textContent('main'))!;
    expect(report).toContain('dokončeno');
    expect(report).toMatch(/Nově založeno\s*2/);
    expect(report).toMatch(/Odmítnuto\s*1/);
    const row = page.locator('tr', { hasText: 'datumUzavreni' });
    expect(await row.textContent()).toContain('31. 2. 2024');
    expect(await row.textContent()).toContain('Datum musí být platné datum');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:text("Stáhnout odmítnuté řádky (CSV)")')]);
    const rejected = readFileSync((await download.path())!, 'utf8');
    expect(rejected).toContain('Nákup laviček do parku');
    expect(rejected).not.toContain('Oprava střechy radnice');
    const fixed = join(dir, 'smlouvy-opravene.csv');
    writeFileSync(fixed, rejected.replace('31. 2. 2024', '28. 2. 2024'));

    await page.click('a:text("Nahrát další soubor")');
    await page.setInputFiles('#soubor', fixed);
    await page.click('button:text("Nahrát a zpracovat")');
    await waitForJob(page);
    const second = (await page.textContent('main'))!;
    expect(second).toMatch(/Nově založeno\s*1/);
    expect(second).toMatch(/Odmítnuto\s*0/);
    expect(second).toContain('Žádný řádek nebyl odmítnut.');
  });

  it('the editor publishes a contract by hand with a PDF, corrects it, withdraws it; the public page shows all three steps', async () => {
    const page = await editor.newPage();
    await go(page, `/sprava/${townIco}/novy/smlouva`);
    await page.fill('#f-id', 'OT-RUCNE-1');
    await page.fill('#f-predmet', 'Zimní údržba komunikací');
    await page.fill('#f-datumUzavreni', '2024-11-04');
    await page.fill('#f-hodnotaBezDph', '180 000,00');
    await page.fill('#f-strany-1-ico', '25596641');
    await page.click('button:text("Doplnit stranu 1 podle IČO")');
    expect(await page.inputValue('#f-strany-1-nazev')).toBe('Střechy Otevřenov s.r.o.');
    const pdf = join(dir, 'smlouva-zimni-udrzba.pdf');
    writeFileSync(pdf, PDF);
    await page.setInputFiles('#f-priloha', pdf);
    await page.click('button:text("Nahrát přílohu")');
    expect(await page.textContent('[role=status]')).toContain('Příloha „smlouva-zimni-udrzba.pdf“ je nahrána (application/pdf)');
    expect(await page.inputValue('#f-prilohy-1-typMedia')).toBe('application/pdf');
    await page.click('.actions button:text("Náhled")');
    expect(await page.textContent('#nahled')).toContain('Náhled');
    await page.click('button:text-is("Zveřejnit")');
    expect(await page.textContent('[role=status]')).toContain('Záznam je zveřejněn.');
    visited.add(`/sprava/${townIco}/zaznamy`);

    await page.click('a[aria-label="Opravit: Zimní údržba komunikací"]');
    visited.add(`/sprava/${townIco}/zaznam/OT-RUCNE-1/opravit`);
    await page.fill('#f-predmet', 'Zimní údržba místních komunikací 2024/2025');
    await page.fill('#f-poznamka-opravy', 'Upřesněn předmět podle smlouvy');
    await page.click('button:text("Zveřejnit opravu")');
    expect(await page.textContent('[role=status]')).toContain('Oprava je zveřejněna jako nová verze záznamu.');

    await page.click('a[aria-label="Znepřístupnit: Zimní údržba místních komunikací 2024/2025"]');
    visited.add(`/sprava/${townIco}/zaznam/OT-RUCNE-1/znepristupnit`);
    await page.fill('#duvod', 'Smlouva byla zrušena dohodou stran');
    await page.click('button:text("Znepřístupnit záznam")');
    expect(await page.textContent('[role=status]')).toContain('Záznam je znepřístupněn');

    await page.click('a:text("Veřejná stránka záznamu")');
    const text = (await page.textContent('main'))!;
    expect(text).toContain('Záznam byl znepřístupněn');
    expect(text).toContain('Smlouva byla zrušena dohodou stran');
    expect(text).toMatch(/Verze 1: zveřejněno/);
    expect(text).toMatch(/Verze 2: opraveno/);
    expect(text).toContain('Poznámka: Upřesněn předmět podle smlouvy');
    expect(text).toMatch(/Verze 3: znepřístupněno/);
    const attachment = await page.request.get(`${base}/prilohy/${(await ctx.register.detail((await ctx.organizations.getByIco(townIco)), 'OT-RUCNE-1')).versions[0]!.content.prilohy![0]!.sha256}`);
    expect(attachment.headers()['content-type']).toBe('application/pdf');
    await page.close();
  });

  it('with JavaScript on, checks a field as it is filled in, with the standard’s own message', async () => {
    const context = await browser.newContext({ storageState: await editor.storageState() });
    const page = await context.newPage();
    await page.goto(`${base}/sprava/${townIco}/novy/objednavka`);
    await page.fill('#f-hodnotaBezDph', 'hodně peněz');
    await page.press('#f-hodnotaBezDph', 'Tab');
    const problem = page.locator('#f-hodnotaBezDph-chyba');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('Částka musí být číslo');
    expect(await page.getAttribute('#f-hodnotaBezDph', 'aria-invalid')).toBe('true');
    // Untouched required fields are not flagged before the clerk gets to them.
    expect(await page.locator('#f-predmet-chyba').count()).toBe(0);
    await page.fill('#f-hodnotaBezDph', '1 500,50');
    await page.press('#f-hodnotaBezDph', 'Tab');
    await problem.waitFor({ state: 'detached' });
    await context.close();
  });

  it('has no serious or critical axe violations on any workspace page', async () => {
    const state = await editor.storageState();
    const context = await browser.newContext({ storageState: state });
    const page = await context.newPage();
    const paths = [...visited].filter((path) => !path.includes('/odkaz/') && path !== '/sprava/admin');
    paths.push(`/sprava/${townIco}/novy/faktura`);
    for (const path of paths) {
      await page.goto(base + path);
      expect(await seriousViolations(page), path).toEqual([]);
    }
    // The form with problems and with a preview.
    await page.goto(`${base}/sprava/${townIco}/novy/smlouva`);
    await page.fill('#f-predmet', 'Neúplný záznam');
    await page.click('button:text-is("Zveřejnit")');
    expect(await page.textContent('[role=alert]')).toContain('Záznam nelze zveřejnit');
    expect(await seriousViolations(page), 'form with problems').toEqual([]);
    await page.fill('#f-id', 'OT-NAHLED');
    await page.fill('#f-datumUzavreni', '2024-11-20');
    await page.fill('#f-strany-1-nazev', 'Firma s.r.o.');
    await page.click('.actions button:text("Náhled")');
    expect(await page.textContent('#nahled')).toContain('Náhled');
    expect(await seriousViolations(page), 'form with a preview').toEqual([]);
    await page.close();
    await context.close();

    // Pages before signing in, and the administration pages.
    const anonymous = await browser.newPage();
    for (const path of ['/sprava/prihlaseni', '/sprava/zapomenute-heslo']) {
      await anonymous.goto(base + path);
      expect(await seriousViolations(anonymous), path).toEqual([]);
    }
    const user = (await ctx.accounts.findByEmail(adminEmail))!;
    await anonymous.goto(local(await ctx.accounts.issueLink(user, 'reset')));
    expect(await seriousViolations(anonymous), 'set password').toEqual([]);
    await anonymous.fill('#heslo', 'správce má nové heslo');
    await anonymous.fill('#heslo2', 'správce má nové heslo');
    await anonymous.click('button:text("Nastavit heslo a přihlásit se")');
    for (const path of ['/sprava', '/sprava/admin', `/sprava/${townIco}/uzivatele`, `/sprava/${townIco}/tokeny`, `/sprava/${townIco}/sklizen`, `/sprava/${townIco}/audit`, `/sprava/${townIco}/nastaveni`]) {
      await anonymous.goto(base + path);
      expect(await seriousViolations(anonymous), path).toEqual([]);
    }
    await anonymous.goto(`${base}/sprava/${townIco}/audit`);
    const audit = (await anonymous.textContent('main'))!;
    expect(audit).toContain('zveřejnění záznamu');
    expect(audit).toContain(editorEmail);
    await anonymous.close();
  });
});
