/**
 * Harvesting: organisations register URLs where they publish a file under the standard, and the portal fetches
 * them with conditional requests and imports what changed. The rules here are pure: which URLs are accepted,
 * which importer reads a fetched body, the outcomes of a run with their Czech labels and messages, and the
 * schedule setting.
 */
import { formatFromContentType, formatFromFileName } from '../publishing/input.ts';
import { formatNumber, pluralCs } from '../shared/format.ts';

/** Longer URLs are almost always pasted by mistake (tracking parameters, a whole page of text). */
export const MAX_URL_LENGTH = 2000;

/** A redirect chain longer than this is a loop or a misconfiguration, not a file. */
export const MAX_REDIRECTS = 5;

export const HARVEST_ACTOR = 'harvest';

export type UrlCheck = { ok: true; url: string } | { ok: false; message: string };

/** Checks a URL an organisation registers (or a redirect leads to) and returns its normalised form. */
export function checkSourceUrl(raw: string): UrlCheck {
  const text = raw.trim();
  if (text === '') return { ok: false, message: 'Adresa souboru chybí.' };
  if (text.length > MAX_URL_LENGTH) return { ok: false, message: `Adresa souboru je delší než ${formatNumber(MAX_URL_LENGTH)} znaků.` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: `„${shorten(text)}“ není platná webová adresa (má začínat https:// nebo http://).` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: `Adresa musí začínat https:// nebo http://, ne ${url.protocol}//.` };
  }
  // Credentials in a URL end up in logs and on the organisation's page.
  if (url.username !== '' || url.password !== '') {
    return { ok: false, message: 'Adresa nesmí obsahovat jméno ani heslo. Soubor musí být veřejně dostupný.' };
  }
  if (url.hostname === '') return { ok: false, message: 'V adrese chybí jméno serveru.' };
  // The fragment never reaches the server, so two URLs differing only in it are the same source.
  url.hash = '';
  const href = url.href;
  if (href.length > MAX_URL_LENGTH) return { ok: false, message: `Adresa souboru je delší než ${formatNumber(MAX_URL_LENGTH)} znaků.` };
  return { ok: true, url: href };
}

function shorten(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export type ImportChoice =
  /** The standard's strict reading (JSON or NDJSON); format undefined lets the reader tell them apart. */
  | { importer: 'standard'; format: 'json' | 'ndjson' | undefined }
  /** The lenient table importer; it tells CSV from XLSX by the bytes themselves. */
  | { importer: 'table'; format: 'csv' | 'xlsx' | undefined };

function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function urlPath(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return url;
  }
}

/** Content types that say nothing about the file, so the URL's extension decides. */
const GENERIC_TYPES = new Set(['', 'application/octet-stream', 'text/plain', 'binary/octet-stream', 'application/download', 'application/force-download']);

/**
 * Chooses how to read a fetched body: a specific Content-Type wins, a generic one leaves it to the URL's
 * extension, and with neither, a body opening with `{` or `[` is JSON; anything else goes to the table importer.
 */
export function chooseImporter(contentType: string | null | undefined, url: string, head?: Uint8Array): ImportChoice {
  const type = mediaType(contentType);
  const path = urlPath(url).toLowerCase();
  if (type === XLSX_CONTENT_TYPE) return { importer: 'table', format: 'xlsx' };
  const byType = formatFromContentType(type);
  if (byType === 'json' || byType === 'ndjson') return { importer: 'standard', format: byType };
  if (byType === 'csv' || type === 'application/vnd.ms-excel') return { importer: 'table', format: path.endsWith('.xlsx') ? 'xlsx' : 'csv' };
  if (type.endsWith('+json')) return { importer: 'standard', format: 'json' };
  if (!GENERIC_TYPES.has(type) && !type.startsWith('text/')) {
    // An unexpected type (text/html of an error page served with 200, say) still goes to the table importer,
    // whose Czech message explains what it could not read.
    return path.endsWith('.xlsx') ? { importer: 'table', format: 'xlsx' } : { importer: 'table', format: undefined };
  }
  if (path.endsWith('.xlsx')) return { importer: 'table', format: 'xlsx' };
  const byName = formatFromFileName(path);
  if (byName === 'json' || byName === 'ndjson') return { importer: 'standard', format: byName };
  if (byName === 'csv') return { importer: 'table', format: 'csv' };
  if (head && startsLikeJson(head)) return { importer: 'standard', format: undefined };
  return { importer: 'table', format: undefined };
}

/**
 * A web page where a file should be: a moved file often leaves an HTML error page answered with 200, which no
 * importer can read, so it gets a message of its own.
 */
