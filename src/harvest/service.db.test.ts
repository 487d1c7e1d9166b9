import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import { makeOrganization, testContext, contract } from '../testing/factories.ts';
import type { AppContext } from '../context.ts';
import type { Organization } from '../organizations/service.ts';
import { HarvestRepository } from './repository.ts';
import { HarvestService, type HarvestDeps } from './service.ts';
import { createApp } from '../app.tsx';

/** One route of the test server: what it serves and whether it honours conditional requests. */
interface Route {
  status?: number;
  body?: string | Buffer;
  contentType?: string;
  etag?: string;
  lastModified?: string;
  honourValidators?: boolean;
  location?: string;
  /** Sends the body in chunks without Content-Length, so only the streaming cap can stop it. */
  chunked?: boolean;
  delayMs?: number;
}

interface SeenRequest {
  path: string;
  headers: IncomingMessage['headers'];
}

let database: TestDatabase;
let ctx: AppContext;
let server: Server;
let base: string;
const routes = new Map<string, Route>();
const seen: SeenRequest[] = [];
let concurrent = 0;
let maxConcurrent = 0;
const organizationsOfTest: Organization[] = [];

function respond(route: Route, req: IncomingMessage, res: ServerResponse): void {
  const status = route.status ?? 200;
  if (route.location) {
    res.writeHead(status, { location: route.location });
    res.end();
    return;
  }
  const validators: Record<string, string> = {};
  if (route.etag) validators.etag = route.etag;
  if (route.lastModified) validators['last-modified'] = route.lastModified;
  if (status === 200 && (route.honourValidators ?? true)) {
    const etagMatches = route.etag !== undefined && req.headers['if-none-match'] === route.etag;
    const dateMatches = route.lastModified !== undefined && req.headers['if-modified-since'] === route.lastModified;
    if (etagMatches || dateMatches) {
      res.writeHead(304, validators);
      res.end();
      return;
    }
  }
  const body = typeof route.body === 'string' ? Buffer.from(route.body) : (route.body ?? Buffer.alloc(0));
  const headers: Record<string, string> = { 'content-type': route.contentType ?? 'text/csv; charset=utf-8', ...validators };
  if (!route.chunked) {
    res.writeHead(status, { ...headers, 'content-length': String(body.length) });
    res.end(body);
    return;
  }
  res.writeHead(status, headers);
  let offset = 0;
  const next = () => {
    if (res.destroyed) return;
    if (offset >= body.length) {
      res.end();
      return;
    }
    res.write(body.subarray(offset, offset + 1024), () => setImmediate(next));
    offset += 1024;
  };
  next();
}

