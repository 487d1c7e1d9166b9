import { describe, expect, it, vi } from 'vitest';
import { runCli, useCliTestDatabase } from '../testing/cli.ts';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contract, makeOrganization, randomIco, testContext } from '../testing/factories.ts';
import { csvColumns, flattenRecord } from '../standard/flat.ts';
import { csvLine } from '../shared/csv.ts';

const cli = useCliTestDatabase();
const dir = mkdtempSync(join(tmpdir(), 'om-cli-'));

describe('om organizations import and om token', () => {
  it('imports organisations from CSV, resolving a parent listed later in the file, and reports a bad row', async () => {
    const town = randomIco();
    const school = randomIco();
    const file = join(dir, 'organizace.csv');
    writeFileSync(
      file,
      ['ico;nazev;druh;kodObce;datovaSchranka;pocetObyvatel;icoNadrizene', `${school};ZŠ Testov;prispevkova-organizace;;;;${town}`, `${town};Obec Testov;obec;581372;abc1234;1 234;`, '12345678;Špatné IČO;obec;;;;'].join('\n'),
    );
    const result = await runCli(['organizations', 'import', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('přečteno 3, nových 2');
    expect(result.stdout).toMatch(/řádek 4: IČO „12345678“ není platné/);
    const child = await cli.ctx.organizations.getByIco(school);
    expect((await cli.ctx.organizations.findById(child.parentId!))?.ico).toBe(town);
    expect(await cli.ctx.organizations.getByIco(town)).toMatchObject({ population: 1234, ruianCode: '581372', dataBox: 'abc1234' });
  });

  it('creates a token that the API accepts, and revokes it', async () => {
    const organization = await makeOrganization(cli.ctx);
    const created = await runCli(['token', 'create', '--org', organization.ico]);
    const token = created.stdout.trim();
    expect(token).toMatch(/^om_/);
    expect((await cli.ctx.tokens.authenticate(token)).organizationId).toBe(organization.id);
    const id = (await cli.ctx.tokens.list(organization))[0]!.id;
    await runCli(['token', 'revoke', String(id)]);
    await expect(cli.ctx.tokens.authenticate(token)).rejects.toMatchObject({ code: 'unauthorized' });
  });
});

describe('om publish', () => {
  it('publishes a CSV through the worker; the second run creates nothing; a bad row is reported with line, field and reason', async () => {
    const organization = await makeOrganization(cli.ctx);
    const columns = csvColumns('smlouva');
    const rows = Array.from({ length: 2500 }, (_, i) => contract({ id: `CLI-${i}` }));
    const bad = contract({ id: 'CLI-BAD', datumUzavreni: '31. 2. 2024' });
    const file = join(dir, 'smlouvy.csv');
    writeFileSync(file, csvLine(columns) + [...rows, bad].map((r) => csvLine(flattenRecord(r, columns))).join(''));

    const first = await runCli(['publish', '--json', '--org', organization.ico, file]);
    const report = JSON.parse(first.stdout);
    expect(first.code).toBe(1);
    expect(report).toMatchObject({ read: 2501, created: 2500, newVersions: 0, unchanged: 0, rejected: 1 });
    expect(report.issues).toEqual([expect.objectContaining({ line: 2502, id: 'CLI-BAD', status: 'rejected', issues: [expect.objectContaining({ path: 'datumUzavreni', code: 'invalid_date' })] })]);

    const second = JSON.parse((await runCli(['publish', '--json', '--org', organization.ico, file])).stdout);
    expect(second).toMatchObject({ read: 2501, created: 0, newVersions: 0, unchanged: 2500, rejected: 1 });
  });

  it('publishes a JSON envelope whose records take their type from the file', async () => {
    const organization = await makeOrganization(cli.ctx);
    const file = join(dir, 'faktury.json');
    const invoice = { id: 'F-1', predmet: 'Oprava', datumVystaveni: '2024-05-01', hodnotaBezDph: '100.00', strany: [{ nazev: 'Firma', ico: '25596641' }] };
    writeFileSync(file, JSON.stringify({ typ: 'faktura', zaznamy: [invoice] }));
    const result = JSON.parse((await runCli(['publish', '--json', '--org', organization.ico, file])).stdout);
    expect(result).toMatchObject({ read: 1, created: 1, format: 'json' });
    expect((await cli.ctx.register.detail(organization, 'F-1')).type).toBe('faktura');
  });

  it('refuses an unreadable file before storing anything', async () => {
    const organization = await makeOrganization(cli.ctx);
    const file = join(dir, 'spatne.csv');
    writeFileSync(file, 'nazev;cena\nx;1\n');
    await expect(runCli(['publish', '--org', organization.ico, file])).rejects.toMatchObject({ code: 'unreadable_input' });
    expect(await cli.ctx.register.count({ organizationIds: [organization.id] })).toBe(0);
  });

  it('validates a file without storing it', async () => {
    const file = join(dir, 'zaznamy.ndjson');
    writeFileSync(file, [contract({ id: 'N1' }), contract({ id: 'N2', mena: 'XX' })].map((r) => JSON.stringify(r)).join('\n'));
    const result = await runCli(['validate', '--json', file]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).summary).toMatchObject({ read: 2, valid: 1, rejected: 1 });
  });
});

describe('om user', () => {
  it('creates a platform admin without a password and prints a one-time link that sets one', async () => {
    const email = `spravce-${Date.now()}@om.cz`;
    const result = await runCli(['user', 'create', email, '--admin', '--name', 'Správce']);
    expect(result.code).toBe(0);
    const link = result.stdout.trim();
    expect(link).toMatch(/\/sprava\/odkaz\/[\w-]{40,}$/);
    const token = link.split('/').pop()!;
    const found = await cli.ctx.accounts.peekLink(token);
    expect(found?.user.email).toBe(email);
    expect((await cli.ctx.accounts.findByEmail(email))?.isPlatformAdmin).toBe(true);
    await expect(cli.ctx.accounts.signIn(email, '', null)).rejects.toThrow();
    await cli.ctx.accounts.setPasswordWithLink(token, 'heslo správce platformy', null);
    expect((await cli.ctx.accounts.signIn(email, 'heslo správce platformy', null)).user.email).toBe(email);
    expect(await cli.ctx.accounts.peekLink(token)).toBeUndefined();
  });

  it('gives an editor a role in an organisation and logs who did it', async () => {
    const organization = await makeOrganization(cli.ctx);
    const email = `editor-${Date.now()}@om.cz`;
    expect((await runCli(['user', 'create', email, '--org', organization.ico, '--role', 'editor'])).code).toBe(0);
    expect((await cli.ctx.accounts.members(organization)).map((m) => [m.email, m.role])).toEqual([[email, 'editor']]);
    expect((await cli.ctx.audit.list(organization.id)).items.map((e) => [e.actor, e.action])).toEqual([
      ['om (příkazová řádka)', 'member.granted'],
      ['om (příkazová řádka)', 'user.created'],
    ]);
  });
});

describe('om attachments prune', () => {
  it('removes the uploads nothing names, of one organisation, and keeps those a draft names', async () => {
    const attachmentDir = mkdtempSync(join(tmpdir(), 'om-cli-attachments-'));
    vi.stubEnv('ATTACHMENT_DIR', attachmentDir);
    const ctx = testContext(cli.database.db, { ATTACHMENT_DIR: attachmentDir });
    const town = await makeOrganization(ctx);
    const other = await makeOrganization(ctx);
    const pdf = (text: string) => new TextEncoder().encode(`%PDF-1.7\n% ${text}\n%%EOF\n`);
    const forgotten = await ctx.attachments.store(town, 'zapomenuta.pdf', pdf('zapomenutá'));
    const named = await ctx.attachments.store(town, 'v-konceptu.pdf', pdf('v konceptu'));
    await ctx.drafts.save(town, 'smlouva', { predmet: 'Koncept', 'prilohy.1.sha256': named.sha256 }, null);
    const elsewhere = await ctx.attachments.store(other, 'jinde.pdf', pdf('jinde'));

    expect((await runCli(['attachments', 'prune', '--org', town.ico])).stdout).toContain('odebráno 0');
    const pruned = await runCli(['attachments', 'prune', '--org', town.ico, '--days', '0']);
    expect(pruned).toEqual({ code: 0, stdout: 'Přílohy: prověřeno 2 nezveřejněných, odebráno 1, smazáno souborů 1.\n' });
    expect(existsSync(forgotten.path)).toBe(false);
    expect(existsSync(named.path)).toBe(true);
    expect(existsSync(elsewhere.path)).toBe(true);
  });
});