export function looksLikeHtml(contentType: string | null | undefined, head: Uint8Array): boolean {
  const type = mediaType(contentType);
  if (type === 'text/html' || type === 'application/xhtml+xml') return true;
  const start = new TextDecoder().decode(head.subarray(0, 256)).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  return start.startsWith('<!doctype html') || start.startsWith('<html');
}

function startsLikeJson(head: Uint8Array): boolean {
  let index = 0;
  // A UTF-8 byte order mark, then whitespace.
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) index = 3;
  while (index < head.length && (head[index] === 0x20 || head[index] === 0x09 || head[index] === 0x0a || head[index] === 0x0d)) index++;
  return head[index] === 0x7b || head[index] === 0x5b;
}

export const HARVEST_OUTCOMES = ['not_modified', 'unchanged', 'imported', 'failed'] as const;
export type HarvestOutcome = (typeof HARVEST_OUTCOMES)[number];

export const HARVEST_OUTCOME_LABELS: Record<HarvestOutcome, string> = {
  not_modified: 'beze změny (server soubor nezměnil)',
  unchanged: 'beze změny (stejný obsah jako minule)',
  imported: 'načteno',
  failed: 'selhalo',
};

export function isHarvestOutcome(value: string): value is HarvestOutcome {
  return (HARVEST_OUTCOMES as readonly string[]).includes(value);
}

/** Why a run failed before anything could be imported. */
export type HarvestFailure =
  | { kind: 'network'; code?: string }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'http_status'; status: number }
  | { kind: 'too_large'; maxBytes: number }
  | { kind: 'too_many_redirects'; max: number }
  | { kind: 'bad_redirect'; reason: string }
  | { kind: 'not_modified_unasked' }
  | { kind: 'html_page' }
  | { kind: 'private_address' };

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'server spojení odmítl',
  ECONNRESET: 'server spojení přerušil',
  ENOTFOUND: 'server s tímto jménem neexistuje',
  EAI_AGAIN: 'jméno serveru nelze dočasně přeložit',
  EHOSTUNREACH: 'server není dosažitelný',
  ENETUNREACH: 'síť serveru není dosažitelná',
  ETIMEDOUT: 'server neodpověděl včas',
  UND_ERR_CONNECT_TIMEOUT: 'server neodpověděl včas',
  UND_ERR_SOCKET: 'spojení se serverem se přerušilo',
  CERT_HAS_EXPIRED: 'certifikát serveru vypršel',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'server má certifikát podepsaný sám sebou',
  SELF_SIGNED_CERT_IN_CHAIN: 'server má nedůvěryhodný certifikát',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certifikát serveru nelze ověřit',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certifikát serveru patří jinému jménu',
};

const HTTP_STATUS_TEXTS: Record<number, string> = {
  400: 'server požadavek odmítl jako chybný',
  401: 'soubor vyžaduje přihlášení',
  403: 'přístup k souboru je zakázán',
  404: 'soubor na adrese není',
  410: 'soubor byl ze serveru odstraněn',
  429: 'server odmítá příliš časté požadavky',
  500: 'chyba na straně serveru',
  502: 'chyba brány serveru',
  503: 'server je dočasně nedostupný',
  504: 'brána serveru neodpověděla včas',
};

