import { describe, expect, it } from 'vitest';
import { runCli, useCliTestDatabase } from '../testing/cli.ts';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { makeOrganization } from '../testing/factories.ts';
import { writeRegisterDump } from '../testing/register-dump.ts';

const cli = useCliTestDatabase();
const dir = mkdtempSync(join(tmpdir(), 'om-cli-import-'));
const mainTs = new URL('./main.ts', import.meta.url).pathname;
const countRecords = async () => Number((await sql<{ n: number }>`select count(*) as n from records`.execute(cli.database.db.kysely)).rows[0]!.n);

describe('om import', () => {
  it('om import table --json prints the report with read, created, newVersions, unchanged, rejected and issues', async () => {
    const organization = await makeOrganization(cli.ctx);
    const file = join(dir, 'smlouvy.csv');
    writeFileSync(file, 'Evidenční číslo;Předmět smlouvy;Datum uzavření;Cena bez DPH;Dodavatel;IČ\nA-1;Oprava mostu;1. 2. 2024;1 000,50;Mosty s.r.o.;25596641\nA-2;Oprava lávky;30. 2. 2024;10;Mosty s.r.o.;25596641\n');
    const rejected = join(dir, 'odmitnute.csv');
    const result = await runCli(['import', 'table', '--org', organization.ico, file, '--json', '--rejected', rejected]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ read: 2, created: 1, newVersions: 0, unchanged: 0, rejected: 1, issues: [expect.objectContaining({ line: 3, column: 'Datum uzavření', value: '30. 2. 2024' })] });
    expect(report.job).toMatchObject({ state: 'completed' });

    const human = await runCli(['import', 'table', '--org', organization.ico, file]);
    expect(human.stdout).toContain('řádek 3, sloupec „Datum uzavření“ = „30. 2. 2024“: CHYBA: Datum musí být platné datum');
  });

  it('a killed register import leaves whole batches, and the same command again completes the same job', async () => {
    const before = await countRecords();
    const dump = join(dir, 'dump.xml');
    writeRegisterDump(dump, 30_000, 50);
    const child = spawn(process.execPath, ['--import', 'tsx', mainTs, 'import', 'registr-smluv', dump], { env: { ...process.env, DATABASE_URL: cli.database.url, LOG_LEVEL: 'silent' }, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    for (let tries = 0; tries < 600 && (await countRecords()) === before; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGKILL');
    await exited;
    const afterKill = await countRecords();
    expect(afterKill).toBeGreaterThan(before);
    expect(afterKill - before).toBeLessThan(27_002);
    const [killed] = await cli.ctx.db.kysely.selectFrom('import_jobs').selectAll().where('kind', '=', 'registr-smluv').orderBy('id', 'desc').execute();
    expect(killed).toMatchObject({ state: 'running' });

    const again = await runCli(['import', 'registr-smluv', dump, '--json']);
    expect(again.code).toBe(0);
    const report = JSON.parse(again.stdout) as { read: number; created: number; newVersions: number; unchanged: number; job: { id: number; attempts: number; state: string } };
    expect(report.read).toBe(30_000);
    expect(report.job).toMatchObject({ id: killed!.id, attempts: 2, state: 'completed' });
    // 30,000 records: one in ten is a later version of an earlier contract.
    expect((await countRecords()) - before).toBe(27_002);
    // The job counts what all its attempts stored, as an uninterrupted run would have.
    expect(report).toMatchObject({ created: 27_002, newVersions: 2_998, unchanged: 0, rejected: 0 });
  }, 120_000);
});