beforeAll(async () => {
  database = await createTestDatabase();
  ctx = testContext(database.db);
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    seen.push({ path, headers: req.headers });
    concurrent++;
    maxConcurrent = Math.max(maxConcurrent, concurrent);
    res.on('close', () => concurrent--);
    const route = routes.get(path);
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    setTimeout(() => {
      if (!res.destroyed) respond(route, req, res);
    }, route.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await database.cleanup();
});

// harvestAll takes every active source in the database, so each test leaves none behind.
afterEach(async () => {
  const harvest = service();
  for (const organization of organizationsOfTest.splice(0)) {
    for (const source of await harvest.listSources(organization)) await harvest.removeSource(organization, source.id);
  }
});

function service(overrides: Partial<HarvestDeps> = {}): HarvestService {
  return new HarvestService(new HarvestRepository(database.db.kysely), {
    tables: ctx.tableImport,
    publishing: ctx.publishing,
    jobs: ctx.jobs,
    organizations: ctx.organizations,
    // The test server listens on 127.0.0.1.
    allowPrivateNetworks: true,
    ...overrides,
  });
}

async function organization(): Promise<Organization> {
  const made = await makeOrganization(ctx);
  organizationsOfTest.push(made);
  return made;
}

interface Row {
  id: string;
  predmet?: string;
  ico?: string;
  datum?: string;
}

const HEADER = 'typ;id;predmet;datumUzavreni;hodnotaBezDph;strany.1.nazev;strany.1.ico';

function csv(rows: Row[]): string {
  const lines = rows.map((row) => `smlouva;${row.id};${row.predmet ?? 'Oprava chodníku v ulici Školní'};${row.datum ?? '15. 3. 2024'};100 000,00;Stavby Novák s.r.o.;${row.ico ?? '25596641'}`);
  return `${HEADER}\r\n${lines.join('\r\n')}\r\n`;
}

let pathCounter = 0;
function servePath(route: Route, name = 'smlouvy.csv'): { path: string; url: string; route: Route } {
  const path = `/t${++pathCounter}/${name}`;
  routes.set(path, route);
  return { path, url: `${base}${path}`, route };
}

const requestsTo = (path: string) => seen.filter((request) => request.path === path);

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('harvest sources', () => {
  it('adds, lists, refuses duplicates and bad URLs in Czech, removes without deleting and adds back', async () => {
    const harvest = service();
    const org = await organization();
    const added = await harvest.addSource(org, `${base}/zdroj/smlouvy.csv#cast`, 'smlouva');
    expect(added).toMatchObject({ organizationId: org.id, url: `${base}/zdroj/smlouvy.csv`, recordType: 'smlouva', active: true, etag: null });
    await expect(harvest.addSource(org, `${base}/zdroj/smlouvy.csv`)).rejects.toMatchObject({ code: 'conflict', userMessage: expect.stringContaining('už je mezi zdroji sklizně') });
    await expect(harvest.addSource(org, 'ftp://obec.cz/smlouvy.csv')).rejects.toMatchObject({ code: 'validation_failed', userMessage: expect.stringContaining('https://') });
    await expect(harvest.addSource(org, 'https://jmeno:heslo@obec.cz/a.csv')).rejects.toMatchObject({ code: 'validation_failed', userMessage: expect.stringContaining('heslo') });
    await expect(harvest.addSource(org, 'https://obec.cz/a.csv', 'dotace')).rejects.toMatchObject({ code: 'validation_failed', userMessage: expect.stringContaining('„dotace“') });

    const other = await organization();
    await expect(harvest.removeSource(other, added.id)).rejects.toMatchObject({ code: 'not_found' });
    expect(await harvest.addSource(other, `${base}/zdroj/smlouvy.csv`)).toMatchObject({ organizationId: other.id });

    await harvest.removeSource(org, added.id);
    expect(await harvest.listSources(org)).toEqual([]);
    expect(await harvest.listSources(org, { includeInactive: true })).toEqual([expect.objectContaining({ id: added.id, active: false })]);
    await expect(harvest.harvestSource(added.id)).rejects.toMatchObject({ code: 'conflict' });
    const back = await harvest.addSource(org, `${base}/zdroj/smlouvy.csv`);
    expect(back).toMatchObject({ id: added.id, active: true, recordType: null });
  });
});

describe('harvesting', () => {
  it('imports a new file, then sends its validators and gets 304; the log lists runs newest first', async () => {
    const harvest = service();
    const org = await organization();
    const { path, url } = servePath({ body: csv([{ id: 'H-1' }, { id: 'H-2' }]), etag: '"v1"', lastModified: 'Wed, 21 Oct 2026 07:28:00 GMT' });
    const source = await harvest.addSource(org, url);

    const first = await harvest.harvestSource(source.id);
    expect(first).toMatchObject({ outcome: 'imported', httpStatus: 200, created: 2, newVersions: 0, rejected: 0, message: null, url });
    expect(first.runId).toEqual(expect.any(Number));
    const job = await ctx.jobs.get(first.jobId!);
    expect(job).toMatchObject({ organizationId: org.id, kind: 'table', actor: 'harvest', sourceName: url, state: 'completed' });
    expect((await ctx.register.detail(org, 'H-1')).current.content).toMatchObject({ hodnotaBezDph: '100000.00', datumUzavreni: '2024-03-15' });
    expect(requestsTo(path)[0]!.headers['if-none-match']).toBeUndefined();
    expect((await harvest.listSources(org))[0]).toMatchObject({ etag: '"v1"', lastModified: 'Wed, 21 Oct 2026 07:28:00 GMT', contentSha256: expect.stringMatching(/^[0-9a-f]{64}$/), lastCheckedAt: expect.any(String) });

    const second = await harvest.harvestSource(source.id);
    expect(second).toMatchObject({ outcome: 'not_modified', httpStatus: 304, jobId: null, created: 0, newVersions: 0 });
    expect(requestsTo(path)).toHaveLength(2);
    expect(requestsTo(path)[1]!.headers).toMatchObject({ 'if-none-match': '"v1"', 'if-modified-since': 'Wed, 21 Oct 2026 07:28:00 GMT' });

    const log = await harvest.log(org);
    expect(log.map((entry) => entry.outcome)).toEqual(['not_modified', 'imported']);
    expect(log[0]).toMatchObject({ id: second.runId, sourceId: source.id, url, outcomeLabel: 'beze změny (server soubor nezměnil)', httpStatus: 304 });
    expect(log[1]).toMatchObject({ id: first.runId, outcomeLabel: 'načteno', created: 2, jobId: first.jobId });
    expect(await harvest.log(org, 1)).toHaveLength(1);

    // The organisation's public page shows the sources and the log.
    const page = await (await createApp(ctx).request(`/organizace/${org.ico}`)).text();
    expect(page).toContain('Sklizeň z webu organizace');
    expect(page).toContain(url);
    expect(page).toContain('beze změny (server soubor nezměnil)');
    expect(page).toContain('načteno');
  });

  it('sees identical bytes from a server that ignores validators as unchanged, and imports changed content as new versions', async () => {
    const harvest = service();
    const org = await organization();
    const { path, url, route } = servePath({ body: csv([{ id: 'U-1' }]), etag: '"a"', honourValidators: false });
    const source = await harvest.addSource(org, url);
    expect(await harvest.harvestSource(source.id)).toMatchObject({ outcome: 'imported', created: 1 });

    const same = await harvest.harvestSource(source.id);
    expect(same).toMatchObject({ outcome: 'unchanged', httpStatus: 200, jobId: null, created: 0 });
    expect(requestsTo(path)[1]!.headers['if-none-match']).toBe('"a"');

    route.body = csv([{ id: 'U-1', predmet: 'Oprava chodníku v ulici Školní a Zahradní' }, { id: 'U-2' }]);
    route.etag = '"b"';
    const changed = await harvest.harvestSource(source.id);
    expect(changed).toMatchObject({ outcome: 'imported', created: 1, newVersions: 1, rejected: 0 });
    expect((await ctx.register.detail(org, 'U-1')).current.content.predmet).toBe('Oprava chodníku v ulici Školní a Zahradní');
    expect((await harvest.listSources(org))[0]!.etag).toBe('"b"');
  });

  it('imports a file with some rejected rows and says so in Czech', async () => {
    const harvest = service();
    const org = await organization();
    const { url } = servePath({ body: csv([{ id: 'R-1' }, { id: 'R-2', datum: '31. 2. 2024' }]) });
    const source = await harvest.addSource(org, url);
    const run = await harvest.harvestSource(source.id);
    expect(run).toMatchObject({ outcome: 'imported', created: 1, rejected: 1 });
    expect(run.message).toBe(`1 řádek byl odmítnut; důvody jsou v protokolu importu č. ${run.jobId}.`);
  });

  it('publishes JSON through the standard as a harvest job', async () => {
    const harvest = service();
    const org = await organization();
    const records = [contract({ id: 'J-1' }), contract({ id: 'J-2' })];
    const { url } = servePath({ body: JSON.stringify({ zaznamy: records }), contentType: 'application/json' }, 'zaznamy');
    const source = await harvest.addSource(org, url);
    const run = await harvest.harvestSource(source.id);
    expect(run).toMatchObject({ outcome: 'imported', created: 2, rejected: 0 });
    expect(await ctx.jobs.get(run.jobId!)).toMatchObject({ kind: 'harvest', actor: 'harvest', sourceName: url, state: 'completed', counts: expect.objectContaining({ created: 2 }) });
    expect((await ctx.register.detail(org, 'J-1')).versions[0]!.source).toBe(`harvest:${url}`);
  });

  it('records a 500 and an unreachable server as failed in Czech, and the next source still runs', async () => {
    const harvest = service();
    const org = await organization();
    const broken = servePath({ status: 500, body: 'Internal Server Error', contentType: 'text/plain' });
    const port = await closedPort();
    const good = servePath({ body: csv([{ id: 'F-1' }]) });
    const sources = [
      await harvest.addSource(org, broken.url),
      await harvest.addSource(org, `http://127.0.0.1:${port}/smlouvy.csv`),
      await harvest.addSource(org, good.url),
    ];

    const summaries = (await harvest.harvestAll()).filter((summary) => summary.organizationId === org.id);
    expect(summaries.map((summary) => summary.sourceId)).toEqual(sources.map((source) => source.id));
    expect(summaries[0]).toMatchObject({ outcome: 'failed', httpStatus: 500, message: 'Server odpověděl stavem 500: chyba na straně serveru.' });
    expect(summaries[1]).toMatchObject({ outcome: 'failed', httpStatus: null, message: 'Soubor nelze stáhnout: server spojení odmítl.' });
    expect(summaries[2]).toMatchObject({ outcome: 'imported', created: 1 });
    const log = await harvest.log(org);
    expect(log.map((entry) => entry.outcome)).toEqual(['imported', 'failed', 'failed']);
    expect(log[2]!.outcomeLabel).toBe('selhalo');
    // A failure keeps no validators, so the next run asks for the whole file again.
    expect((await harvest.listSources(org))[0]).toMatchObject({ contentSha256: null, lastCheckedAt: expect.any(String) });
  });

  it('stops a body over the size cap, declared or streamed, and a download over the time limit', async () => {
    const harvest = service({ maxBytes: 4096, timeoutMs: 300 });
    const org = await organization();
    const big = csv(Array.from({ length: 200 }, (_, index) => ({ id: `B-${index}` })));
    const declared = servePath({ body: big });
    const streamed = servePath({ body: big, chunked: true });
    const slow = servePath({ body: csv([{ id: 'S-1' }]), delayMs: 3000 });
    const runs = await Promise.all([declared, streamed].map(async (served) => harvest.harvestSource((await harvest.addSource(org, served.url)).id)));
    for (const run of runs) expect(run).toMatchObject({ outcome: 'failed', httpStatus: 200, message: 'Soubor je větší než povolených 4 kB; stahování bylo přerušeno.' });
    const late = await harvest.harvestSource((await harvest.addSource(org, slow.url)).id);
    expect(late).toMatchObject({ outcome: 'failed', message: 'Soubor se nepodařilo stáhnout do 1 sekundy.' });
    expect((await ctx.register.list({ organizationIds: [org.id] }, { limit: 10 })).items).toEqual([]);
  });

  it('refuses loopback and private addresses unless the installation allows them', async () => {
    const harvest = service({ allowPrivateNetworks: false });
    const org = await organization();
    const { path, url } = servePath({ body: csv([{ id: 'P-1' }]) });
    const source = await harvest.addSource(org, url);
    const run = await harvest.harvestSource(source.id);
    expect(run).toMatchObject({ outcome: 'failed', created: 0, message: expect.stringContaining('neveřejné sítě') });
    expect(requestsTo(path)).toHaveLength(0);
  });

  it('connects only to the address it checked: a DNS answer that turns private after the check is refused', async () => {
    // DNS rebinding: the first answer (the early check) is public, the next one (when connecting) is the test server.
    const answers = [[{ address: '198.51.100.7', family: 4 }], [{ address: '127.0.0.1', family: 4 }]];
    const asked: string[] = [];
    const harvest = service({
      allowPrivateNetworks: false,
      resolve: async (host) => {
        asked.push(host);
        return answers[Math.min(asked.length - 1, answers.length - 1)]!;
      },
    });
    const org = await organization();
    const { path } = servePath({ body: csv([{ id: 'R-1' }]) });
    const source = await harvest.addSource(org, `http://rebinding.test:${new URL(base).port}${path}`);
    const run = await harvest.harvestSource(source.id);
    expect(asked).toEqual(['rebinding.test', 'rebinding.test']);
    expect(run).toMatchObject({ outcome: 'failed', created: 0, message: expect.stringContaining('neveřejné sítě') });
    expect(requestsTo(path)).toHaveLength(0);

    // The same checked connection fetches when every answer is allowed (loopback stands in for a public address).
    const allowed = service({ allowPrivateNetworks: false, resolve: async () => [{ address: '127.0.0.1', family: 4 }], isAllowedAddress: (ip) => ip === '127.0.0.1' });
    const fetched = await allowed.harvestSource((await allowed.addSource(org, `http://allowed.test:${new URL(base).port}${servePath({ body: csv([{ id: 'R-2' }]) }).path}`)).id);
    expect(fetched).toMatchObject({ outcome: 'imported', created: 1 });
  });

  it('follows a redirect, and gives up on a redirect loop', async () => {
    const harvest = service();
    const org = await organization();
    const target = servePath({ body: csv([{ id: 'P-1' }]) }, 'nove.csv');
    const moved = servePath({ status: 301, location: target.path }, 'stare.csv');
    const run = await harvest.harvestSource((await harvest.addSource(org, moved.url)).id);
    expect(run).toMatchObject({ outcome: 'imported', created: 1, url: moved.url });
    expect(requestsTo(target.path)).toHaveLength(1);

    const loop = servePath({ status: 302 }, 'kruh.csv');
    loop.route.location = loop.path;
    const looping = await harvest.harvestSource((await harvest.addSource(org, loop.url)).id);
    expect(looping).toMatchObject({ outcome: 'failed', httpStatus: 302, message: 'Server přesměroval víc než 5krát; soubor nebyl stažen.' });
    expect(requestsTo(loop.path)).toHaveLength(6);
  });

  it('fails on a web page or a file it cannot read, keeps the old validators, and imports the fixed file', async () => {
    const harvest = service();
    const org = await organization();
    const { url, route } = servePath({ body: '<!DOCTYPE html><html><body>Stránka nenalezena</body></html>', contentType: 'text/html', etag: '"html"' });
    const source = await harvest.addSource(org, url);
    const page = await harvest.harvestSource(source.id);
    expect(page).toMatchObject({ outcome: 'failed', httpStatus: 200, jobId: null, message: expect.stringContaining('webová stránka (HTML)') });
    expect((await harvest.listSources(org))[0]).toMatchObject({ etag: null, contentSha256: null });

    route.body = 'cislo;nazev\r\n1;Oprava\r\n';
    route.contentType = 'text/csv';
    const table = await harvest.harvestSource(source.id);
    expect(table).toMatchObject({ outcome: 'failed', httpStatus: 200, jobId: null });
    expect(table.message).toMatch(/^Soubor nelze načíst: První řádek tabulky musí být hlavička/);
    expect((await harvest.listSources(org))[0]).toMatchObject({ etag: null, contentSha256: null });

    route.body = csv([{ id: 'X-1' }]);
    expect(await harvest.harvestSource(source.id)).toMatchObject({ outcome: 'imported', created: 1 });
  });

  it('runs on a schedule without overlapping runs, and stops', async () => {
    const harvest = service();
    const org = await organization();
    const { path } = servePath({ body: csv([{ id: 'T-1' }]), delayMs: 120, honourValidators: false });
    await harvest.addSource(org, `${base}${path}`);
    maxConcurrent = 0;
    const schedule = harvest.startSchedule(20);
    await new Promise((resolve) => setTimeout(resolve, 600));
    schedule.stop();
    await schedule.idle();
    const count = requestsTo(path).length;
    expect(count).toBeGreaterThanOrEqual(2);
    expect(maxConcurrent).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(requestsTo(path)).toHaveLength(count);
    expect((await harvest.log(org)).map((entry) => entry.outcome).at(-1)).toBe('imported');
  });
});
