import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import { contract, items, makeOrganization, testContext } from '../testing/factories.ts';
import type { AppContext } from '../context.ts';

let database: TestDatabase;
let ctx: AppContext;

beforeAll(async () => {
  database = await createTestDatabase();
  ctx = testContext(database.db);
});
afterAll(() => database.cleanup());

describe('register', () => {
  it('creates nothing when the same records are published twice', async () => {
    const organization = await makeOrganization(ctx);
    const records = [contract({ id: 'A' }), contract({ id: 'B' })];
    const first = await ctx.register.publish(organization, items(records), { source: 'test' });
    expect(first).toMatchObject({ read: 2, created: 2, newVersions: 0, unchanged: 0, rejected: 0 });
    const second = await ctx.register.publish(organization, items(records), { source: 'test' });
    expect(second).toMatchObject({ read: 2, created: 0, newVersions: 0, unchanged: 2, rejected: 0 });
    expect((await ctx.register.detail(organization, 'A')).versions).toHaveLength(1);
  });

  it('makes version 2 of a changed record and keeps both readable with a diff', async () => {
    const organization = await makeOrganization(ctx);
    await ctx.register.publish(organization, items([contract({ id: 'C1', predmet: 'Původní předmět' })]), { source: 'test' });
    const report = await ctx.register.publish(organization, items([contract({ id: 'C1', predmet: 'Opravený předmět' })]), { source: 'test', note: 'oprava překlepu' });
    expect(report).toMatchObject({ created: 0, newVersions: 1 });
    expect(report.outcomes[0]).toMatchObject({ status: 'new_version', version: 2 });
    const detail = await ctx.register.detail(organization, 'C1');
    expect(detail.versions.map((v) => [v.versionNo, v.change, v.content.predmet])).toEqual([
      [1, 'created', 'Původní předmět'],
      [2, 'corrected', 'Opravený předmět'],
    ]);
    expect(detail.versions[1]!.changes).toEqual([{ path: 'predmet', before: 'Původní předmět', after: 'Opravený předmět' }]);
    expect(detail.versions[1]!.note).toBe('oprava překlepu');
  });

  it('handles several versions of one record within one file, in order', async () => {
    const organization = await makeOrganization(ctx);
    const report = await ctx.register.publish(
      organization,
      items([contract({ id: 'V', predmet: 'v1' }), contract({ id: 'V', predmet: 'v2' }), contract({ id: 'V', predmet: 'v2' }), contract({ id: 'V', predmet: 'v3' })]),
      { source: 'test', batchSize: 3 },
    );
    expect(report).toMatchObject({ created: 1, newVersions: 2, unchanged: 1 });
    expect((await ctx.register.detail(organization, 'V')).versions.map((v) => v.content.predmet)).toEqual(['v1', 'v2', 'v3']);
  });

  it('keeps a withdrawn record readable in history with its reason', async () => {
    const organization = await makeOrganization(ctx);
    await ctx.register.publish(organization, items([contract({ id: 'W' })]), { source: 'test' });
    const detail = await ctx.register.withdraw(organization, 'W', 'Zveřejněno omylem', { source: 'test' });
    expect(detail.status).toBe('withdrawn');
    expect(detail.withdrawalReason).toBe('Zveřejněno omylem');
    expect(detail.versions.map((v) => v.change)).toEqual(['created', 'withdrawn']);
    expect(detail.versions[0]!.content.id).toBe('W');
    await expect(ctx.register.withdraw(organization, 'W', 'znovu', { source: 'test' })).rejects.toMatchObject({ code: 'conflict' });
    await expect(ctx.register.withdraw(organization, 'nope', 'důvod', { source: 'test' })).rejects.toMatchObject({ code: 'not_found' });
    const list = await ctx.register.list({ organizationIds: [organization.id] }, { limit: 10 });
    expect(list.items).toHaveLength(0);
  });

  it('with atomic, one rejected record stores nothing and lists every reason', async () => {
    const organization = await makeOrganization(ctx);
    const bad1 = contract({ id: 'X1', datumUzavreni: 'včera' });
    const bad2 = contract({ id: 'X2', mena: 'XXX' });
    const error = await ctx.register.publish(organization, items([contract({ id: 'OK' }), bad1, bad2]), { source: 'test', atomic: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'atomic_rejected' });
    const details = (error as { details: { rejected: number; outcomes: Array<{ id: string; issues: Array<{ code: string }> }> } }).details;
    expect(details.rejected).toBe(2);
    expect(details.outcomes.map((o) => [o.id, o.issues[0]!.code])).toEqual([
      ['X1', 'invalid_date'],
      ['X2', 'invalid_currency'],
    ]);
    expect(await ctx.register.count({ organizationIds: [organization.id] })).toBe(0);
  });

  it('without atomic, rejections do not block the valid records', async () => {
    const organization = await makeOrganization(ctx);
    const report = await ctx.register.publish(organization, items([contract({ id: 'G' }), contract({ id: 'B', datumUzavreni: '2024-02-30' })]), { source: 'test' });
    expect(report).toMatchObject({ created: 1, rejected: 1 });
  });

  it('never shows a birth number but stores it flagged', async () => {
    const organization = await makeOrganization(ctx);
    await ctx.register.publish(organization, items([contract({ id: 'RC', strany: [{ nazev: 'Jan Novák', ico: '7360285163', typOsoby: 'fyzicka' }] })]), { source: 'test' });
    const detail = await ctx.register.detail(organization, 'RC');
    expect(JSON.stringify(detail)).not.toContain('7360285163');
    expect(detail.current.redactedPaths).toEqual(['strany.1.ico']);
    const stored = await database.db.kysely.selectFrom('record_versions').select('personal_data').where('personal_data', 'is not', null).execute();
    expect(stored.some((row) => row.personal_data?.includes('7360285163'))).toBe(true);
  });

  it('filters by party IČO, dates, amounts and diacritics-insensitive prefix text', async () => {
    const organization = await makeOrganization(ctx);
    await ctx.register.publish(
      organization,
      items([
        contract({ id: 'F1', predmet: 'Školní jídelna', datumUzavreni: '2024-01-10', hodnotaBezDph: '1000.00', hodnotaVcetneDph: '1210.00' }),
        contract({ id: 'F2', predmet: 'Oprava silnice', datumUzavreni: '2024-06-10', strany: [{ nazev: 'Jiná firma', ico: '00279978' }] }),
      ]),
      { source: 'test' },
    );
    const ids = async (filter: object) => (await ctx.register.list({ organizationIds: [organization.id], ...filter }, { limit: 10 })).items.map((i) => i.id);
    expect(await ids({ tokens: ['skolni'] })).toEqual(['F1']);
    expect(await ids({ tokens: ['jidel'] })).toEqual(['F1']);
    expect(await ids({ tokens: ['idelna'] })).toEqual([]);
    expect(await ids({ partyIco: '00279978' })).toEqual(['F2']);
    expect(await ids({ dateFrom: '2024-03-01' })).toEqual(['F2']);
    expect(await ids({ amountTo: 150000 })).toEqual(['F1']);
  });

  it('paginates with a cursor without gaps or repeats', async () => {
    const organization = await makeOrganization(ctx);
    const records = Array.from({ length: 7 }, (_, i) => contract({ id: `P${i}`, datumUzavreni: `2024-01-0${1 + (i % 3)}` }));
    await ctx.register.publish(organization, items(records), { source: 'test' });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await ctx.register.list({ organizationIds: [organization.id] }, { cursor, limit: 3 });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.sort()).toEqual(records.map((r) => r.id).sort());
  });

  it('the database itself refuses to change or delete a published version', async () => {
    const organization = await makeOrganization(ctx);
    await ctx.register.publish(organization, items([contract({ id: 'IMM' })]), { source: 'test' });
    await expect(sql`delete from record_versions`.execute(database.db.kysely)).rejects.toThrow();
    await expect(sql`update record_versions set content = '{}'`.execute(database.db.kysely)).rejects.toThrow();
    await expect(sql`delete from records`.execute(database.db.kysely)).rejects.toThrow();
    expect((await ctx.register.detail(organization, 'IMM')).versions).toHaveLength(1);
  });

  it('stores red flags, counts lateness of a correction from the first publication, and recomputes missing flags', async () => {
    const organization = await makeOrganization(ctx);
    const flagsOf = async (key: string) =>
      (await ctx.db.kysely.selectFrom('records').select('red_flags').where('organization_id', '=', organization.id).where('record_key', '=', key).executeTakeFirstOrThrow()).red_flags;
    await ctx.register.publish(
      organization,
      items([
        contract({ id: 'LATE', datumUzavreni: '2024-03-15', datumZverejneni: '2024-05-01', hodnotaBezDph: '1950000.00', hodnotaVcetneDph: '2359500.00' }),
        contract({ id: 'CORR', datumUzavreni: '2024-03-15' }),
      ]),
      { source: 'test' },
    );
    expect(await flagsOf('LATE')).toBe(' published_late just_under_threshold ');
    expect(await flagsOf('CORR')).toBe(' published_too_late ');

    // First published here five days after conclusion; a correction today must not make it late.
    await ctx.db.kysely.updateTable('records').set({ first_published_at: '2024-03-20T10:00:00.000Z' }).where('organization_id', '=', organization.id).where('record_key', '=', 'CORR').execute();
    await ctx.register.publish(organization, items([contract({ id: 'CORR', datumUzavreni: '2024-03-15', predmet: 'Opravený předmět' })]), { source: 'test' });
    expect(await flagsOf('CORR')).toBe('');

    await ctx.db.kysely.updateTable('records').set({ red_flags: null }).where('organization_id', '=', organization.id).execute();
    expect(await ctx.register.recomputeRedFlags({ onlyMissing: true })).toBeGreaterThanOrEqual(2);
    expect(await flagsOf('LATE')).toBe(' published_late just_under_threshold ');
    expect(await flagsOf('CORR')).toBe('');
  });
});
