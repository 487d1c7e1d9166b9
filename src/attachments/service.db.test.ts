/**
 * Removing uploads that nothing names: a discarded draft's files at once, other unnamed uploads after a while;
 * a file another organisation uses, one a draft or record names, and a published one all stay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import { contract, items, makeOrganization, testContext } from '../testing/factories.ts';
import type { AppContext } from '../context.ts';
import type { Organization } from '../organizations/service.ts';

let database: TestDatabase;
let ctx: AppContext;
let dir: string;

beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'om-attachments-'));
  ctx = testContext(database.db, { ATTACHMENT_DIR: dir });
});
afterAll(async () => {
  await database.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const actor = { kind: 'cli' as const, label: 'test' };
/** A small PDF whose bytes (and so its SHA-256) differ by `text`. */
const pdf = (text: string) => new TextEncoder().encode(`%PDF-1.7\n% ${text}\n%%EOF\n`);

async function upload(organization: Organization, text: string): Promise<string> {
  return (await ctx.workspace.storeAttachment(actor, organization, `${text}.pdf`, pdf(text))).sha256;
}

const draftNaming = (organization: Organization, subject: string, sha256: string) =>
  ctx.drafts.save(organization, 'smlouva', { predmet: subject, 'prilohy.1.nazev': 'smlouva.pdf', 'prilohy.1.sha256': sha256 }, null);

describe('pruning uploads nothing names', () => {
  it('removes a discarded draft’s file, and keeps one another draft, a record or another organisation names', async () => {
    const town = await makeOrganization(ctx, { name: 'Obec Úklidová' });
    const neighbour = await makeOrganization(ctx, { name: 'Obec Sousední' });
    const own = await upload(town, 'jen pro zahozený koncept');
    const kept = await upload(town, 'i pro jiný koncept');
    const recorded = await upload(town, 've smlouvě');
    const shared = await upload(town, 'nahrály obě obce');
    await upload(neighbour, 'nahrály obě obce');

    const discarded = await draftNaming(town, 'Zahodit', own);
    const withKept = await draftNaming(town, 'Zahodit i s druhou', kept);
    await draftNaming(town, 'Zůstává', kept);
    const withRecorded = await draftNaming(town, 'Zahodit i se smlouvou', recorded);
    await ctx.register.publish(town, items([contract({ id: 'S-1', prilohy: [{ nazev: 'smlouva.pdf', sha256: recorded }] })]), { source: 'test' });
    const withShared = await draftNaming(town, 'Zahodit i se sdílenou', shared);

    for (const id of [discarded, withKept, withRecorded, withShared]) await ctx.workspace.discardDraft(actor, town, id);

    expect(await ctx.attachments.owned(town, own)).toBeUndefined();
    expect(existsSync(ctx.attachments.pathOf(own))).toBe(false);
    for (const sha256 of [kept, recorded]) {
      expect(await ctx.attachments.owned(town, sha256)).toBeDefined();
      expect(existsSync(ctx.attachments.pathOf(sha256))).toBe(true);
    }
    // The town's use of the shared file is gone; the file stays for the neighbour.
    expect(await ctx.attachments.owned(town, shared)).toBeUndefined();
    expect(await ctx.attachments.owned(neighbour, shared)).toBeDefined();
    expect(existsSync(ctx.attachments.pathOf(shared))).toBe(true);
    const audit = (await ctx.audit.list(town.id)).items.filter((entry) => entry.action === 'draft.discarded');
    expect(audit.map((entry) => entry.detail).sort((a, b) => String(a?.subject).localeCompare(String(b?.subject), 'cs'))).toEqual([
      { subject: 'Zahodit', attachmentsRemoved: 1 },
      { subject: 'Zahodit i s druhou', attachmentsRemoved: 0 },
      { subject: 'Zahodit i se sdílenou', attachmentsRemoved: 1 },
      { subject: 'Zahodit i se smlouvou', attachmentsRemoved: 0 },
    ]);
  });

  it('removes other unnamed uploads only once they are old enough, never a published file, and takes the same file again', async () => {
    const town = await makeOrganization(ctx, { name: 'Obec Stará' });
    const forgotten = await upload(town, 'nahráno a zapomenuto');
    const published = await upload(town, 'zveřejněná');
    await ctx.attachments.markPublished(town, [published]);

    expect(await ctx.attachments.pruneUnnamed({ organization: town })).toMatchObject({ usesRemoved: 0, filesRemoved: 0 });
    expect(await ctx.attachments.owned(town, forgotten)).toBeDefined();

    const report = await ctx.attachments.pruneUnnamed({ organization: town, olderThanDays: 0 });
    expect(report).toEqual({ checked: 1, usesRemoved: 1, filesRemoved: 1 });
    expect(existsSync(ctx.attachments.pathOf(forgotten))).toBe(false);
    expect((await ctx.attachments.owned(town, published))?.published).toBe(true);
    expect(existsSync(ctx.attachments.pathOf(published))).toBe(true);

    // Uploaded again after it went: stored again, file and all.
    expect(await upload(town, 'nahráno a zapomenuto')).toBe(forgotten);
    expect(existsSync(ctx.attachments.pathOf(forgotten))).toBe(true);
    expect(await ctx.attachments.owned(town, forgotten)).toBeDefined();
  });

  it('keeps a discarded draft’s file that was uploaded again since, or that a record names in upper case', async () => {
    const town = await makeOrganization(ctx, { name: 'Obec Opatrná' });
    const again = await upload(town, 'nahraná znovu pro nový formulář');
    const draft = await draftNaming(town, 'Starý koncept', again);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // The same file again, for a form not saved yet: only the form's hidden fields name it.
    expect(await upload(town, 'nahraná znovu pro nový formulář')).toBe(again);
    await ctx.workspace.discardDraft(actor, town, draft);
    expect(await ctx.attachments.owned(town, again)).toBeDefined();
    expect(existsSync(ctx.attachments.pathOf(again))).toBe(true);

    const upper = await upload(town, 've smlouvě velkými písmeny');
    await ctx.register.publish(town, items([contract({ id: 'S-VELKA', prilohy: [{ nazev: 'smlouva.pdf', sha256: upper.toUpperCase() }] })]), { source: 'test' });
    // Now nothing names the file uploaded again (its form was never saved): it goes; the one in the record stays.
    expect(await ctx.attachments.pruneUnnamed({ organization: town, olderThanDays: 0 })).toEqual({ checked: 2, usesRemoved: 1, filesRemoved: 1 });
    expect(existsSync(ctx.attachments.pathOf(again))).toBe(false);
    expect(existsSync(ctx.attachments.pathOf(upper))).toBe(true);
    expect(await ctx.attachments.owned(town, upper)).toBeDefined();
  });
});
