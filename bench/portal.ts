/**
 * The portal's targets on a database that holds a generated register dump (1,000,000 records):
 *  - search latency (p50/p95) over a mix of queries, sorted by date and by relevance, each page with facet counts;
 *  - organisation and record pages under load: autocannon, 50 connections, 30 s, on loopback.
 * The server is `om serve` in its own process, as in production; the load tool shares the machine's two cores.
 * Searches start once /healthz says the in-memory search index is built, after four warm-up requests with
 * queries outside the mix; the first round of the mix is reported on its own too (no answer of it cached yet).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { icoWithCheckDigit } from '../src/shared/identifiers.ts';

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (options: { url: string; connections: number; duration: number }) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** A publisher and one of its contracts in the generated dump (src/testing/register-dump.ts). */
const ORG_ICO = icoWithCheckDigit(String(2_000_000 + 7));
const RECORD_KEY = '2007';

const QUERIES: Array<Record<string, string>> = [
  { q: 'společnost 1234' },
  { q: 'spolecnost 777' },
  { subjekt: icoWithCheckDigit(String(3_000_000 + 4321)) },
  { q: '2024/150007' },
  { q: 'dotace sport' },
  { q: 'odpad', typ: 'smlouva' },
  { q: 'výpočetní techniky', castkaOd: '1000000' },
  { q: 'nebytov', od: '2024-01-01', do: '2024-03-31' },
  { organizace: ORG_ICO },
  { organizace: ORG_ICO, q: 'komunikace' },
  { castkaOd: '4900000' },
  { signal: 'just_under_threshold' },
  { od: '2024-12-01', do: '2024-12-31' },
  { q: 'radnice pošty' },
  { q: 'opravené znění' },
  {},
];

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function startServer(om: string, env: Record<string, string>, port: number): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, [om, 'serve'], { env: { ...process.env, LOG_LEVEL: 'warn', PORT: String(port), EXPORT_TIME: 'off', ...env }, stdio: 'ignore' });
  for (let i = 0; i < 600; i++) {
    try {
      // Stopping waits for the exit, so no connection of the server outlives it (the bench then drops its schema).
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      // Searches are measured on the in-memory index, as served once the server is ready.
      if (health.ok && ((await health.json()) as { searchIndex?: string }).searchIndex !== 'building') return () => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill())));
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  child.kill();
  throw new Error('om serve did not start');
}

export async function benchPortal(label: string, om: string, env: Record<string, string>, port: number): Promise<void> {
  const stop = await startServer(om, env, port);
  try {
    const base = `http://127.0.0.1:${port}`;
    // Warm-up with queries outside the measured mix (their answers are not cached for it): connection, compiled code.
    for (const warmUp of [{ q: 'smlouva' }, { typ: 'faktura' }, { q: 'brno', razeni: 'castka' }, { od: '2023-05-01' }] as Array<Record<string, string>>) await (await fetch(`${base}/hledat?${new URLSearchParams(warmUp)}`)).text();
    for (const sort of ['datum', 'relevance']) {
      const times: number[] = [];
      for (let round = 0; round < 2; round++) {
        for (const query of QUERIES) {
          const params = new URLSearchParams({ ...query, razeni: sort });
          const started = performance.now();
          const response = await fetch(`${base}/hledat?${params}`);
          await response.text();
          if (!response.ok) throw new Error(`search ${params} answered ${response.status}`);
          times.push(performance.now() - started);
        }
      }
      const first = times.slice(0, QUERIES.length);
      console.log(
        `${label}: search sorted by ${sort}, ${times.length} requests with facets: p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${percentile(times, 95).toFixed(0)} ms ` +
          `(first round alone, each query new to the server: p50 ${percentile(first, 50).toFixed(0)} ms, p95 ${percentile(first, 95).toFixed(0)} ms, max ${Math.max(...first).toFixed(0)} ms)`,
      );
    }
    for (const [name, path] of [
      ['organisation page', `/organizace/${ORG_ICO}`],
      ['record page', `/organizace/${ORG_ICO}/zaznam/${RECORD_KEY}`],
    ] as const) {
      const result = await autocannon({ url: base + path, connections: 50, duration: 30 });
      console.log(
        `${label}: ${name}, 50 connections for 30 s: ${result.requests.average.toFixed(0)} requests/s, latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
          `errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}`,
      );
    }
  } finally {
    await stop();
  }
}
