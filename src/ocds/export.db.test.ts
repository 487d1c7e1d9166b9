import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import { contract, items, makeOrganization, testContext } from '../testing/factories.ts';
import { hasOcdsSchemas, ocdsValidators } from '../testing/schemas.ts';
import type { AppContext } from '../context.ts';

let database: TestDatabase;
let ctx: AppContext;
let dir: string;

beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'om-ocds-'));
  ctx = testContext(database.db, { EXPORT_DIR: dir, OCDS_PREFIX: 'ocds-test01' });
});
afterAll(async () => {
  await database.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function invoice(id: string, fields: Record<string, unknown>) {
  const { datumUzavreni: _concluded, ...rest } = contract({ id });
  return { ...rest, typ: 'faktura', datumVystaveni: '2024-05-01', hodnotaBezDph: '10000.00', hodnotaVcetneDph: '12100.00', ...fields };
}

if (!hasOcdsSchemas) console.warn('Skipping OCDS schema validation: ../shared/fixtures/ocds is absent.');

describe('OCDS export', () => {
  it.skipIf(!hasOcdsSchemas)('publishes contracts with amendments and paid invoices as release and record packages valid against OCDS 1.1.5', async () => {
    const organization = await makeOrganization(ctx, { name: 'Město Otevřené' });
    await ctx.register.publish(
      organization,
      items([
        contract({ id: 'SML-1', predmet: 'Stavba cyklostezky', platnostOd: '2024-04-01', prilohy: [{ nazev: 'smlouva.pdf', url: 'https://example.cz/s.pdf', typMedia: 'application/pdf' }] }),
        contract({ id: 'DOD-1', predmet: 'Dodatek č. 1: prodloužení termínu', dodatekKSmlouve: 'SML-1', datumUzavreni: '2024-06-01' }),
        contract({ id: 'SML-2', predmet: 'Nájem', strany: [{ nazev: 'Jana Nováková', typOsoby: 'fyzicka' }] }),
        invoice('FA-1', { smlouva: 'SML-1', datumUhrady: '2024-05-20' }),
        invoice('FA-2', { smlouva: 'SML-1' }),
      ]),
      { source: 'test' },
    );
    await ctx.register.publish(organization, items([contract({ id: 'SML-1', predmet: 'Stavba cyklostezky (oprava)', platnostOd: '2024-04-01' })]), { source: 'test' });
    const result = await ctx.exports.run({ organizations: [organization.ico], formats: ['ocds'] });
    expect(result.index.files.filter((f) => f.organization === organization.ico).map((f) => `${f.path}:${f.rows}`)).toEqual([
      `${organization.ico}/ocds-records.json:2`,
      `${organization.ico}/ocds-releases.json:5`,
    ]);

    const { releasePackage, recordPackage } = ocdsValidators();
    const releases = JSON.parse(readFileSync(join(dir, organization.ico, 'ocds-releases.json'), 'utf8'));
    expect(releasePackage(releases), JSON.stringify(releasePackage.errors?.slice(0, 3))).toBe(true);
    const records = JSON.parse(readFileSync(join(dir, organization.ico, 'ocds-records.json'), 'utf8'));
    expect(recordPackage(records), JSON.stringify(recordPackage.errors?.slice(0, 3))).toBe(true);

    const ocid = `ocds-test01-${organization.ico}-SML-1`;
    const ofProcess = releases.releases.filter((r: { ocid: string }) => r.ocid === ocid);
    expect(ofProcess.map((r: { tag: string[] }) => r.tag[0])).toEqual(['contract', 'contractUpdate', 'contractAmendment', 'implementation']);
    const buyer = ofProcess[0].parties.find((p: { roles: string[] }) => p.roles.includes('buyer'));
    expect(buyer.identifier).toEqual({ scheme: 'CZ-ICO', id: organization.ico, legalName: 'Město Otevřené' });
    expect(ofProcess[0].parties.find((p: { roles: string[] }) => p.roles.includes('supplier')).id).toBe('CZ-ICO-25596641');
    expect(ofProcess[2].contracts[0].amendments).toEqual([
      { id: 'DOD-1', date: '2024-06-01T00:00:00Z', description: 'Dodatek č. 1: prodloužení termínu', rationale: null, releaseID: ofProcess[2].id },
    ]);
    const transactions = ofProcess[3].contracts[0].implementation.transactions;
    expect(transactions).toHaveLength(1);
    expect(transactions[0]).toMatchObject({ id: 'FA-1', date: '2024-05-20T00:00:00Z', value: { amount: 12100, currency: 'CZK' }, payee: { id: 'CZ-ICO-25596641' } });

    const compiled = records.records.find((r: { ocid: string }) => r.ocid === ocid).compiledRelease;
    expect(compiled.tag).toEqual(['compiled']);
    expect(compiled.contracts[0].title).toBe('Stavba cyklostezky (oprava)');
    expect(compiled.contracts[0].amendments).toHaveLength(1);
    expect(compiled.contracts[0].implementation.transactions).toHaveLength(1);
    expect(result.index.files.find((f) => f.path.endsWith('ocds-releases.json') && f.organization === organization.ico)!.personalData).toBe(true);
  });

  it.skipIf(!hasOcdsSchemas)('publishes one pair of packages for the whole platform, with every organisation\'s processes', async () => {
    const first = await makeOrganization(ctx, { name: 'Obec První' });
    const second = await makeOrganization(ctx, { name: 'Obec Druhá' });
    await ctx.register.publish(first, items([contract({ id: 'P-1' }), contract({ id: 'P-1-D', dodatekKSmlouve: 'P-1', datumUzavreni: '2024-06-01' })]), { source: 'test' });
    await ctx.register.publish(second, items([contract({ id: 'P-2', strany: [{ nazev: 'Jan Novák', typOsoby: 'fyzicka' }] })]), { source: 'test' });
    const result = await ctx.exports.run({ formats: ['ocds'] });
    const platformFiles = result.index.files.filter((f) => f.organization === null);
    expect(platformFiles.map((f) => f.path)).toEqual(['vse/ocds-records.json', 'vse/ocds-releases.json']);
    const { releasePackage, recordPackage } = ocdsValidators();
    const releases = JSON.parse(readFileSync(join(dir, 'vse', 'ocds-releases.json'), 'utf8'));
    expect(releasePackage(releases), JSON.stringify(releasePackage.errors?.slice(0, 3))).toBe(true);
    const records = JSON.parse(readFileSync(join(dir, 'vse', 'ocds-records.json'), 'utf8'));
    expect(recordPackage(records), JSON.stringify(recordPackage.errors?.slice(0, 3))).toBe(true);
    // Every organisation's releases, the same as in its own package; the records point into the platform's package.
    for (const organization of [first, second]) {
      const own = JSON.parse(readFileSync(join(dir, organization.ico, 'ocds-releases.json'), 'utf8')).releases;
      const ocid = own[0].ocid;
      expect(releases.releases.filter((r: { ocid: string }) => r.ocid === ocid)).toEqual(own.filter((r: { ocid: string }) => r.ocid === ocid));
      const record = records.records.find((r: { ocid: string }) => r.ocid === ocid);
      expect(record.releases[0].url).toMatch(/\/otevrena-data\/soubory\/vse\/ocds-releases\.json#/);
    }
    expect(releases.publisher.name).toBe('Otevřená města');
    const entry = (path: string) => platformFiles.find((f) => f.path === path)!;
    expect(entry('vse/ocds-releases.json').rows).toBe(releases.releases.length);
    expect(entry('vse/ocds-records.json').rows).toBe(records.records.length);
    expect(entry('vse/ocds-releases.json').personalData).toBe(true);
  });
});
