/**
 * `npm run bench`: the issue targets measured on this machine (not a timed test).
 *  - `om validate` of a 100,000-row CSV (rows/s, whole command including start-up);
 *  - `om publish` of a 100,000-row CSV into SQLite and PostgreSQL (records/s), then the unchanged re-publish;
 *  - peak memory (max RSS) of `om publish` for a 1,000,000-row CSV into SQLite.
 *  - `om import registr-smluv` of a generated 1,000,000-record dump (~1.2 GB) into SQLite and PostgreSQL, then the
 *    unchanged second import (records/s and peak memory).
 *  - `om export` of the dump's database to CSV and to NDJSON (rows/s and peak memory), BENCH_SKIP_EXPORT=1 skips it;
 *  - the portal on the dump's database (bench/portal.ts): search p50/p95 with facets, organisation and record pages
 *    under 50 connections (BENCH_SKIP_PORTAL=1 skips it).
 * Set BENCH_ROWS / BENCH_BIG_ROWS / BENCH_DUMP_RECORDS to change sizes, BENCH_SKIP_PG=1, BENCH_SKIP_BIG=1 or
 * BENCH_SKIP_DUMP=1 to skip parts, BENCH_ONLY_DUMP=1 to run only the dump import.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { writeBenchCsv } from './generate.ts';
import { writeRegisterDump } from '../src/testing/register-dump.ts';
import { benchPortal } from './portal.ts';

const rows = Number(process.env.BENCH_ROWS ?? 100_000);
const bigRows = Number(process.env.BENCH_BIG_ROWS ?? 1_000_000);
const dumpRecords = Number(process.env.BENCH_DUMP_RECORDS ?? 1_000_000);
const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const dir = mkdtempSync(join(tmpdir(), 'om-bench-'));
const om = new URL('../bin/om.mjs', import.meta.url).pathname;
const rssHook = join(dir, 'rss-hook.mjs');
writeFileSync(rssHook, "process.on('exit', () => process.stderr.write(`MAXRSS_KB=${process.resourceUsage().maxRSS}\\n`));\n");
const ORG_ICO = '00279978';

function runOm(args: string[], env: Record<string, string>): { seconds: number; stdout: string; maxRssMb: number } {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--import', rssHook, om, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (process.env.BENCH_DEBUG) console.error(result.status, result.stderr.slice(0, 2000));
  if (result.status !== 0) throw new Error(`om ${args.join(' ')} failed: ${result.stderr}`);
  const rss = /MAXRSS_KB=(\d+)/.exec(result.stderr)?.[1];
  return { seconds, stdout: result.stdout.trim(), maxRssMb: rss ? Number(rss) / 1024 : NaN };
}

function setUpOrganization(env: Record<string, string>): void {
  const csv = join(dir, 'org.csv');
  writeFileSync(csv, `ico;nazev;druh\n${ORG_ICO};Město Boskovice;obec\n`);
  runOm(['organizations', 'import', csv], env);
}

/** om publish --json reports the seconds of the publish itself; the wall time adds process start-up (~0.5–0.8 s). */
function publish(label: string, file: string, env: Record<string, string>, count: number, what: string): void {
  const run = runOm(['publish', '--json', '--org', ORG_ICO, file], env);
  const report = JSON.parse(run.stdout) as { seconds: number; created: number; newVersions: number; unchanged: number; rejected: number };
  console.log(
    `${label}: ${what} ${count.toLocaleString('en')} rows: ${(count / report.seconds).toFixed(0)} records/s ` +
      `(publish ${report.seconds.toFixed(2)} s; whole command ${run.seconds.toFixed(2)} s = ${(count / run.seconds).toFixed(0)}/s; max RSS ${run.maxRssMb.toFixed(0)} MB; ` +
      `created ${report.created}, new versions ${report.newVersions}, unchanged ${report.unchanged}, rejected ${report.rejected})`,
  );
}

function importDump(label: string, file: string, env: Record<string, string>, what: string): void {
  const run = runOm(['import', 'registr-smluv', '--json', file], env);
  const report = JSON.parse(run.stdout) as { seconds: number; read: number; created: number; newVersions: number; unchanged: number; rejected: number };
  console.log(
    `${label}: ${what} ${report.read.toLocaleString('en')} records: ${(report.read / report.seconds).toFixed(0)} records/s ` +
      `(import ${report.seconds.toFixed(2)} s; whole command ${run.seconds.toFixed(2)} s; max RSS ${run.maxRssMb.toFixed(0)} MB; ` +
      `created ${report.created}, new versions ${report.newVersions}, unchanged ${report.unchanged}, rejected ${report.rejected})`,
  );
}

