import { resolve } from 'node:path';
import { parseHarvestInterval } from './harvest/rules.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string;
  baseUrl: string;
  logLevel: LogLevel;
  /** How often `om serve` harvests registered URLs; null (the default) means never. */
  harvestIntervalMs: number | null;
  /** Lets harvesting fetch from private and loopback addresses (intranet installations); off by default. */
  harvestAllowPrivate: boolean;
  /** Where people write about accessibility and the portal (the accessibility statement names it). */
  contactEmail: string;
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** Reads configuration from the environment; every value has a default that works on a fresh machine. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  const host = env.HOST ?? '0.0.0.0';
  const dataDir = resolve(env.DATA_DIR ?? './data');
  const databaseUrl = env.DATABASE_URL?.trim() || `sqlite:${resolve(dataDir, 'om.sqlite')}`;
  const baseUrl = (env.BASE_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const logLevel = (env.LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const harvestIntervalMs = parseHarvestInterval(env.HARVEST_INTERVAL);
  const harvestAllowPrivate = env.HARVEST_ALLOW_PRIVATE === '1' || env.HARVEST_ALLOW_PRIVATE === 'true';
  const contactEmail = env.CONTACT_EMAIL?.trim() || 'info@otevrenamesta.cz';
  return { port, host, dataDir, databaseUrl, baseUrl, logLevel, harvestIntervalMs, harvestAllowPrivate, contactEmail };
}
