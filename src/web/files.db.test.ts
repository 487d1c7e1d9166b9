import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import { contract, items, makeOrganization, testContext } from '../testing/factories.ts';
import { createApp } from '../app.tsx';
import type { AppContext } from '../context.ts';

let database: TestDatabase;
let ctx: AppContext;
let dir: string;

beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'om-files-'));
  ctx = testContext(database.db, { EXPORT_DIR: dir });
});
afterAll(async () => {
  await database.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('serving the bulk files', () => {
  it('answers with media type, length and a stable ETag, honours If-None-Match and byte ranges', async () => {
    const organization = await makeOrganization(ctx);
    await ctx.register.publish(organization, items([contract({ id: 'A' }), contract({ id: 'B' })]), { source: 'test' });
    await ctx.exports.run({ organizations: [organization.ico] });
    const app = createApp(ctx);
    const path = `/otevrena-data/soubory/${organization.ico}/smlouvy.csv`;
    const onDisk = readFileSync(join(dir, organization.ico, 'smlouvy.csv'));

    const first = await app.request(path);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(first.headers.get('content-length')).toBe(String(onDisk.length));
    expect(first.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await first.arrayBuffer()).equals(onDisk)).toBe(true);
    const etag = first.headers.get('etag')!;
    const second = await app.request(path);
    expect(second.headers.get('etag')).toBe(etag);
    await second.arrayBuffer();

    const notModified = await app.request(path, { headers: { 'if-none-match': etag } });
    expect(notModified.status).toBe(304);

    const range = await app.request(path, { headers: { range: 'bytes=5-24' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe(`bytes 5-24/${onDisk.length}`);
    expect(range.headers.get('content-length')).toBe('20');
    expect(Buffer.from(await range.arrayBuffer()).equals(onDisk.subarray(5, 25))).toBe(true);
    const tail = await app.request(path, { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(onDisk.subarray(onDisk.length - 10))).toBe(true);
    const staleRange = await app.request(path, { headers: { range: 'bytes=0-9', 'if-range': '"other"' } });
    expect(staleRange.status).toBe(200);
    await staleRange.arrayBuffer();
    const beyond = await app.request(path, { headers: { range: `bytes=${onDisk.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${onDisk.length}`);

    const ndjson = await app.request(`/otevrena-data/soubory/${organization.ico}/smlouvy.ndjson`);
    expect(ndjson.headers.get('content-type')).toBe('application/x-ndjson');
    await ndjson.arrayBuffer();
    expect((await app.request('/otevrena-data/soubory/../secret.csv')).status).toBe(404);
    expect((await app.request(`/otevrena-data/soubory/${organization.ico}/chybi.csv`)).status).toBe(404);
  });

  it('never serves a file half-written: during an export the previous file is served whole, then the new one', async () => {
    const organization = await makeOrganization(ctx);
    await ctx.register.publish(organization, items([contract({ id: 'OLD' })]), { source: 'test' });
    const before = await ctx.exports.run({ organizations: [organization.ico] });
    const beforeEntry = before.index.files.find((f) => f.path === `${organization.ico}/smlouvy.csv`)!;
    // Enough records that the new file is flushed to disk in several parts while the old one is still served.
    await ctx.register.publish(organization, items(Array.from({ length: 12_000 }, (_, i) => contract({ id: `NEW-${i}`, predmet: `Nová smlouva číslo ${i} ${'x'.repeat(60)}` }))), { source: 'test' });
    const app = createApp(ctx);
    const path = `/otevrena-data/soubory/${organization.ico}/smlouvy.csv`;
    let checksDuringExport = 0;
    const after = await ctx.exports.run({
      organizations: [organization.ico],
      onProgress: async (done) => {
        if (done >= 12_001) return;
        const temporary = readdirSync(join(dir, organization.ico)).filter((name) => name.endsWith('.tmp'));
        expect(temporary.length).toBeGreaterThan(0);
        const response = await app.request(path);
        const body = new Uint8Array(await response.arrayBuffer());
        expect(sha256(body)).toBe(beforeEntry.sha256);
        expect(response.headers.get('content-length')).toBe(String(beforeEntry.bytes));
        checksDuringExport++;
      },
    });
    expect(checksDuringExport).toBeGreaterThan(0);
    const afterEntry = after.index.files.find((f) => f.path === `${organization.ico}/smlouvy.csv`)!;
    const response = await app.request(path);
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(afterEntry.sha256);
    expect(afterEntry.rows).toBe(12_001);
    expect(readdirSync(join(dir, organization.ico)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
