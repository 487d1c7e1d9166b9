/**
 * `npm run bench`: the issue targets measured on this machine (not a timed test).
 *  - validation of a 100,000-row CSV (rows/s);
 *  - `om publish` of a 100,000-row CSV into SQLite and PostgreSQL (records/s), then the unchanged re-publish;
 *  - peak memory (max RSS) of `om publish` for a 1,000,000-row CSV into SQLite.
 * Set BENCH_ROWS / BENCH_BIG_ROWS to change sizes, BENCH_SKIP_PG=1 or BENCH_SKIP_BIG=1 to skip parts.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { writeBenchCsv } from './generate.ts';
import { PublishingService } from '../src/publishing/service.ts';

const rows = Number(process.env.BENCH_ROWS ?? 100_000);
const bigRows = Number(process.env.BENCH_BIG_ROWS ?? 1_000_000);
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
  if (result.status !== 0 || !/přečteno/.test(result.stdout)) throw new Error(`om ${args.join(' ')} failed: ${result.stderr}`);
  const rss = /MAXRSS_KB=(\d+)/.exec(result.stderr)?.[1];
  return { seconds, stdout: result.stdout.trim(), maxRssMb: rss ? Number(rss) / 1024 : NaN };
}

function setUpOrganization(env: Record<string, string>): void {
  const csv = join(dir, 'org.csv');
  writeFileSync(csv, `ico;nazev;druh\n${ORG_ICO};Město Boskovice;obec\n`);
  runOm(['organizations', 'import', csv], env);
}

function publishTwice(label: string, file: string, env: Record<string, string>, count: number): void {
  setUpOrganization(env);
  const first = runOm(['publish', '--org', ORG_ICO, file], env);
  const second = runOm(['publish', '--org', ORG_ICO, file], env);
  console.log(`${label}: om publish ${count.toLocaleString('en')} rows: ${(count / first.seconds).toFixed(0)} records/s (${first.seconds.toFixed(2)} s, max RSS ${first.maxRssMb.toFixed(0)} MB) — ${first.stdout}`);
  console.log(`${label}: unchanged re-publish: ${(count / second.seconds).toFixed(0)} records/s (${second.seconds.toFixed(2)} s) — ${second.stdout}`);
}

try {
  const file = join(dir, 'records.csv');
  await writeBenchCsv(file, rows);

  const validator = new PublishingService(undefined as never, undefined as never);
  const started = process.hrtime.bigint();
  const report = await validator.validateFile(createReadStream(file));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`validation: ${report.summary.read.toLocaleString('en')} rows in ${seconds.toFixed(2)} s = ${(report.summary.read / seconds).toFixed(0)} rows/s (${report.summary.rejected} rejected)`);

  publishTwice('SQLite', file, { DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite')}` }, rows);

  if (!process.env.BENCH_SKIP_PG) {
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    try {
      publishTwice('PostgreSQL', file, { DATABASE_URL: `${pgUrl}?schema=${schema}` }, rows);
    } finally {
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    }
  }

  if (!process.env.BENCH_SKIP_BIG) {
    const big = join(dir, 'big.csv');
    await writeBenchCsv(big, bigRows);
    const env = { DATABASE_URL: `sqlite:${join(dir, 'big.sqlite')}` };
    setUpOrganization(env);
    const run = runOm(['publish', '--org', ORG_ICO, big], env);
    console.log(`SQLite: om publish ${bigRows.toLocaleString('en')} rows: ${(bigRows / run.seconds).toFixed(0)} records/s, peak memory (max RSS) ${run.maxRssMb.toFixed(0)} MB`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
