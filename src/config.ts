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
  /** Search answers from an in-memory index (SEARCH_INDEX=off: from SQL only). */
  searchIndex: boolean;
  /** Where people write about accessibility and the portal (the accessibility statement names it). */
  contactEmail: string;
  /** Where `om export` writes the bulk files and the server serves them from. */
  exportDir: string;
  /** The time of day (UTC, `HH:MM`) at which `om serve` regenerates the bulk files; null: never. */
  exportTime: string | null;
  /** The OCDS ocid prefix registered for this installation (`ocds-` and six characters). */
  ocdsPrefix: string;
  /** IČO of the association running the platform, named as publisher of the platform-wide datasets; optional. */
  publisherIco: string | null;
  /** API requests per minute and client (token or address); 0 turns the limit off. */
  apiRateLimit: number;
  /** SMTP server for sign-in and reset links (`smtp://user:pass@host:587`); null writes the messages to the log. */
  smtpUrl: string | null;
  mailFrom: string;
  /** Where attachments uploaded in the workspace are stored, by their SHA-256. */
  attachmentDir: string;
  /** Whether the session cookie is marked Secure; on by default when BASE_URL is https. */
  secureCookies: boolean;
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
  const searchIndex = env.SEARCH_INDEX !== 'off';
  const harvestAllowPrivate = env.HARVEST_ALLOW_PRIVATE === '1' || env.HARVEST_ALLOW_PRIVATE === 'true';
  const contactEmail = env.CONTACT_EMAIL?.trim() || 'info@otevrenamesta.cz';
  const exportDir = resolve(env.EXPORT_DIR ?? resolve(dataDir, 'export'));
  const exportTime = parseExportTime(env.EXPORT_TIME);
  const ocdsPrefix = env.OCDS_PREFIX?.trim() || 'ocds-omcz01';
  if (!/^ocds-[a-z0-9]{6}$/i.test(ocdsPrefix)) throw new Error(`OCDS_PREFIX must be "ocds-" and six letters or digits, got "${ocdsPrefix}"`);
  const publisherIco = env.PUBLISHER_ICO?.trim() || null;
  if (publisherIco !== null && !/^\d{8}$/.test(publisherIco)) throw new Error(`PUBLISHER_ICO must be 8 digits, got "${publisherIco}"`);
  const apiRateLimit = Number(env.API_RATE_LIMIT ?? 600);
  if (!Number.isInteger(apiRateLimit) || apiRateLimit < 0) throw new Error(`API_RATE_LIMIT must be a whole number of requests per minute, got "${env.API_RATE_LIMIT}"`);
  const smtpUrl = env.SMTP_URL?.trim() || null;
  if (smtpUrl !== null && !/^smtps?:\/\//.test(smtpUrl)) throw new Error('SMTP_URL must start with smtp:// or smtps://');
  const mailFrom = env.MAIL_FROM?.trim() || `Otevřená města <${contactEmail}>`;
  const attachmentDir = resolve(env.ATTACHMENT_DIR ?? resolve(dataDir, 'prilohy'));
  const secureCookies = env.SECURE_COOKIES ? env.SECURE_COOKIES === '1' || env.SECURE_COOKIES === 'true' : baseUrl.startsWith('https://');
  return { port, host, dataDir, databaseUrl, baseUrl, logLevel, harvestIntervalMs, harvestAllowPrivate, searchIndex, contactEmail, exportDir, exportTime, ocdsPrefix, publisherIco, apiRateLimit, smtpUrl, mailFrom, attachmentDir, secureCookies };
}

/** `HH:MM` (UTC), `off` or empty for never; the default is 03:00, when towns rarely publish. */
export function parseExportTime(value: string | undefined): string | null {
  const text = value?.trim() ?? '03:00';
  if (text === '' || text === 'off') return null;
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match) throw new Error(`EXPORT_TIME must be HH:MM (UTC) or "off", got "${value}"`);
  return text;
}
