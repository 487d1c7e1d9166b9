/** Small factories for tests: each test makes its own organisation and records. */
import { randomInt } from 'node:crypto';
import { loadConfig } from '../config.ts';
import { createContext, type AppContext } from '../context.ts';
import { silentLogger } from '../shared/log.ts';
import { icoWithCheckDigit } from '../shared/identifiers.ts';
import type { Db } from '../db/connection.ts';
import type { Organization } from '../organizations/service.ts';
import type { StandardRecord } from '../standard/schema.ts';

export function randomIco(): string {
  return icoWithCheckDigit(String(randomInt(1_000_000, 9_999_999)));
}

export function testContext(db: Db, env: Record<string, string> = {}): AppContext {
  return createContext(loadConfig({ BASE_URL: 'http://portal.test', DATA_DIR: '/tmp/om-test-data', ...env }), db, silentLogger);
}

export async function makeOrganization(ctx: AppContext, overrides: Partial<{ name: string; kind: string; parentIco: string }> = {}): Promise<Organization> {
  return ctx.organizations.create({ ico: randomIco(), name: overrides.name ?? 'Obec Testov', kind: overrides.kind ?? 'obec', parentIco: overrides.parentIco });
}

export function contract(overrides: Partial<Record<string, unknown>> = {}): StandardRecord & Record<string, unknown> {
  return {
    typ: 'smlouva',
    id: `SML-${randomInt(1, 1_000_000_000)}`,
    predmet: 'Oprava chodníku v ulici Školní',
    datumUzavreni: '2024-03-15',
    hodnotaBezDph: '100000.00',
    hodnotaVcetneDph: '121000.00',
    mena: 'CZK',
    strany: [{ nazev: 'Stavby Novák s.r.o.', ico: '25596641', typOsoby: 'pravnicka', role: 'prijemce' }],
    ...overrides,
  } as StandardRecord & Record<string, unknown>;
}

export function items(records: unknown[]) {
  return records.map((data, index) => ({ line: index + 1, data }));
}