/**
 * Bulk export of the dump's database: CSV under the standard and NDJSON with history, each written alone, as
 * `om export` decides (CSV on two cores with SQLite and on one with PostgreSQL, NDJSON on one), then on one and two
 * cores each.
 */
function benchExport(label: string, env: Record<string, string>): void {
  for (const [format, threads] of [['csv', null], ['ndjson', null], ['csv', '1'], ['csv', '2'], ['ndjson', '2']] as const) {
    const exportDir = join(dir, `export-${label}-${format}`);
    const run = runOm(['export', '--format', format, ...(threads ? ['--threads', threads] : []), '--json'], { ...env, EXPORT_DIR: exportDir });
    const report = JSON.parse(run.stdout) as { records: number; files: number; seconds: number; threads: number };
    console.log(
      `${label}: om export --format ${format}${threads ? ` --threads ${threads}` : ''} ${report.records.toLocaleString('en')} records on ${report.threads} core(s): ${(report.records / report.seconds).toFixed(0)} rows/s ` +
        `(export ${report.seconds.toFixed(2)} s; ${report.files} files, each record in its organisation's file and the platform file; max RSS ${run.maxRssMb.toFixed(0)} MB)`,
    );
    rmSync(exportDir, { recursive: true, force: true });
  }
}

function importDumpTwice(label: string, file: string, env: Record<string, string>): void {
  importDump(label, file, env, 'om import registr-smluv');
  importDump(label, file, env, 'unchanged re-import');
}

async function withPgSchema(work: (url: string) => void | Promise<void>): Promise<void> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  try {
    await work(`${pgUrl}?schema=${schema}`);
  } finally {
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
    await client.end();
  }
}

function publishTwice(label: string, file: string, env: Record<string, string>, count: number): void {
  setUpOrganization(env);
  publish(label, file, env, count, 'om publish');
  publish(label, file, env, count, 'unchanged re-publish');
}

try {
  if (!process.env.BENCH_ONLY_DUMP) await benchPublishing();
  if (!process.env.BENCH_SKIP_DUMP) {
    const dump = join(dir, 'dump.xml');
    const bytes = writeRegisterDump(dump, dumpRecords);
    console.log(`register dump: ${dumpRecords.toLocaleString('en')} records, ${(bytes / 1e9).toFixed(2)} GB`);
    const sqliteEnv = { DATABASE_URL: `sqlite:${join(dir, 'dump.sqlite')}` };
    importDumpTwice('SQLite', dump, sqliteEnv);
    if (!process.env.BENCH_SKIP_EXPORT) benchExport('SQLite', sqliteEnv);
    if (!process.env.BENCH_SKIP_PORTAL) await benchPortal('SQLite', om, sqliteEnv, 3901);
    if (!process.env.BENCH_SKIP_PG) {
      await withPgSchema(async (url) => {
        importDumpTwice('PostgreSQL', dump, { DATABASE_URL: url });
        if (!process.env.BENCH_SKIP_EXPORT) benchExport('PostgreSQL', { DATABASE_URL: url });
        if (!process.env.BENCH_SKIP_PORTAL) await benchPortal('PostgreSQL', om, { DATABASE_URL: url }, 3902);
      });
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

async function benchPublishing(): Promise<void> {
  const file = join(dir, 'records.csv');
  await writeBenchCsv(file, rows);

  // Validation alone, as a user runs it: `om validate --json` (exit code 0 when every row is valid).
  {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [om, 'validate', '--json', file], { env: { ...process.env, LOG_LEVEL: 'warn' }, encoding: 'utf8', maxBuffer: 1 << 26 });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== 0) throw new Error(`om validate failed: ${result.stderr}`);
    const report = JSON.parse(result.stdout) as { seconds: number; summary: { read: number; rejected: number } };
    const rows = report.summary.read;
    console.log(
      `validation: om validate ${rows.toLocaleString('en')} rows: ${(rows / report.seconds).toFixed(0)} rows/s ` +
        `(validation ${report.seconds.toFixed(2)} s; whole command ${seconds.toFixed(2)} s = ${(rows / seconds).toFixed(0)}/s; ${report.summary.rejected} rejected)`,
    );
  }

  publishTwice('SQLite', file, { DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite')}` }, rows);

  if (!process.env.BENCH_SKIP_PG) await withPgSchema((url) => publishTwice('PostgreSQL', file, { DATABASE_URL: url }, rows));

  if (!process.env.BENCH_SKIP_BIG) {
    const big = join(dir, 'big.csv');
    await writeBenchCsv(big, bigRows);
    const env = { DATABASE_URL: `sqlite:${join(dir, 'big.sqlite')}` };
    setUpOrganization(env);
    publish('SQLite (large file)', big, env, bigRows, 'om publish');
  }
}
