import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import { contract, makeOrganization, testContext } from '../testing/factories.ts';
import { createApp } from '../app.tsx';
import type { AppContext } from '../context.ts';
import type { Hono } from 'hono';
import { csvColumns, flattenRecord } from '../standard/flat.ts';
import { csvLine } from '../shared/csv.ts';
import { readOvmXml } from '../organizations/import.ts';

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

async function orgWithToken() {
  const organization = await makeOrganization(ctx);
  const { token } = await ctx.tokens.create(organization, 'test');
  return { organization, token };
}

function post(path: string, body: string | Uint8Array, headers: Record<string, string>) {
  return app.request(path, { method: 'POST', body, headers });
}

describe('publishing API', () => {
  it('answers 401 without a token and 403 with a token of another organisation', async () => {
    const a = await orgWithToken();
    const b = await orgWithToken();
    const body = JSON.stringify([contract()]);
    const noToken = await post(`/api/v1/organizations/${b.organization.ico}/records`, body, { 'content-type': 'application/json' });
    expect(noToken.status).toBe(401);
    expect((await readJson(noToken)).error.code).toBe('unauthorized');
    const wrong = await post(`/api/v1/organizations/${b.organization.ico}/records`, body, { 'content-type': 'application/json', authorization: `Bearer ${a.token}` });
    expect(wrong.status).toBe(403);
    expect((await readJson(wrong)).error.code).toBe('forbidden');
    const revokedId = (await ctx.tokens.list(a.organization))[0]!.id;
    await ctx.tokens.revoke(revokedId);
    const revoked = await post(`/api/v1/organizations/${a.organization.ico}/records`, body, { 'content-type': 'application/json', authorization: `Bearer ${a.token}` });
    expect(revoked.status).toBe(401);
    expect(await ctx.register.count({ organizationIds: [b.organization.id] })).toBe(0);
  });

  it('publishes CSV once, then reports everything unchanged, and a changed row as version 2', async () => {
    const { organization, token } = await orgWithToken();
    const columns = csvColumns('smlouva');
    const records = [contract({ id: 'CSV-1' }), contract({ id: 'CSV-2', predmet: 'Školní hřiště' })];
    const csv = csvLine(columns) + records.map((r) => csvLine(flattenRecord(r, columns))).join('');
    const headers = { 'content-type': 'text/csv', authorization: `Bearer ${token}` };
    const url = `/api/v1/organizations/${organization.ico}/records`;
    const first = await readJson(await post(url, csv, headers));
    expect(first).toMatchObject({ read: 2, created: 2, unchanged: 0, format: 'csv' });
    const second = await readJson(await post(url, csv, headers));
    expect(second).toMatchObject({ read: 2, created: 0, newVersions: 0, unchanged: 2 });
    const changed = csv.replace('Školní hřiště', 'Školní hřiště a tělocvična');
    const third = await readJson(await post(url, changed, headers));
    expect(third).toMatchObject({ created: 0, newVersions: 1, unchanged: 1 });
    const detail = await readJson(await app.request(`${url}/CSV-2`));
    expect(detail.versions.map((v: { version: number; record: { predmet: string } }) => [v.version, v.record.predmet])).toEqual([
      [1, 'Školní hřiště'],
      [2, 'Školní hřiště a tělocvična'],
    ]);
  });

  it('refuses an unreadable body with 400 and stores nothing', async () => {
    const { organization, token } = await orgWithToken();
    const url = `/api/v1/organizations/${organization.ico}/records`;
    const broken = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('id,predmet\n'), 0xc3, 0x28, 0x0a]);
    for (const [body, type] of [
      ['{"id": "a", ', 'application/json'],
      [broken, 'text/csv'],
      ['nazev;cena\nx;1', 'text/csv'],
    ] as Array<[string | Uint8Array, string]>) {
      const response = await post(url, body, { 'content-type': type, authorization: `Bearer ${token}` });
      expect(response.status).toBe(400);
      const json = await readJson(response);
      expect(json.error.code).toBe('unreadable_input');
      expect(json.error.message.length).toBeGreaterThan(10);
    }
    const unsupported = await post(url, 'x', { 'content-type': 'application/pdf', authorization: `Bearer ${token}` });
    expect(unsupported.status).toBe(415);
    expect(await ctx.register.count({ organizationIds: [organization.id] })).toBe(0);
  });

  it('with ?atomic=true answers 422 with every reason and stores nothing', async () => {
    const { organization, token } = await orgWithToken();
    const ndjson = [contract({ id: 'OK' }), contract({ id: 'BAD', datumUzavreni: '2024-13-40' }), contract({ id: 'BAD2', hodnotaBezDph: '-1' })]
      .map((r) => JSON.stringify(r))
      .join('\n');
    const response = await post(`/api/v1/organizations/${organization.ico}/records?atomic=true`, ndjson, { 'content-type': 'application/x-ndjson', authorization: `Bearer ${token}` });
    expect(response.status).toBe(422);
    const json = await readJson(response);
    expect(json.error.code).toBe('atomic_rejected');
    expect(json.error.details.outcomes.map((o: { line: number; issues: Array<{ path: string }> }) => [o.line, o.issues[0]!.path])).toEqual([
      [2, 'datumUzavreni'],
      [3, 'hodnotaBezDph'],
    ]);
    expect(await ctx.register.count({ organizationIds: [organization.id] })).toBe(0);
  });

  it('answers per record with reasons when not atomic', async () => {
    const { organization, token } = await orgWithToken();
    const response = await post(
      `/api/v1/organizations/${organization.ico}/records?typ=smlouva`,
      JSON.stringify({ zaznamy: [{ ...contract({ id: 'T1' }), typ: undefined }, { id: 'T2' }] }),
      { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    );
    expect(response.status).toBe(200);
    const json = await readJson(response);
    expect(json.outcomes.map((o: { id: string; status: string }) => [o.id, o.status])).toEqual([
      ['T1', 'created'],
      ['T2', 'rejected'],
    ]);
    expect(json.outcomes[1].issues.map((i: { path: string; code: string }) => `${i.path}:${i.code}`)).toEqual(
      expect.arrayContaining(['predmet:missing_field', 'datumUzavreni:missing_field', 'strany:missing_field']),
    );
  });

  it('withdraws through the API with a reason; the record page shows the history', async () => {
    const { organization, token } = await orgWithToken();
    await ctx.register.publish(organization, [{ line: 1, data: contract({ id: 'SML/2024/7' }) }], { source: 'test' });
    const path = `/api/v1/organizations/${organization.ico}/records/${encodeURIComponent('SML/2024/7')}`;
    const noReason = await post(`${path}/withdraw`, '{}', { 'content-type': 'application/json', authorization: `Bearer ${token}` });
    expect(noReason.status).toBe(422);
    const ok = await post(`${path}/withdraw`, JSON.stringify({ duvod: 'Duplicitní záznam' }), { 'content-type': 'application/json', authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    expect((await readJson(ok)).status).toBe('withdrawn');
    const page = await app.request(`/organizace/${organization.ico}/zaznam/${encodeURIComponent('SML/2024/7')}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Duplicitní záznam');
    expect(html).toContain('znepřístupněno');
  });
});

describe('read API, validator and pages', () => {
  it('lists records with filters and cursor, and rejects bad parameters with 400', async () => {
    const organization = await makeOrganization(ctx);
    await ctx.register.publish(organization, [1, 2, 3].map((n) => ({ line: n, data: contract({ id: `L${n}`, predmet: `Údržba zeleně ${n}` }) })), { source: 'test' });
    const first = await readJson(await app.request(`/api/v1/organizations/${organization.ico}/records?limit=2&q=UDRZBA`));
    expect(first.items).toHaveLength(2);
    expect(first.items[0].amountWithoutVat).toBe('100000.00');
    const second = await readJson(await app.request(`/api/v1/organizations/${organization.ico}/records?limit=2&q=udrzba&cursor=${first.nextCursor}`));
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const bad = await app.request('/api/v1/records?dateFrom=15.3.2024');
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).error.code).toBe('bad_request');
    expect((await app.request('/api/v1/organizations/12345678')).status).toBe(404);
  });

  it('validates a file without storing anything, by API and by the no-JS page', async () => {
    const before = (await ctx.register.totals()).versions;
    const body = JSON.stringify([contract({ id: 'V1' }), contract({ id: 'V2', mena: 'ABC' })]);
    const report = await readJson(await post('/api/v1/validate', body, { 'content-type': 'application/json' }));
    expect(report.summary).toMatchObject({ read: 2, valid: 1, rejected: 1 });
    expect(report.rows[1].issues[0]).toMatchObject({ path: 'mena', code: 'invalid_currency' });
    const form = new FormData();
    form.set('soubor', new File([body], 'zkouska.json', { type: 'application/json' }));
    const page = await app.request('/validator', { method: 'POST', body: form });
    const html = await page.text();
    expect(html).toContain('Měna musí být třípísmenný kód');
    expect(html).toContain('zkouska.json');
    expect((await ctx.register.totals()).versions).toBe(before);
    const huge = new FormData();
    huge.set('soubor', new File([new Uint8Array(21 * 1024 * 1024)], 'velky.csv', { type: 'text/csv' }));
    const refused = await app.request('/validator', { method: 'POST', body: huge });
    expect(refused.status).toBe(413);
    expect(await refused.text()).toContain('om validate');
  });

  it('documents in the OpenAPI document exactly the endpoints the API routes, each method with its answers', async () => {
    const openapi = await readJson(await app.request('/api/openapi.json'));
    const documented = new Set<string>();
    for (const [path, operations] of Object.entries(openapi.paths as Record<string, Record<string, { responses?: object }>>)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (method === 'parameters') continue;
        documented.add(`${method.toUpperCase()} ${path}`);
        expect(Object.keys(operation.responses ?? {}).some((status) => /^2\d\d$/.test(status)), `${method} ${path} answers with success`).toBe(true);
      }
    }
    const routed = new Set(
      app.routes
        .filter((route) => route.path.startsWith('/api/v1/') && ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method))
        .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    expect([...routed].filter((route) => !documented.has(route)), 'routed but not documented').toEqual([]);
    expect([...documented].filter((route) => route.includes('/api/v1/') && !routed.has(route)), 'documented but not routed').toEqual([]);
    expect(routed.size).toBeGreaterThan(20);
  });

  it('serves the standard artefacts, the OpenAPI document, health and Czech error pages', async () => {
    const schema = await readJson(await app.request('/standard/1.0/smlouva.schema.json'));
    expect(schema.$id).toBe('http://portal.test/standard/1.0/smlouva.schema.json');
    expect(schema.required).toEqual(expect.arrayContaining(['typ', 'id', 'predmet', 'datumUzavreni', 'strany']));
    const template = await (await app.request('/standard/1.0/faktura-popisky.csv')).text();
    expect(template.split('\r\n')[1]).toContain('Datum splatnosti');
    const openapi = await readJson(await app.request('/api/openapi.json'));
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/v1/organizations/{ico}/records', '/api/v1/validate']));
    expect((await app.request('/healthz')).status).toBe(200);
    const missing = await app.request('/neexistuje');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Stránka nenalezena');
    for (const path of ['/', '/hledat?q=skolni', '/organizace', '/standard', '/validator', '/api']) expect((await app.request(path)).status).toBe(200);
  });
});

describe('organisations', () => {
  const fixtures = new URL('../../../shared/fixtures/municipalities/', import.meta.url).pathname;
  it.skipIf(!existsSync(fixtures))('imports the Seznam OVM samples with kinds, data boxes and RÚIAN codes', async () => {
    let imported = 0;
    for (const file of ['czechpoint-ovm-sample.xml', 'czechpoint-ovm-boskovice.xml']) {
      const chunks = (async function* () {
        yield new Uint8Array(readFileSync(fixtures + file));
      })();
      for await (const row of readOvmXml(chunks)) {
        if ('input' in row) {
          await ctx.organizations.upsert(row.input);
          imported++;
        }
      }
    }
    expect(imported).toBe(4);
    const boskovice = await ctx.organizations.getByIco('00279978');
    expect(boskovice).toMatchObject({ name: 'Město Boskovice', kind: 'obec', dataBox: 'qmkbq7h', ruianCode: '581372' });
    expect(await ctx.organizations.getByIco('70694966')).toMatchObject({ kind: 'prispevkova-organizace', name: 'Mateřská škola Hrušovany 15, příspěvková organizace' });
    expect((await app.request('/organizace/00279978')).status).toBe(200);
  });
  if (!existsSync(fixtures)) console.warn(`Skipping Seznam OVM import test: ${fixtures} is absent.`);

  it('lists organisations with their parent IČO', async () => {
    const town = await makeOrganization(ctx, { name: 'Město Rodičov' });
    const school = await makeOrganization(ctx, { name: 'ZŠ Rodičov', kind: 'prispevkova-organizace', parentIco: town.ico });
    const list = await readJson(await app.request('/api/v1/organizations?limit=1000'));
    expect(list.items.find((o: { ico: string }) => o.ico === school.ico)).toMatchObject({ parentIco: town.ico, kind: 'prispevkova-organizace' });
    expect(list.items.find((o: { ico: string }) => o.ico === town.ico)).toMatchObject({ parentIco: null });
  });

  it('refuses an organisation with an invalid IČO', async () => {
    await expect(ctx.organizations.create({ ico: '12345678', name: 'X', kind: 'obec' })).rejects.toMatchObject({ code: 'validation_failed' });
  });
});

describe('people and roles through the API', () => {
  const send = (method: string, path: string, token: string, body?: unknown) =>
    app.request(path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  it('lets only a token allowed to manage members grant and revoke roles, audited as that token', async () => {
    const organization = await makeOrganization(ctx);
    const publishing = await ctx.tokens.create(organization, 'účetnictví');
    const managing = await ctx.tokens.create(organization, 'personalistika', { mayManageMembers: true });
    const members = `/api/v1/organizations/${organization.ico}/members`;

    const refused = await send('POST', members, publishing.token, { email: 'vetrelec@example.cz', role: 'admin' });
    expect(refused.status).toBe(403);
    expect((await readJson(refused)).error.code).toBe('forbidden');
    expect(await ctx.accounts.findByEmail('vetrelec@example.cz')).toBeUndefined();
    expect((await send('GET', members, publishing.token)).status).toBe(403);

    const email = `referentka-${organization.ico}@example.cz`;
    const added = await send('POST', members, managing.token, { email, jmeno: 'Jana Referentová', role: 'editor' });
    expect(added.status).toBe(201);
    const member = await readJson(added);
    expect(member).toMatchObject({ email, jmeno: 'Jana Referentová', role: 'editor', podrizene: false, hesloNastaveno: false });
    const listed = await readJson(await send('GET', members, managing.token));
    expect(listed.items.map((m: { email: string; role: string }) => `${m.email}:${m.role}`)).toEqual([`${email}:editor`]);

    // The same address again changes the role; an unknown role, a role over subordinates and a bad body are refused.
    expect((await send('POST', members, managing.token, { email, role: 'admin' })).status).toBe(201);
    expect((await readJson(await send('GET', members, managing.token))).items[0].role).toBe('admin');
    expect((await send('POST', members, managing.token, { email, role: 'vlastnik' })).status).toBe(422);
    expect((await send('POST', members, managing.token, { email: `jiny-${email}`, role: 'editor', podrizene: true })).status).toBe(403);
    expect(await ctx.accounts.findByEmail(`jiny-${email}`)).toBeUndefined();

    expect((await send('DELETE', `${members}/${member.id}`, publishing.token)).status).toBe(403);
    // The organisation's only administrator keeps the role until someone else has it too.
    const lastAdmin = await send('DELETE', `${members}/${member.id}`, managing.token);
    expect(lastAdmin.status).toBe(409);
    expect((await readJson(lastAdmin)).error.code).toBe('conflict');
    expect((await send('POST', members, managing.token, { email, role: 'editor' })).status).toBe(409);
    expect((await send('POST', members, managing.token, { email: `druha-${email}`, role: 'admin' })).status).toBe(201);
    expect((await send('DELETE', `${members}/${member.id}`, managing.token)).status).toBe(204);
    expect((await readJson(await send('GET', members, managing.token))).items.map((m: { email: string }) => m.email)).toEqual([`druha-${email}`]);
    expect((await send('DELETE', `${members}/${member.id}`, managing.token)).status).toBe(404);

    const audit = await ctx.audit.list(organization.id, { limit: 20 });
    const actions = audit.items.map((entry: { action: string; actor: string }) => `${entry.action} ${entry.actor}`);
    expect(actions).toEqual(expect.arrayContaining([`user.created token ${managing.id}`, `member.granted token ${managing.id}`, `member.revoked token ${managing.id}`]));
  });

  it('keeps one administrator when both are revoked at the same moment', async () => {
    const organization = await makeOrganization(ctx);
    const managing = await ctx.tokens.create(organization, 'personalistika', { mayManageMembers: true });
    const members = `/api/v1/organizations/${organization.ico}/members`;
    const ids: number[] = [];
    for (const name of ['prvni', 'druhy']) ids.push((await readJson(await send('POST', members, managing.token, { email: `${name}-${organization.ico}@example.cz`, role: 'admin' }))).id);

    const answers = await Promise.all(ids.map((id) => send('DELETE', `${members}/${id}`, managing.token)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([204, 409]);
    expect((await ctx.accounts.members(organization)).filter((m) => m.role === 'admin')).toHaveLength(1);
  });
});
