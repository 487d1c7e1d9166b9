/**
 * The workspace's security and its actions on both databases: CSRF, cookies, the sign-in throttle, one organisation
 * kept from another on every route, attachments by their real type, password reset by e-mail, the audit log,
 * and the same actions through the API with a token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import type { AppError } from '../../errors.ts';
import { createTestDatabase, type TestDatabase } from '../../db/testing.ts';
import { contract, items, makeOrganization, testContext } from '../../testing/factories.ts';
import { formCookieOf, signedInClient, TEST_PASSWORD, WorkspaceClient } from '../../testing/workspace-client.ts';
import { linkFrom, startSmtpCatcher, type SmtpCatcher } from '../../testing/smtp-catcher.ts';
import { bytesSource } from '../../imports/source.ts';
import { dumpRecord } from '../../testing/register-dump.ts';
import { icoWithCheckDigit } from '../../shared/identifiers.ts';
import { buildIsdoc, TOWN } from '../../imports/isdoc/testdata/invoice.ts';
import { createApp } from '../../app.tsx';
import { workspaceRoutes } from './routes.tsx';
import { formFromRecord } from '../../workspace/form.ts';
import type { AppContext } from '../../context.ts';
import type { Organization } from '../../organizations/service.ts';

const PDF = new TextEncoder().encode('%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const PDF_H2 = new TextEncoder().encode('%PDF-1.7\n% smlouva H-2\n%%EOF\n');
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const BAD_CSV = 'typ;id;predmet;datumUzavreni;hodnotaBezDph;strany.1.nazev;strany.1.ico\nsmlouva;T-1;Oprava střechy;2024-03-01;1000,00;Stavby s.r.o.;25596641\nsmlouva;T-2;Nákup lavic;2024-13-45;500;Lavice a.s.;25596641\n';

let database: TestDatabase;
let ctx: AppContext;
let app: Hono;
let smtp: SmtpCatcher;
let dir: string;
let townA: Organization;
let townB: Organization;
let adminA: WorkspaceClient;
let editorA: WorkspaceClient;
let editorAEmail: string;
const b = { jobId: 0, draftId: 0, tokenId: 0, sourceId: 0, sha256: '', userId: 0, record: 'B-1' };

beforeAll(async () => {
  database = await createTestDatabase();
  smtp = await startSmtpCatcher();
  dir = mkdtempSync(join(tmpdir(), 'om-ws-'));
  ctx = testContext(database.db, { ATTACHMENT_DIR: dir, SMTP_URL: smtp.url, API_RATE_LIMIT: '0' });
  app = createApp(ctx);
  townA = await makeOrganization(ctx, { name: 'Město A' });
  townB = await makeOrganization(ctx, { name: 'Město B' });
  const tag = Math.random().toString(36).slice(2, 8);
  adminA = (await signedInClient(ctx, app, { email: `spravce-a-${tag}@a.cz`, organization: townA, role: 'admin' })).client;
  editorAEmail = `editor-a-${tag}@a.cz`;
  editorA = (await signedInClient(ctx, app, { email: editorAEmail, organization: townA, role: 'editor' })).client;
  const adminB = await signedInClient(ctx, app, { email: `spravce-b-${tag}@b.cz`, organization: townB, role: 'admin' });
  b.userId = adminB.user.id;

  // Town B's own things, which town A must not see or touch.
  await ctx.register.publish(townB, items([contract({ id: b.record, predmet: 'Tajná smlouva B' })]), { source: 'test' });
  const actorB = { kind: 'user' as const, userId: adminB.user.id, label: adminB.user.email, ip: null };
  b.draftId = await ctx.workspace.saveDraft(actorB, townB, 'smlouva', { predmet: 'Koncept B' });
  b.jobId = (await ctx.tableImport.importTable(townB, bytesSource('b.csv', new TextEncoder().encode(BAD_CSV)), { actor: 'test' })).job.id;
  b.tokenId = (await ctx.tokens.create(townB, 'B token')).id;
  b.sourceId = (await ctx.harvest.addSource(townB, 'https://example.org/b.csv')).id;
  b.sha256 = (await ctx.workspace.storeAttachment(actorB, townB, 'b.pdf', PDF)).sha256;
});

afterAll(async () => {
  await smtp?.close();
  await database.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const form = (fields: Record<string, string>) => fields;

describe('CSRF', () => {
  it('refuses a form without the token, with a wrong one, or from another site', async () => {
    const path = `/sprava/${townA.ico}/formular/smlouva`;
    await editorA.get(`/sprava/${townA.ico}/novy/smlouva`);
    const fields = form({ _akce: 'koncept', predmet: 'Bez tokenu' });
    expect((await editorA.post(path, fields, { csrf: false })).status).toBe(403);
    expect((await editorA.post(path, { ...fields, _csrf: 'podvrh' }, { csrf: false })).status).toBe(403);
    const body = new FormData();
    body.set('_csrf', editorA.csrf);
    body.set('_akce', 'koncept');
    const crossSite = await editorA.request(path, { method: 'POST', body, headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect(await ctx.drafts.listOpen(townA)).toEqual([]);
    // The same form with the token goes through.
    expect((await editorA.post(path, fields)).status).toBe(303);
  });

  it('refuses a sign-in without the form token', async () => {
    const body = new FormData();
    body.set('email', editorAEmail);
    body.set('heslo', TEST_PASSWORD);
    const response = await app.request('/sprava/prihlaseni', { method: 'POST', body });
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie') ?? '').not.toContain('om_session=');
  });
});

async function waitForLink(email: string): Promise<string | undefined> {
  for (let i = 0; i < 50; i++) {
    const link = linkFrom(smtp.messages, email);
    if (link) return link;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

async function signIn(email: string, password: string, target: Hono = app) {
  const { cookie, token } = await formCookieOf(target, '/sprava/prihlaseni');
  const body = new FormData();
  body.set('_csrf', token);
  body.set('email', email);
  body.set('heslo', password);
  return target.request('/sprava/prihlaseni', { method: 'POST', body, headers: { cookie } });
}

describe('sessions and sign-in', () => {
  it('sets an HTTP-only SameSite session cookie, Secure when the portal runs on https', async () => {
    const plain = await signIn(editorAEmail, TEST_PASSWORD);
    expect(plain.status).toBe(303);
    const cookie = plain.headers.get('set-cookie')!;
    expect(cookie).toMatch(/om_session=[\w-]{40,}/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    const httpsApp = createApp(testContext(database.db, { BASE_URL: 'https://portal.example', ATTACHMENT_DIR: dir }));
    const secure = await signIn(editorAEmail, TEST_PASSWORD, httpsApp);
    expect(secure.headers.get('set-cookie')).toMatch(/om_session=.*HttpOnly.*Secure.*SameSite=Lax|om_session=.*Secure/);
    expect(secure.headers.get('set-cookie')).toContain('Secure');
  });

  it('throttles the 6th wrong password in a minute, even when the 7th is right', async () => {
    const user = await ctx.accounts.createUser({ email: `hadac-${Date.now()}@a.cz`, name: 'Hádač' });
    const link = new URL(await ctx.accounts.issueLink(user, 'sign_in')).pathname.split('/').pop()!;
    await ctx.accounts.setPasswordWithLink(link, TEST_PASSWORD, null);
    for (let attempt = 1; attempt <= 5; attempt++) {
      const response = await signIn(user.email, `špatné heslo ${attempt}`);
      expect(response.status).toBe(401);
      expect(await response.text()).toContain('E-mail nebo heslo nesouhlasí.');
    }
    const sixth = await signIn(user.email, 'špatné heslo 6');
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await sixth.text()).toContain('Příliš mnoho neúspěšných pokusů o přihlášení');
    expect((await signIn(user.email, TEST_PASSWORD)).status).toBe(429);
  });

  it('sends a one-time reset link by e-mail that sets a new password once and ends the other sessions', async () => {
    const email = `zapomnetlivy-${Date.now()}@a.cz`;
    const { client: forgetful } = await signedInClient(ctx, app, { email, organization: townA });
    expect((await forgetful.request(`/sprava/${townA.ico}`)).status).toBe(200);
    const { cookie, token } = await formCookieOf(app, '/sprava/zapomenute-heslo');
    const body = new FormData();
    body.set('_csrf', token);
    body.set('email', email);
    const response = await app.request('/sprava/zapomenute-heslo', { method: 'POST', body, headers: { cookie } });
    expect(await response.text()).toContain('poslali jsme na ni odkaz');
    const link = await waitForLink(email);
    expect(link).toBeDefined();
    const path = new URL(link!).pathname;
    const page = await formCookieOf(app, path);
    const reset = new FormData();
    reset.set('_csrf', page.token);
    reset.set('heslo', 'nové heslo pro editora');
    reset.set('heslo2', 'nové heslo pro editora');
    expect((await app.request(path, { method: 'POST', body: reset, headers: { cookie: page.cookie } })).status).toBe(303);
    expect((await signIn(email, 'nové heslo pro editora')).status).toBe(303);
    expect((await app.request(path)).status).toBe(404);
    expect((await forgetful.request(`/sprava/${townA.ico}`)).status).toBe(303);
    // An unknown address gets the same answer and no message.
    const before = smtp.messages.length;
    const unknown = new FormData();
    unknown.set('_csrf', token);
    unknown.set('email', 'nikdo@nikde.cz');
    expect(await (await app.request('/sprava/zapomenute-heslo', { method: 'POST', body: unknown, headers: { cookie } })).text()).toContain('poslali jsme na ni odkaz');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.messages.length).toBe(before);
  });

  it('uses up every open link of a person once a password is set', async () => {
    const user = await ctx.accounts.createUser({ email: `odkazy-${Date.now()}@a.cz`, name: 'Odkazy' });
    const invitation = new URL(await ctx.accounts.issueLink(user, 'sign_in')).pathname.split('/').pop()!;
    const reset = new URL(await ctx.accounts.issueLink(user, 'reset')).pathname.split('/').pop()!;
    await ctx.accounts.setPasswordWithLink(reset, TEST_PASSWORD, null);
    expect(await ctx.accounts.peekLink(invitation)).toBeUndefined();
    expect((await app.request(`/sprava/odkaz/${invitation}`)).status).toBe(404);
  });

  it('lets a signed-in person use a one-time link', async () => {
    const { client, user } = await signedInClient(ctx, app, { email: `prihlaseny-${Date.now()}@a.cz`, organization: townA });
    const token = new URL(await ctx.accounts.issueLink(user, 'reset')).pathname.split('/').pop()!;
    await client.get(`/sprava/odkaz/${token}`);
    expect((await client.post(`/sprava/odkaz/${token}`, { heslo: 'jiné dlouhé heslo', heslo2: 'jiné dlouhé heslo' })).status).toBe(303);
  });

  it('sends a new person their first sign-in link, and never sets a password for them', async () => {
    const email = `novy-${Date.now()}@a.cz`;
    expect((await adminA.get(`/sprava/${townA.ico}/uzivatele`)).status).toBe(200);
    expect((await adminA.post(`/sprava/${townA.ico}/uzivatele`, { email, jmeno: 'Nový Editor', role: 'editor' })).status).toBe(303);
    expect(linkFrom(smtp.messages, email)).toMatch(/\/sprava\/odkaz\//);
    expect((await signIn(email, '')).status).toBe(401);
  });
});

describe('one organisation kept from another', () => {
  // Every organisation route of the workspace, as town A's admin would reach town B's things.
  const routes = (): Array<[string, string, Record<string, string>?]> => [
    ['GET', '/:ico'],
    ['GET', '/:ico/nahrat'],
    ['POST', '/:ico/nahrat', {}],
    ['GET', `/:ico/importy/${b.jobId}`],
    ['GET', `/:ico/importy/${b.jobId}/odmitnute.csv`],
    ['GET', '/:ico/zaznamy'],
    ['GET', '/:ico/novy/smlouva'],
    ['GET', `/:ico/koncepty/${b.draftId}`],
    ['GET', `/:ico/koncepty/${b.draftId}/zahodit`],
    ['POST', `/:ico/koncepty/${b.draftId}/zahodit`, {}],
    ['GET', `/:ico/zaznam/${b.record}/opravit`],
    ['POST', '/:ico/formular/smlouva', { _akce: 'zverejnit', _oprava: b.record, id: b.record, predmet: 'Přepsáno z A', datumUzavreni: '2024-01-01', 'strany.1.nazev': 'X' }],
    ['POST', '/:ico/kontrola/smlouva', { predmet: 'x' }],
    ['GET', `/:ico/zaznam/${b.record}/hotovo`],
    ['GET', `/:ico/zaznam/${b.record}/znepristupnit`],
    ['POST', `/:ico/zaznam/${b.record}/znepristupnit`, { duvod: 'Znepřístupněno z A' }],
    ['GET', `/:ico/prilohy/${b.sha256}`],
    ['GET', '/:ico/uzivatele'],
    ['POST', '/:ico/uzivatele', { email: 'vetrelec@a.cz', role: 'admin' }],
    ['POST', `/:ico/uzivatele/${b.userId}/odebrat`, {}],
    ['GET', '/:ico/tokeny'],
    ['POST', '/:ico/tokeny', { nazev: 'ukradený' }],
    ['POST', `/:ico/tokeny/${b.tokenId}/zrusit`, {}],
    ['GET', '/:ico/sklizen'],
    ['POST', '/:ico/sklizen', { url: 'https://evil.example/b.csv' }],
    ['POST', `/:ico/sklizen/${b.sourceId}/vypnout`, {}],
    ['GET', '/:ico/audit'],
    ['GET', '/:ico/nastaveni'],
    ['POST', '/:ico/nastaveni', { nazev: 'Přejmenováno z A', druh: 'obec' }],
  ];

  it('covers every organisation route of the workspace', () => {
    const declared = new Set(
      workspaceRoutes(ctx)
        .routes.filter((r) => r.path.startsWith('/:ico') && r.method !== 'ALL')
        .map((r) => `${r.method} ${r.path}`),
    );
    const tested = new Set(routes().map(([method, path]) => `${method} ${path.replace(/\/\d+(?=\/|$)/g, '/:id').replace(/\/[0-9a-f]{64}/, '/:sha256').replace(`/${b.record}`, '/:id').replace('/novy/smlouva', '/novy/:type').replace('/formular/smlouva', '/formular/:type').replace('/kontrola/smlouva', '/kontrola/:type').replace(/uzivatele\/:id/, 'uzivatele/:userId')}`));
    expect([...declared].filter((route) => !tested.has(route))).toEqual([]);
  });

  it('answers 403 on every route of town B for town A’s admin, and changes nothing of B', async () => {
    await adminA.get(`/sprava/${townA.ico}`);
    for (const [method, template, fields] of routes()) {
      const path = `/sprava${template.replace(':ico', townB.ico)}`;
      const response = method === 'GET' ? await adminA.request(path) : await adminA.post(path, fields ?? {});
      expect(`${method} ${template}: ${response.status}`).toBe(`${method} ${template}: 403`);
    }
    const detail = await ctx.register.detail(townB, b.record);
    expect(detail.versions).toHaveLength(1);
    expect(detail.status).toBe('published');
    expect((await ctx.tokens.list(townB)).map((t) => t.revoked_at)).toEqual([null]);
    expect((await ctx.harvest.listSources(townB)).map((s) => s.url)).toEqual(['https://example.org/b.csv']);
    expect((await ctx.accounts.members(townB)).map((m) => m.id)).toEqual([b.userId]);
    expect((await ctx.organizations.getByIco(townB.ico)).name).toBe('Město B');
    expect((await ctx.audit.list(townB.id)).items.map((e) => e.action)).toEqual(['attachment.stored', 'draft.saved']);
  });

  it('does not reach B’s things through town A’s own paths either', async () => {
    for (const path of [`/importy/${b.jobId}`, `/importy/${b.jobId}/odmitnute.csv`, `/koncepty/${b.draftId}`, `/zaznam/${b.record}/opravit`, `/zaznam/${b.record}/znepristupnit`, `/prilohy/${b.sha256}`]) {
      expect(`${path}: ${(await adminA.request(`/sprava/${townA.ico}${path}`)).status}`).toBe(`${path}: 404`);
    }
    expect((await adminA.request(`/sprava/${townA.ico}/koncepty/${b.draftId}/zahodit`)).status).toBe(404);
    for (const path of [`/tokeny/${b.tokenId}/zrusit`, `/sklizen/${b.sourceId}/vypnout`, `/uzivatele/${b.userId}/odebrat`, `/koncepty/${b.draftId}/zahodit`]) {
      expect(`${path}: ${(await adminA.post(`/sprava/${townA.ico}${path}`, {})).status}`).toBe(`${path}: 404`);
    }
    // An unpublished attachment is not public either.
    expect((await app.request(`/prilohy/${b.sha256}`)).status).toBe(404);
  });

  it('does not publish another town’s unpublished attachment when a record names it', async () => {
    await editorA.get(`/sprava/${townA.ico}/novy/smlouva`);
    const values = { id: 'CIZI-PRILOHA', predmet: 'Pokus', datumUzavreni: '2024-01-02', 'strany.1.nazev': 'Firma', 'prilohy.1.nazev': 'b.pdf', 'prilohy.1.sha256': b.sha256 };
    expect((await editorA.post(`/sprava/${townA.ico}/formular/smlouva`, { ...values, _akce: 'zverejnit' })).status).toBe(303);
    expect((await app.request(`/prilohy/${b.sha256}`)).status).toBe(404);
  });

  it('keeps an admin from widening their own role or granting subordinates they do not reach', async () => {
    const me = (await ctx.accounts.members(townA)).find((m) => m.role === 'admin')!;
    await adminA.get(`/sprava/${townA.ico}/uzivatele`);
    expect((await adminA.post(`/sprava/${townA.ico}/uzivatele`, { email: me.email, role: 'admin', podrizene: '1' })).status).toBe(403);
    expect((await adminA.post(`/sprava/${townA.ico}/uzivatele`, { email: `podrizeny-${Date.now()}@a.cz`, role: 'editor', podrizene: '1' })).status).toBe(403);
    expect((await adminA.post(`/sprava/${townA.ico}/uzivatele/${me.id}/odebrat`, {})).status).toBe(403);
    expect((await ctx.accounts.members(townA)).find((m) => m.id === me.id)).toMatchObject({ role: 'admin', includeSubordinates: false });
  });

  it('keeps an organisation’s last administrator: a platform admin must first give the role to someone else', async () => {
    const town = await makeOrganization(ctx, { name: 'Město C' });
    const tag = Math.random().toString(36).slice(2, 8);
    const platform = (await signedInClient(ctx, app, { email: `platforma-${tag}@om.cz`, platformAdmin: true })).client;
    const onlyAdmin = (await signedInClient(ctx, app, { email: `jediny-${tag}@c.cz`, organization: town, role: 'admin' })).user;
    await platform.get(`/sprava/${town.ico}/uzivatele`);

    const refused = await platform.post(`/sprava/${town.ico}/uzivatele/${onlyAdmin.id}/odebrat`, {});
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('Organizace musí mít alespoň jednoho správce');
    expect((await platform.post(`/sprava/${town.ico}/uzivatele`, { email: onlyAdmin.email, role: 'editor' })).status).toBe(409);
    expect((await ctx.accounts.members(town)).map((m) => `${m.email}:${m.role}`)).toEqual([`${onlyAdmin.email}:admin`]);

    expect((await platform.post(`/sprava/${town.ico}/uzivatele`, { email: `nastupce-${tag}@c.cz`, role: 'admin' })).status).toBe(303);
    expect((await platform.post(`/sprava/${town.ico}/uzivatele/${onlyAdmin.id}/odebrat`, {})).status).toBe(303);
    expect((await ctx.accounts.members(town)).map((m) => `${m.email}:${m.role}`)).toEqual([`nastupce-${tag}@c.cz:admin`]);
  });

  it('creates a token that may manage people only when the admin ticks it, and says so in the list', async () => {
    await adminA.get(`/sprava/${townA.ico}/tokeny`);
    expect((await adminA.post(`/sprava/${townA.ico}/tokeny`, { nazev: 'jen publikace' })).status).toBe(200);
    const page = await adminA.post(`/sprava/${townA.ico}/tokeny`, { nazev: 'personalistika', uzivatele: '1' });
    const token = /<code>(om_[^<]+)<\/code>/.exec(await page.text())![1]!;
    expect((await ctx.tokens.authenticate(token)).mayManageMembers).toBe(true);
    const tokens = await ctx.tokens.list(townA);
    expect(tokens.filter((t) => t.label === 'jen publikace' || t.label === 'personalistika').map((t) => `${t.label}:${t.may_manage_members}`)).toEqual(['jen publikace:0', 'personalistika:1']);
    expect((await adminA.get(`/sprava/${townA.ico}/tokeny`)).html).toContain('personalistika <span class="muted">(vytvořen');
  });

  it('lets the town’s admin change and clear its settings, audited', async () => {
    await adminA.get(`/sprava/${townA.ico}/nastaveni`);
    const save = (fields: Record<string, string>) => adminA.post(`/sprava/${townA.ico}/nastaveni`, { nazev: 'Město A', druh: 'obec', ...fields });
    expect((await save({ ruian: '581372', datovaSchranka: 'abc1234', obyvatele: '1 234' })).status).toBe(303);
    expect(await ctx.organizations.getByIco(townA.ico)).toMatchObject({ ruianCode: '581372', dataBox: 'abc1234', population: 1234 });
    expect((await save({ ruian: '58', datovaSchranka: '', obyvatele: '' })).status).toBe(422);
    expect((await save({ ruian: '', datovaSchranka: '', obyvatele: '' })).status).toBe(303);
    expect(await ctx.organizations.getByIco(townA.ico)).toMatchObject({ ruianCode: null, dataBox: null, population: null });
    expect((await ctx.audit.list(townA.id)).items.filter((e) => e.action === 'organization.updated')).toHaveLength(2);
  });

  it('keeps an editor out of the admin sections of their own town', async () => {
    for (const section of ['uzivatele', 'tokeny', 'sklizen', 'audit', 'nastaveni']) {
      expect((await editorA.request(`/sprava/${townA.ico}/${section}`)).status).toBe(403);
    }
    expect((await editorA.post(`/sprava/${townA.ico}/tokeny`, { nazev: 'x' })).status).toBe(403);
  });

  it('sends an anonymous visitor to the sign-in page', async () => {
    const response = await app.request(`/sprava/${townA.ico}/zaznamy`);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/sprava/prihlaseni?zpet=${encodeURIComponent(`/sprava/${townA.ico}/zaznamy`)}`);
  });
});

describe('publishing by hand', () => {
  const base = () => `/sprava/${townA.ico}/formular/smlouva`;
  const fields = (id: string) => ({ id, predmet: 'Oprava chodníku', datumUzavreni: '15. 3. 2024', hodnotaBezDph: '100 000,00', 'strany.1.nazev': 'Stavby Novák s.r.o.', 'strany.1.ico': '25596641' });

  it('refuses an attachment whose extension lies about its content, and keeps the form', async () => {
    await editorA.get(`/sprava/${townA.ico}/novy/smlouva`);
    const response = await editorA.post(base(), { ...fields('H-1'), _akce: 'priloha', _priloha: new File([PNG], 'smlouva.pdf', { type: 'application/pdf' }) });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('se podle přípony vydává za PDF, ale obsahuje obrázek PNG');
    expect(html).toContain('>Oprava chodníku</textarea>');
  });

  it('publishes with a PDF served by its real type, corrects with a note, withdraws with a reason; the public page shows all three', async () => {
    const upload = await editorA.post(base(), { ...fields('H-2'), _akce: 'priloha', _priloha: new File([PDF_H2], 'smlouva-H-2.pdf', { type: 'application/octet-stream' }) });
    const html = await upload.text();
    expect(upload.status).toBe(200);
    const sha = /name="prilohy\.1\.sha256"[^>]*value="([0-9a-f]{64})"/.exec(html)?.[1] ?? /value="([0-9a-f]{64})"[^>]*name="prilohy\.1\.sha256"/.exec(html)?.[1];
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    expect((await app.request(`/prilohy/${sha}`)).status).toBe(404);
    const values = { ...fields('H-2'), 'prilohy.1.nazev': 'smlouva-H-2.pdf', 'prilohy.1.typMedia': 'application/pdf', 'prilohy.1.sha256': sha!, 'prilohy.1.url': `http://portal.test/prilohy/${sha}` };
    const published = await editorA.post(base(), { ...values, _akce: 'zverejnit' });
    expect(published.status).toBe(303);
    const served = await app.request(`/prilohy/${sha}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('application/pdf');
    expect(served.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(PDF_H2);

    const detail = await ctx.register.detail(townA, 'H-2');
    expect(detail.current.content.hodnotaBezDph).toBe('100000.00');
    expect((detail.current.content as { datumUzavreni?: string }).datumUzavreni).toBe('2024-03-15');

    expect((await editorA.get(`/sprava/${townA.ico}/zaznam/H-2/opravit`)).html).toContain('>Oprava chodníku</textarea>');
    expect((await editorA.post(base(), { ...values, predmet: 'Oprava chodníku v ulici Školní', _oprava: 'H-2', _poznamka: 'Upřesněn předmět', _akce: 'zverejnit' })).status).toBe(303);
    expect((await editorA.post(`/sprava/${townA.ico}/zaznam/H-2/znepristupnit`, { duvod: '' })).status).toBe(422);
    expect((await editorA.post(`/sprava/${townA.ico}/zaznam/H-2/znepristupnit`, { duvod: 'Smlouva byla zveřejněna omylem' })).status).toBe(303);

    const page = await (await app.request(`/organizace/${townA.ico}/zaznam/H-2`)).text();
    expect(page).toContain('Verze 1: zveřejněno');
    expect(page).toContain('Verze 2: opraveno');
    expect(page).toContain('Poznámka: Upřesněn předmět');
    expect(page).toContain('Verze 3: znepřístupněno');
    expect(page).toContain('Smlouva byla zveřejněna omylem');

    const audit = (await ctx.audit.list(townA.id)).items;
    const mine = audit.filter((e) => e.actor === editorAEmail).map((e) => `${e.action} ${e.target}`);
    expect(mine).toEqual(expect.arrayContaining(['record.published H-2', 'record.corrected H-2', 'record.withdrawn H-2']));
    expect(audit.find((e) => e.action === 'record.corrected')?.detail).toMatchObject({ version: 2, note: 'Upřesněn předmět' });
    expect((await adminA.get(`/sprava/${townA.ico}/audit`)).html).toContain('znepřístupnění záznamu');
  });

  it('keeps a party’s hidden birth number through a correction in the form, and never shows it', async () => {
    await ctx.register.publish(townA, items([contract({ id: 'H-RC', strany: [{ nazev: 'Stavby Novák s.r.o.', ico: '25596641' }, { nazev: 'Jan Novák', ico: '736028/5163', typOsoby: 'fyzicka' }] })]), { source: 'test' });
    const form = (await editorA.get(`/sprava/${townA.ico}/zaznam/H-RC/opravit`)).html;
    expect(form).toContain('value="Jan Novák"');
    expect(form).not.toContain('736028');
    expect(form).toContain('name="_odebratSkryte.strany.2.ico"');
    expect(form).toContain('Odebrat skryté rodné číslo (IČO) strany 2');
    const values = formFromRecord((await ctx.register.detail(townA, 'H-RC')).current.content);
    // The preview is of the record as it will be published: the hidden birth number kept, still not shown.
    const preview = await (await editorA.post(base(), { ...values, predmet: 'Opravený předmět', _oprava: 'H-RC', _akce: 'nahled' })).text();
    expect(preview).toContain('Opravený předmět');
    expect(preview).not.toContain('736028');
    expect(preview).toContain('skryto (osobní údaj)');
    expect((await editorA.post(base(), { ...values, predmet: 'Opravený předmět', _oprava: 'H-RC', _akce: 'zverejnit' })).status).toBe(303);
    const corrected = await ctx.register.detail(townA, 'H-RC');
    expect(corrected.current).toMatchObject({ versionNo: 2, redactedPaths: ['strany.2.ico'] });
    expect(corrected.current.changes.map((change) => change.path)).toEqual(['predmet']);
    expect(await ctx.register.hiddenValues(townA, 'H-RC')).toEqual([{ path: 'strany.2.ico', reason: 'birth_number', value: '736028/5163' }]);
    expect(JSON.stringify(corrected)).not.toContain('736028');

    // Ticked, the hidden value goes with the next correction.
    expect((await editorA.post(base(), { ...values, predmet: 'Bez rodného čísla', _oprava: 'H-RC', '_odebratSkryte.strany.2.ico': '1', _akce: 'zverejnit' })).status).toBe(303);
    expect((await ctx.register.detail(townA, 'H-RC')).current).toMatchObject({ versionNo: 3, redactedPaths: [] });
    expect(await ctx.register.hiddenValues(townA, 'H-RC')).toEqual([]);
  });

  it('shows the standard’s own messages at the fields, saves a draft of an invalid record, and previews a valid one', async () => {
    const invalid = await editorA.post(base(), { id: 'H-3', predmet: 'Neúplná smlouva', datumUzavreni: '2024-02-31', _akce: 'zverejnit' });
    expect(invalid.status).toBe(422);
    const html = await invalid.text();
    expect(html).toContain('Datum musí být platné datum ve tvaru RRRR-MM-DD');
    expect(html).toContain('href="#f-datumUzavreni"');
    const draft = await editorA.post(base(), { id: 'H-3', predmet: 'Neúplná smlouva', datumUzavreni: '2024-02-31', _akce: 'koncept' });
    expect(draft.status).toBe(303);
    const home = (await editorA.get(`/sprava/${townA.ico}`)).html;
    expect(home).toContain('Neúplná smlouva');
    const preview = await editorA.post(base(), { ...fields('H-4'), _akce: 'nahled' });
    const previewHtml = await preview.text();
    expect(previewHtml).toContain('Náhled: takto záznam uvidí veřejnost');
    expect(previewHtml).toContain('Stavby Novák s.r.o.');
    await expect(ctx.register.detail(townA, 'H-4')).rejects.toThrow();
  });

  it('discards an unpublished draft after a confirmation, with an audit entry; a published one stays', async () => {
    const saved = await editorA.post(base(), { id: 'H-6', predmet: 'Omylem založený koncept', _akce: 'koncept' });
    const draftPath = saved.headers.get('location')!.replace(/\?.*$/, '');
    expect((await editorA.get(draftPath)).html).toContain(`href="${draftPath}/zahodit"`);
    const confirmation = (await editorA.get(`${draftPath}/zahodit`)).html;
    expect(confirmation).toContain('Zahodit koncept: Omylem založený koncept');
    const discarded = await editorA.post(`${draftPath}/zahodit`, {});
    expect(discarded.status).toBe(303);
    expect(discarded.headers.get('location')).toBe(`/sprava/${townA.ico}?hotovo=zahozeno`);
    expect((await editorA.get(`/sprava/${townA.ico}?hotovo=zahozeno`)).html).toContain('Koncept byl zahozen.');
    expect((await ctx.drafts.listOpen(townA)).map((d) => d.subject)).not.toContain('Omylem založený koncept');
    expect((await editorA.request(draftPath)).status).toBe(404);
    expect((await ctx.audit.list(townA.id)).items.find((e) => e.action === 'draft.discarded')?.detail).toEqual({ subject: 'Omylem založený koncept', attachmentsRemoved: 0 });

    const published = await editorA.post(base(), { ...fields('H-7'), _akce: 'koncept' });
    const publishedPath = published.headers.get('location')!.replace(/\?.*$/, '');
    const draftId = Number(publishedPath.split('/').pop());
    expect((await editorA.post(base(), { ...fields('H-7'), _koncept: String(draftId), _akce: 'zverejnit' })).status).toBe(303);
    expect((await editorA.post(`${publishedPath}/zahodit`, {})).status).toBe(409);
    expect((await ctx.drafts.get(townA, draftId)).recordKey).toBe('H-7');

    // Publishing and discarding the same draft at once: the draft is marked published in the transaction that
    // stores the record, so either the record is stored and the draft kept as its origin, or neither.
    const actorA = { kind: 'cli' as const, label: 'test' };
    // Values as the form's route hands them on (dates and amounts already in the standard's form).
    const values = (id: string) => ({ ...fields(id), datumUzavreni: '2024-03-15', hodnotaBezDph: '100000.00' });
    for (let round = 0; round < 2; round++) {
      const key = `H-RACE-${round}`;
      const id = await ctx.drafts.save(townA, 'smlouva', values(key), null);
      // The publish passes its first check; the discard then removes the draft before the record's transaction.
      const [published, discarded] = await Promise.allSettled([ctx.workspace.publishForm(actorA, townA, 'smlouva', values(key), { draftId: id }), ctx.workspace.discardDraft(actorA, townA, id)]);
      const stored = await ctx.register.detail(townA, key).then(() => true, () => false);
      const draft = await ctx.drafts.get(townA, id).then((d) => d, () => null);
      if (published!.status === 'fulfilled') expect(published.value, `round ${round}`).toMatchObject({ ok: true, key });
      expect([published!.status, discarded!.status].sort(), `round ${round}`).toEqual(['fulfilled', 'rejected']);
      if (published!.status === 'fulfilled') {
        expect(stored).toBe(true);
        expect(draft?.recordKey).toBe(key);
        expect(((discarded as PromiseRejectedResult).reason as AppError).code).toBe('conflict');
      } else {
        expect(stored).toBe(false);
        expect(draft).toBeNull();
        expect(['conflict', 'not_found']).toContain(((published as PromiseRejectedResult).reason as AppError).code);
      }
    }

    // Two discards at once: one removes the draft, the other finds it gone.
    const twice = await ctx.drafts.save(townA, 'smlouva', { predmet: 'Dvakrát zahozený' }, null);
    const results = await Promise.allSettled([ctx.drafts.discard(townA, twice), ctx.drafts.discard(townA, twice)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as AppError).code] : []))).toEqual(['not_found']);
  });

  it('fills a party’s name from its IČO among known organisations', async () => {
    const response = await editorA.post(base(), { id: 'H-5', predmet: 'Služby', 'strany.1.ico': townB.ico, _akce: 'doplnit-1' });
    expect(await response.text()).toContain(`value="${townB.name}"`);
  });
});

describe('upload in the workspace', () => {
  it('imports a CSV with one bad row, reports it, and takes the fixed file', async () => {
    await editorA.get(`/sprava/${townA.ico}/nahrat`);
    const response = await editorA.post(`/sprava/${townA.ico}/nahrat`, { soubor: new File([BAD_CSV], 'smlouvy.csv', { type: 'text/csv' }) });
    expect(response.status).toBe(303);
    const jobPath = response.headers.get('location')!;
    let page = '';
    for (let i = 0; i < 50; i++) {
      page = (await editorA.get(jobPath)).html;
      if (!page.includes('http-equiv="refresh"')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(page).toContain('dokončeno');
    expect(page).toContain('datumUzavreni');
    const rejected = await editorA.request(`${jobPath}/odmitnute.csv`);
    const csv = await rejected.text();
    expect(csv).toContain('Nákup lavic');
    expect(csv).not.toContain('Oprava střechy');
    const fixed = csv.replace('2024-13-45', '2024-03-02');
    const again = await editorA.post(`/sprava/${townA.ico}/nahrat`, { soubor: new File([fixed], 'smlouvy-opravene.csv', { type: 'text/csv' }) });
    const second = again.headers.get('location')!;
    for (let i = 0; i < 50 && (await editorA.get(second)).html.includes('http-equiv="refresh"'); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    const job = await ctx.jobs.get(Number(second.split('/').pop()));
    expect(job?.counts).toMatchObject({ read: 1, created: 1, rejected: 0 });
    expect(((await ctx.register.detail(townA, 'T-2')).current.content as { datumUzavreni?: string }).datumUzavreni).toBe('2024-03-02');
  });

  async function uploadAndWait(client: WorkspaceClient, town: Organization, file: File) {
    const response = await client.post(`/sprava/${town.ico}/nahrat`, { soubor: file });
    expect(response.status).toBe(303);
    const path = response.headers.get('location')!;
    for (let i = 0; i < 50 && (await client.get(path)).html.includes('http-equiv="refresh"'); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    return (await ctx.jobs.getReport(Number(path.split('/').pop()))).job;
  }

  it('stores only the town’s own records from a register dump and creates no other organisation', async () => {
    const own = await ctx.organizations.upsert({ ico: icoWithCheckDigit('2000000'), name: 'Obec Příkladov 0', kind: 'obec' });
    const { client } = await signedInClient(ctx, app, { email: `registr-${Date.now()}@a.cz`, organization: own.organization });
    const dump = `<?xml version="1.0" encoding="UTF-8"?>\n<dump xmlns="http://portal.gov.cz/rejstriky/ISRS/1.2/"><mesic>07</mesic><rok>2024</rok>\n${dumpRecord(1, 2, 10)}${dumpRecord(2, 2, 10)}</dump>\n`;
    const job = await uploadAndWait(client, own.organization, new File([dump], 'dump_2024_07.xml', { type: 'application/xml' }));
    expect(job).toMatchObject({ kind: 'registr-smluv', organizationId: own.organization.id, counts: { read: 2, created: 1, rejected: 1 } });
    expect(await ctx.organizations.findByIco(icoWithCheckDigit('2000001'))).toBeUndefined();
    const report = (await client.get(`/sprava/${own.organization.ico}/importy/${job.id}`)).html;
    expect(report).toContain('Záznam zveřejnil jiný subjekt');
  });

  it('imports an ISDOC invoice of the town', async () => {
    const town = (await ctx.organizations.findByIco(TOWN.ico)) ?? (await ctx.organizations.create({ ico: TOWN.ico, name: TOWN.name, kind: 'obec' }));
    const { client } = await signedInClient(ctx, app, { email: `isdoc-${Date.now()}@a.cz`, organization: town });
    const job = await uploadAndWait(client, town, new File([buildIsdoc({ id: 'FV-WS-1' })], 'faktura.isdoc', { type: 'application/xml' }));
    expect(job).toMatchObject({ kind: 'isdoc', organizationId: town.id, counts: { read: 1, created: 1, rejected: 0 } });
  });

  it('refuses a file of no supported kind with a Czech reason', async () => {
    const response = await editorA.post(`/sprava/${townA.ico}/nahrat`, { soubor: new File(['MZ'], 'program.exe') });
    expect(response.status).toBe(415);
    expect(await response.text()).toContain('Tento druh souboru nelze nahrát');
  });
});

describe('the same actions through the API', () => {
  it('lets a token upload, read the report, draft, publish, attach and read the audit log; never for another town', async () => {
    const { token } = await ctx.tokens.create(townA, 'api');
    const auth = { authorization: `Bearer ${token}` };
    const started = await app.request(`/api/v1/organizations/${townA.ico}/imports?nazev=api.csv`, { method: 'POST', body: BAD_CSV.replaceAll('T-', 'API-'), headers: auth });
    expect(started.status).toBe(202);
    const location = started.headers.get('location')!;
    let job = (await started.json()) as { state: string; counts: { rejected: number }; rejectedRowsUrl: string | null };
    for (let i = 0; i < 50 && job.state === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await (await app.request(location, { headers: auth })).json()) as typeof job;
    }
    expect(job).toMatchObject({ state: 'completed', counts: { rejected: 1 } });
    expect(job.rejectedRowsUrl).toMatch(/rejected\.csv$/);

    const draft = await app.request(`/api/v1/organizations/${townA.ico}/drafts`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ typ: 'smlouva', pole: { id: 'API-D', predmet: 'Z konceptu', datumUzavreni: '2024-04-01', 'strany.1.nazev': 'Firma s.r.o.' } }),
    });
    expect(draft.status).toBe(201);
    const { id } = (await draft.json()) as { id: number };
    expect((await app.request(`/api/v1/organizations/${townA.ico}/drafts/${id}/publish`, { method: 'POST', headers: auth })).status).toBe(200);
    expect((await ctx.register.detail(townA, 'API-D')).current.content.predmet).toBe('Z konceptu');
    expect((await app.request(`/api/v1/organizations/${townA.ico}/drafts/${id}`, { method: 'DELETE', headers: auth })).status).toBe(409);
    const unwanted = (await (await app.request(`/api/v1/organizations/${townA.ico}/drafts`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ typ: 'smlouva', pole: { predmet: 'Nechtěný' } }) })).json()) as { id: number };
    expect((await app.request(`/api/v1/organizations/${townA.ico}/drafts/${unwanted.id}`, { method: 'DELETE', headers: auth })).status).toBe(204);
    expect((await app.request(`/api/v1/organizations/${townA.ico}/drafts/${unwanted.id}`, { headers: auth })).status).toBe(404);
    expect((await app.request(`/api/v1/organizations/${townB.ico}/drafts/${b.draftId}`, { method: 'DELETE', headers: auth })).status).toBe(403);

    const lying = await app.request(`/api/v1/organizations/${townA.ico}/attachments?nazev=sken.pdf`, { method: 'POST', body: PNG, headers: auth });
    expect(lying.status).toBe(415);
    const stored = await app.request(`/api/v1/organizations/${townA.ico}/attachments?nazev=sken.png`, { method: 'POST', body: PNG, headers: auth });
    expect(await stored.clone().json()).toMatchObject({ typMedia: 'image/png', velikost: PNG.length });

    const audit = (await (await app.request(`/api/v1/organizations/${townA.ico}/audit`, { headers: auth })).json()) as { items: Array<{ actor: string; action: string }> };
    expect(audit.items.filter((e) => e.actor.startsWith('token ')).map((e) => e.action)).toEqual(expect.arrayContaining(['import.started', 'draft.saved', 'record.published', 'attachment.stored']));

    // A file named by a record published through the API becomes public on its first request.
    const sha = ((await stored.clone().json()) as { sha256: string }).sha256;
    expect((await app.request(`/prilohy/${sha}`)).status).toBe(404);
    const record = { typ: 'smlouva', id: 'API-P', predmet: 'S přílohou', datumUzavreni: '2024-04-02', strany: [{ nazev: 'Firma s.r.o.' }], prilohy: [{ nazev: 'sken.png', sha256: sha, typMedia: 'image/png' }] };
    expect((await app.request(`/api/v1/organizations/${townA.ico}/records`, { method: 'POST', body: JSON.stringify(record), headers: { ...auth, 'content-type': 'application/json' } })).status).toBe(200);
    const served = await app.request(`/prilohy/${sha}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');

    for (const path of [`/imports/${b.jobId}`, '/drafts', '/audit', '/harvest-sources']) {
      expect((await app.request(`/api/v1/organizations/${townB.ico}${path}`, { headers: auth })).status).toBe(403);
    }
    expect((await app.request(`/api/v1/organizations/${townA.ico}/imports/${b.jobId}`, { headers: auth })).status).toBe(404);
  });
});
