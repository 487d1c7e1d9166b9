/** Profiling aid: publishes a generated CSV in-process and prints phase timings (not part of npm run bench). */
import { createReadStream, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { writeBenchCsv } from './generate.ts';
import { openDatabase } from '../src/db/connection.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { makeOrganization, testContext } from '../src/testing/factories.ts';

const rows = Number(process.env.BENCH_ROWS ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'om-prof-'));
await writeBenchCsv(join(dir, 'a.csv'), rows);
const db = openDatabase(process.env.DATABASE_URL ?? `sqlite:${join(dir, 'db.sqlite')}`);
await migrateToLatest(db);
const ctx = testContext(db);
const organization = await makeOrganization(ctx);
const timer = setInterval(() => { const m = process.memoryUsage(); console.log(`rss ${m.rss >> 20} heapTotal ${m.heapTotal >> 20} heapUsed ${m.heapUsed >> 20} external ${m.external >> 20} ab ${m.arrayBuffers >> 20}`); }, 3000);
let started = Date.now();
const report = await ctx.publishing.publishPath(organization, join(dir, "a.csv"), { source: 'profile', keepOutcomes: 'problems' });
console.log(`publish: ${report.created} created, ${Math.round(rows / ((Date.now() - started) / 1000))} records/s, rss ${Math.round(process.memoryUsage().rss / 1048576)} MB`);
started = Date.now();
await ctx.publishing.publishFile(organization, createReadStream(join(dir, 'a.csv')), { source: 'profile', keepOutcomes: 'problems' });
console.log(`republish: ${Math.round(rows / ((Date.now() - started) / 1000))} records/s`);
clearInterval(timer);
await db.close();
