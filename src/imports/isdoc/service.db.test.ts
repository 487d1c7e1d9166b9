import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { createTestDatabase, type TestDatabase } from '../../db/testing.ts';
import { contract, items, makeOrganization, randomIco, testContext } from '../../testing/factories.ts';
import { makeZip } from '../../shared/zip-testing.ts';
import type { AppContext } from '../../context.ts';
import { buildIsdoc, TOWN } from './testdata/invoice.ts';

let database: TestDatabase;
let ctx: AppContext;
const fixtures = new URL('../../../../shared/fixtures/isdoc/', import.meta.url).pathname;
const official = `${fixtures}isdoc-6.0.1__official-sample-invoice__ABRA-to-MFCR.isdoc`;
const invalid = `${fixtures}INVALID__isdoc-6.0.1__missing-VATApplicable.isdoc`;

beforeAll(async () => {
  database = await createTestDatabase();
  ctx = testContext(database.db);
});
afterAll(() => database.cleanup());

const file = (name: string, text: string | Uint8Array) => ({ name, bytes: typeof text === 'string' ? Buffer.from(text) : text });

async function town() {
  const organization = await makeOrganization(ctx, { name: 'Město Příklad' });
  return { organization, customer: { ...TOWN, ico: organization.ico } };
}

describe('ISDOC import', () => {
  if (!existsSync(official)) console.warn(`Skipping the official ISDOC samples: ${fixtures} is absent.`);
  it.skipIf(!existsSync(official))('imports the official sample and rejects the invalid one, naming VATApplicable', async () => {
    const ministry = await ctx.organizations.create({ ico: '00006947', name: 'Ministerstvo financí', kind: 'jine' });
    const result = await ctx.isdocImport.importFiles([file('sample.isdoc', readFileSync(official)), file('invalid.isdoc', readFileSync(invalid))], { actor: 'test', sourceKey: 'official' });
    expect(result).toMatchObject({ read: 2, created: 1, rejected: 1 });
    expect(result.outcomes[1]).toMatchObject({ status: 'rejected', issues: [expect.objectContaining({ element: 'Invoice/VATApplicable', message: expect.stringContaining('VATApplicable') })] });
    const stored = await ctx.register.detail(ministry, 'isdoc:7b4c5be0-288c-11d2-8e62-004095452b84');
    expect(stored.current.content).toMatchObject({ typ: 'faktura', cisloFaktury: 'FV-111999/2011', datumVystaveni: '2013-02-28', strany: [expect.objectContaining({ nazev: 'ABRA Software a.s.', ico: '25097563', role: 'prijemce' })] });
    expect(result.job).toMatchObject({ kind: 'isdoc', state: 'completed', counts: { read: 2, created: 1, rejected: 1 } });
  });

  it('links an invoice to the contract with its number, warns when sums do not add up, and changes nothing when imported again', async () => {
    const { organization, customer } = await town();
    await ctx.register.publish(organization, items([contract({ id: 'SML-7', cisloSmlouvy: '2024/7/OSM' })]), { source: 'test' });
    const xml = buildIsdoc({ customer, uuid: '11111111-2222-3333-4444-555555555555', contractId: '2024/7/OSM', taxExclusive: '12000.00' });
    const first = await ctx.isdocImport.importFiles([file('f1.isdoc', xml)], { actor: 'test', sourceKey: 'f1' });
    expect(first).toMatchObject({ read: 1, created: 1 });
    expect(first.outcomes[0]).toMatchObject({ linkedContract: 'SML-7', issues: expect.arrayContaining([expect.objectContaining({ severity: 'warning', code: 'sum_mismatch' })]) });
    const invoice = await ctx.register.detail(organization, 'isdoc:11111111-2222-3333-4444-555555555555');
    expect(invoice.current.content).toMatchObject({ smlouva: 'SML-7', hodnotaBezDph: '12000.00', strany: [expect.objectContaining({ ico: '12345679', role: 'prijemce' })] });
    const again = await ctx.isdocImport.importFiles([file('f1.isdoc', xml)], { actor: 'test', sourceKey: 'f1-again' });
    expect(again).toMatchObject({ read: 1, created: 0, newVersions: 0, unchanged: 1 });
  });

  it('reads ISDOCX packages and ZIPs of many invoices, and finds the publisher by IČO when none is given', async () => {
    const { organization, customer } = await town();
    const isdocx = makeZip([
      { name: 'faktura.isdoc', data: buildIsdoc({ customer, uuid: 'aaaaaaaa-0000-0000-0000-000000000001' }) },
      { name: 'priloha.pdf', data: '%PDF-1.4 test' },
    ]);
    const zip = makeZip([
      { name: 'leden/f2.isdoc', data: buildIsdoc({ customer, uuid: 'aaaaaaaa-0000-0000-0000-000000000002' }) },
      { name: 'leden/f3.isdocx', data: makeZip([{ name: 'f3.isdoc', data: buildIsdoc({ customer, uuid: 'aaaaaaaa-0000-0000-0000-000000000003' }) }]) },
      { name: 'leden/broken.isdoc', data: '<Invoice' },
    ]);
    const result = await ctx.isdocImport.importFiles([file('f1.isdocx', isdocx), file('leden.zip', zip)], { actor: 'test', sourceKey: `zip-${organization.ico}` });
    expect(result).toMatchObject({ read: 4, created: 3, rejected: 1 });
    expect(result.outcomes.map((o) => o.file)).toEqual(['f1.isdocx/faktura.isdoc', 'leden.zip/leden/f2.isdoc', 'leden.zip/leden/f3.isdocx/f3.isdoc', 'leden.zip/leden/broken.isdoc']);
    expect((await ctx.register.list({ organizationIds: [organization.id] }, { limit: 10 })).items).toHaveLength(3);
  });

  it('with atomic stores none of the invoices when one is rejected', async () => {
    const { organization, customer } = await town();
    const good = buildIsdoc({ customer, uuid: 'bbbbbbbb-0000-0000-0000-000000000001' });
    const bad = buildIsdoc({ customer, uuid: 'bbbbbbbb-0000-0000-0000-000000000002' }).replace(/<VATApplicable>[^<]*<\/VATApplicable>/, '');
    await expect(ctx.isdocImport.importFiles([file('a.isdoc', good), file('b.isdoc', bad)], { actor: 'test', atomic: true, sourceKey: `atomic-${organization.ico}` })).rejects.toMatchObject({ code: 'atomic_rejected' });
    expect((await ctx.register.list({ organizationIds: [organization.id] }, { limit: 10 })).items).toEqual([]);
    const ok = await ctx.isdocImport.importFiles([file('a.isdoc', good)], { actor: 'test', atomic: true, sourceKey: `atomic-ok-${organization.ico}` });
    expect(ok).toMatchObject({ read: 1, created: 1 });
  });

  it('refuses ZIP bombs, nested bombs and path traversal per file without stopping the others, and rejects invoices of unknown publishers', async () => {
    const { customer } = await town();
    const bomb = makeZip([{ name: 'bomb.isdoc', data: Buffer.alloc(30 * 1024 * 1024), declaredSize: 1000 }]);
    const traversal = makeZip([{ name: '../../etc/f.isdoc', data: buildIsdoc({ customer }) }]);
    // Nested archives share one budget: 3 × 300 MiB of zeros are refused long before memory fills, whatever each archive says.
    const inner = makeZip(Array.from({ length: 300 }, (_, i) => ({ name: `f${i}.isdoc`, data: Buffer.alloc(1024 * 1024) })));
    const nested = makeZip([1, 2, 3].map((n) => ({ name: `part${n}.isdocx`, data: inner })));
    const hostile = await ctx.isdocImport.importFiles([file('bomb.zip', bomb), file('evil.zip', traversal), file('nested.zip', nested), file('ok.isdoc', buildIsdoc({ customer, uuid: 'cccccccc-0000-0000-0000-000000000001' }))], { actor: 'test', sourceKey: 'hostile' });
    expect(hostile.outcomes.map((o) => [o.file, o.status, o.issues[0]?.code])).toEqual([
      ['bomb.zip', 'rejected', 'unreadable_input'],
      ['evil.zip', 'rejected', 'unreadable_input'],
      ['nested.zip', 'rejected', 'unreadable_input'],
      ['ok.isdoc', 'created', undefined],
    ]);
    expect(hostile.outcomes[1]!.issues[0]!.message).toContain('../../etc/f.isdoc');
    const stranger = buildIsdoc({ customer: { ...TOWN, ico: randomIco() } });
    const result = await ctx.isdocImport.importFiles([file('stranger.isdoc', stranger)], { actor: 'test', sourceKey: 'stranger' });
    expect(result.outcomes[0]).toMatchObject({ status: 'rejected', issues: [expect.objectContaining({ code: 'publisher_unknown' })] });
  });
});
