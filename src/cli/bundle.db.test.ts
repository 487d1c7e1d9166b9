/**
 * `om` runs the esbuild bundles in dist/ (bin/om.mjs rebuilds them when a source is newer), while the other tests
 * run the sources. This runs each bundle once: the command, the prepare worker (a register import) and the export
 * worker (an export on two cores). A package the bundler cannot inline (a CommonJS require of a Node module inside an
 * ES module bundle) fails only here.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { useCliTestDatabase } from '../testing/cli.ts';
import { writeRegisterDump } from '../testing/register-dump.ts';

const run = promisify(execFile);
const cli = useCliTestDatabase();
const om = new URL('../../bin/om.mjs', import.meta.url).pathname;

describe('the built om command', () => {
  it('imports a register dump in its prepare worker and exports on two cores in its export worker', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'om-bundle-'));
    const dump = join(dir, 'dump.xml');
    writeRegisterDump(dump, 2_000, 20);
    const env = { ...process.env, DATABASE_URL: cli.database.url, LOG_LEVEL: 'silent', EXPORT_DIR: join(dir, 'export') };
    const imported = JSON.parse((await run(process.execPath, [om, 'import', 'registr-smluv', dump, '--json'], { env })).stdout) as { read: number; created: number; rejected: number };
    expect(imported).toMatchObject({ read: 2_000, created: 1_802, rejected: 0 });

    const exported = JSON.parse((await run(process.execPath, [om, 'export', '--format', 'csv', '--threads', '2', '--json'], { env })).stdout) as { records: number; threads: number };
    expect(exported).toMatchObject({ records: 1_802, threads: 2 });
    expect(readdirSync(join(dir, 'export')).length).toBeGreaterThan(0);
  }, 120_000);
});