export function formatBytesCs(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${formatNumber(Math.round((bytes / (1024 * 1024)) * 10) / 10)} MB`;
  if (bytes >= 1024) return `${formatNumber(Math.round((bytes / 1024) * 10) / 10)} kB`;
  return `${formatNumber(bytes)} B`;
}

/** The Czech message shown in the organisation's harvest log. */
export function failureMessage(failure: HarvestFailure): string {
  switch (failure.kind) {
    case 'network': {
      const reason = failure.code ? NETWORK_CODES[failure.code] : undefined;
      return reason ? `Soubor nelze stáhnout: ${reason}.` : `Soubor nelze stáhnout: server není dostupný${failure.code ? ` (${failure.code})` : ''}.`;
    }
    case 'timeout': {
      const seconds = Math.max(1, Math.round(failure.timeoutMs / 1000));
      return `Soubor se nepodařilo stáhnout do ${formatNumber(seconds)} ${pluralCs(seconds, 'sekundy', 'sekund', 'sekund')}.`;
    }
    case 'http_status': {
      const reason = HTTP_STATUS_TEXTS[failure.status] ?? (failure.status >= 500 ? 'chyba na straně serveru' : 'neočekávaná odpověď serveru');
      return `Server odpověděl stavem ${failure.status}: ${reason}.`;
    }
    case 'too_large':
      return `Soubor je větší než povolených ${formatBytesCs(failure.maxBytes)}; stahování bylo přerušeno.`;
    case 'too_many_redirects':
      return `Server přesměroval víc než ${failure.max}krát; soubor nebyl stažen.`;
    case 'bad_redirect':
      return `Server přesměroval na nepřípustnou adresu: ${failure.reason}`;
    case 'html_page':
      return 'Na adrese je webová stránka (HTML), ne soubor s daty. Zkontrolujte, že adresa vede přímo na soubor CSV, XLSX nebo JSON.';
    case 'private_address':
      return 'Adresa vede do neveřejné sítě (vnitřní nebo místní adresa serveru); portál z takových adres data nestahuje.';
    case 'not_modified_unasked':
      return 'Server odpověděl „beze změny“ (304), i když se portál na změnu neptal; soubor nebyl stažen.';
  }
}

/** The Czech note for a run that imported a file in which some rows were rejected. */
export function rejectedRowsMessage(rejected: number, jobId: number | null): string | null {
  if (rejected <= 0) return null;
  const rows = `${formatNumber(rejected)} ${pluralCs(rejected, 'řádek byl odmítnut', 'řádky byly odmítnuty', 'řádků bylo odmítnuto')}`;
  return jobId === null ? `${rows}.` : `${rows}; důvody jsou v protokolu importu č. ${jobId}.`;
}

/**
 * Whether an IP address is on the public internet. Harvesting fetches URLs that organisations give (and the
 * redirects their servers answer), so loopback, private, link-local, shared, multicast and reserved ranges are
 * refused: the portal must not be a way into its own network.
 */
export function isPublicAddress(ip: string): boolean {
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/i.exec(ip);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
    if (a === 169 && b === 254) return false;
    if (a === 172 && b >= 16 && b <= 31) return false;
    if (a === 192 && b === 168) return false;
    if (a === 100 && b >= 64 && b <= 127) return false;
    if (a === 192 && b === 0) return false;
    if (a === 198 && (b === 18 || b === 19)) return false;
    return true;
  }
  const lower = ip.toLowerCase();
  if (lower === '::' || lower === '::1') return false;
  if (/^(fc|fd)/.test(lower) || /^fe[89ab]/.test(lower) || lower.startsWith('ff')) return false;
  if (lower.startsWith('::ffff:')) return false;
  return lower.includes(':');
}

export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Resolves a redirect's Location against the URL that answered, checked like a registered URL. */
export function resolveRedirect(from: string, location: string | null): UrlCheck {
  if (!location) return { ok: false, message: 'odpověď neuvádí, kam (chybí hlavička Location).' };
  let target: string;
  try {
    target = new URL(location, from).href;
  } catch {
    return { ok: false, message: `„${shorten(location)}“ není platná adresa.` };
  }
  return checkSourceUrl(target);
}

export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

/** The headers of a conditional GET: the server answers 304 when the file has not changed since. */
export function conditionalHeaders(validators: Validators): Record<string, string> {
  const headers: Record<string, string> = {};
  if (validators.etag) headers['if-none-match'] = validators.etag;
  if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
  return headers;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Harvesting more often than this would only load the organisations' servers. */
export const MIN_INTERVAL_MS = 60_000;

/**
 * Parses the schedule setting (`HARVEST_INTERVAL`): `off` (the default) or a number with a unit,
 * m(inutes), h(ours) or d(ays): `30m`, `6h`, `1d`. Returns milliseconds, or null when harvesting is off.
 * Configuration errors are English, like the rest of config.
 */
export function parseHarvestInterval(raw: string | null | undefined): number | null {
  const value = (raw ?? '').trim().toLowerCase();
  if (value === '' || value === 'off' || value === '0') return null;
  const match = /^(\d{1,6})\s*(m|min|h|d)$/.exec(value);
  if (!match) throw new Error(`HARVEST_INTERVAL must be "off" or a number with a unit m, h or d (e.g. 30m, 6h), got "${raw}"`);
  const ms = Number(match[1]) * UNIT_MS[match[2]!.charAt(0)]!;
  if (ms < MIN_INTERVAL_MS) throw new Error(`HARVEST_INTERVAL must be at least 1m, got "${raw}"`);
  // setInterval holds at most a signed 32-bit number of milliseconds (about 24.8 days).
  if (ms > 2_147_483_647) throw new Error(`HARVEST_INTERVAL must be at most 24d, got "${raw}"`);
  return ms;
}
