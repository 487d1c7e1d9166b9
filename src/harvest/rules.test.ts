import { describe, expect, it } from 'vitest';
import {
  checkSourceUrl,
  chooseImporter,
  conditionalHeaders,
  failureMessage,
  formatBytesCs,
  looksLikeHtml,
  HARVEST_OUTCOME_LABELS,
  HARVEST_OUTCOMES,
  MAX_URL_LENGTH,
  parseHarvestInterval,
  rejectedRowsMessage,
  resolveRedirect,
  XLSX_CONTENT_TYPE,
} from './rules.ts';

describe('checkSourceUrl', () => {
  it('accepts http and https and normalises the URL (host case, fragment)', () => {
    expect(checkSourceUrl('  https://WWW.Obec-Testov.cz/data/smlouvy.csv#top ')).toEqual({ ok: true, url: 'https://www.obec-testov.cz/data/smlouvy.csv' });
    expect(checkSourceUrl('http://127.0.0.1:8080/export?rok=2024')).toEqual({ ok: true, url: 'http://127.0.0.1:8080/export?rok=2024' });
  });

  it('refuses other schemes, credentials, garbage and overlong URLs with Czech messages', () => {
    const refused = (raw: string) => {
      const result = checkSourceUrl(raw);
      expect(result.ok).toBe(false);
      return result.ok ? '' : result.message;
    };
    expect(refused('ftp://obec.cz/smlouvy.csv')).toContain('https://');
    expect(refused('file:///etc/passwd')).toContain('https://');
    expect(refused('javascript:alert(1)')).toContain('https://');
    expect(refused('https://starosta:heslo@obec.cz/smlouvy.csv')).toBe('Adresa nesmí obsahovat jméno ani heslo. Soubor musí být veřejně dostupný.');
    expect(refused('https://token@obec.cz/smlouvy.csv')).toContain('jméno ani heslo');
    expect(refused('obec.cz/smlouvy.csv')).toContain('není platná webová adresa');
    expect(refused('')).toBe('Adresa souboru chybí.');
    expect(refused(`https://obec.cz/${'a'.repeat(MAX_URL_LENGTH)}`)).toContain('delší než');
  });
});

describe('chooseImporter', () => {
  const url = 'https://obec.cz/data/export';
  it('goes by a specific content type first', () => {
    expect(chooseImporter('application/json; charset=utf-8', url)).toEqual({ importer: 'standard', format: 'json' });
    expect(chooseImporter('application/x-ndjson', url)).toEqual({ importer: 'standard', format: 'ndjson' });
    expect(chooseImporter('text/csv; charset=windows-1250', url)).toEqual({ importer: 'table', format: 'csv' });
    expect(chooseImporter(XLSX_CONTENT_TYPE, url)).toEqual({ importer: 'table', format: 'xlsx' });
    expect(chooseImporter('application/json', 'https://obec.cz/smlouvy.csv')).toEqual({ importer: 'standard', format: 'json' });
  });

  it('falls back to the URL extension for generic types, then to the body', () => {
    expect(chooseImporter('application/octet-stream', 'https://obec.cz/smlouvy.xlsx')).toEqual({ importer: 'table', format: 'xlsx' });
    expect(chooseImporter(null, 'https://obec.cz/smlouvy.xlsx?v=2')).toEqual({ importer: 'table', format: 'xlsx' });
    expect(chooseImporter('text/plain', 'https://obec.cz/zaznamy.ndjson')).toEqual({ importer: 'standard', format: 'ndjson' });
    expect(chooseImporter('', 'https://obec.cz/zaznamy.json')).toEqual({ importer: 'standard', format: 'json' });
    expect(chooseImporter('text/plain', 'https://obec.cz/smlouvy.csv')).toEqual({ importer: 'table', format: 'csv' });
    expect(chooseImporter('text/plain', url, new TextEncoder().encode('\uFEFF  [{"typ":"smlouva"}]'))).toEqual({ importer: 'standard', format: undefined });
    expect(chooseImporter('text/plain', url, new TextEncoder().encode('typ;id;predmet'))).toEqual({ importer: 'table', format: undefined });
    expect(chooseImporter(undefined, url)).toEqual({ importer: 'table', format: undefined });
  });
});

describe('looksLikeHtml', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  it('recognises a web page by its type or its opening', () => {
    expect(looksLikeHtml('text/html; charset=utf-8', bytes('typ;id'))).toBe(true);
    expect(looksLikeHtml('text/plain', bytes('\uFEFF\n  <!DOCTYPE html><html>'))).toBe(true);
    expect(looksLikeHtml(null, bytes('<HTML lang="cs">'))).toBe(true);
    expect(looksLikeHtml('text/csv', bytes('typ;id;predmet'))).toBe(false);
    expect(looksLikeHtml('application/json', bytes('[{"predmet":"<html>"}]'))).toBe(false);
  });
});

describe('outcomes and messages', () => {
  it('labels every outcome in Czech', () => {
    expect(HARVEST_OUTCOMES.map((o) => HARVEST_OUTCOME_LABELS[o])).toEqual([
      'beze změny (server soubor nezměnil)',
      'beze změny (stejný obsah jako minule)',
      'načteno',
      'selhalo',
    ]);
  });

  it('explains failures in Czech', () => {
    expect(failureMessage({ kind: 'network', code: 'ECONNREFUSED' })).toBe('Soubor nelze stáhnout: server spojení odmítl.');
    expect(failureMessage({ kind: 'network' })).toBe('Soubor nelze stáhnout: server není dostupný.');
    expect(failureMessage({ kind: 'network', code: 'EWHATEVER' })).toBe('Soubor nelze stáhnout: server není dostupný (EWHATEVER).');
    expect(failureMessage({ kind: 'timeout', timeoutMs: 30_000 })).toBe('Soubor se nepodařilo stáhnout do 30 sekund.');
    expect(failureMessage({ kind: 'timeout', timeoutMs: 1000 })).toBe('Soubor se nepodařilo stáhnout do 1 sekundy.');
    expect(failureMessage({ kind: 'http_status', status: 404 })).toBe('Server odpověděl stavem 404: soubor na adrese není.');
    expect(failureMessage({ kind: 'http_status', status: 500 })).toBe('Server odpověděl stavem 500: chyba na straně serveru.');
    expect(failureMessage({ kind: 'http_status', status: 418 })).toBe('Server odpověděl stavem 418: neočekávaná odpověď serveru.');
    expect(failureMessage({ kind: 'too_large', maxBytes: 50 * 1024 * 1024 })).toBe('Soubor je větší než povolených 50 MB; stahování bylo přerušeno.');
    expect(failureMessage({ kind: 'too_many_redirects', max: 5 })).toContain('přesměroval víc než 5krát');
  });

  it('counts rejected rows with Czech plurals', () => {
    expect(rejectedRowsMessage(0, 7)).toBeNull();
    expect(rejectedRowsMessage(1, 7)).toBe('1 řádek byl odmítnut; důvody jsou v protokolu importu č. 7.');
    expect(rejectedRowsMessage(3, 7)).toBe('3 řádky byly odmítnuty; důvody jsou v protokolu importu č. 7.');
    expect(rejectedRowsMessage(5, null)).toBe('5 řádků bylo odmítnuto.');
  });

  it('formats sizes', () => {
    expect(formatBytesCs(512)).toBe('512 B');
    expect(formatBytesCs(1536)).toBe('1,5 kB');
    expect(formatBytesCs(50 * 1024 * 1024)).toBe('50 MB');
  });
});

describe('redirects and conditional requests', () => {
  it('resolves a relative Location and refuses other schemes and credentials', () => {
    expect(resolveRedirect('https://obec.cz/a/b.csv', '../c.csv')).toEqual({ ok: true, url: 'https://obec.cz/c.csv' });
    expect(resolveRedirect('https://obec.cz/a', 'https://cdn.obec.cz/a.csv')).toEqual({ ok: true, url: 'https://cdn.obec.cz/a.csv' });
    expect(resolveRedirect('https://obec.cz/a', null).ok).toBe(false);
    expect(resolveRedirect('https://obec.cz/a', 'file:///etc/passwd').ok).toBe(false);
    expect(resolveRedirect('https://obec.cz/a', 'https://u:p@obec.cz/a').ok).toBe(false);
  });

  it('sends only the validators it has', () => {
    expect(conditionalHeaders({ etag: null, lastModified: null })).toEqual({});
    expect(conditionalHeaders({ etag: '"v1"', lastModified: 'Wed, 21 Oct 2026 07:28:00 GMT' })).toEqual({
      'if-none-match': '"v1"',
      'if-modified-since': 'Wed, 21 Oct 2026 07:28:00 GMT',
    });
  });
});

describe('parseHarvestInterval', () => {
  it('is off by default', () => {
    expect(parseHarvestInterval(undefined)).toBeNull();
    expect(parseHarvestInterval('')).toBeNull();
    expect(parseHarvestInterval('off')).toBeNull();
    expect(parseHarvestInterval('OFF')).toBeNull();
    expect(parseHarvestInterval('0')).toBeNull();
  });

  it('reads minutes, hours and days', () => {
    expect(parseHarvestInterval('30m')).toBe(30 * 60_000);
    expect(parseHarvestInterval('6h')).toBe(6 * 3_600_000);
    expect(parseHarvestInterval(' 1d ')).toBe(86_400_000);
    expect(parseHarvestInterval('15min')).toBe(15 * 60_000);
  });

  it('refuses what it cannot read, too short and too long', () => {
    expect(() => parseHarvestInterval('6')).toThrow(/HARVEST_INTERVAL/);
    expect(() => parseHarvestInterval('6 hodin')).toThrow(/HARVEST_INTERVAL/);
    expect(() => parseHarvestInterval('-1h')).toThrow(/HARVEST_INTERVAL/);
    expect(() => parseHarvestInterval('0m')).toThrow(/at least/);
    expect(() => parseHarvestInterval('30d')).toThrow(/at most/);
  });
});

describe('public addresses', () => {
  it('refuses loopback, private, link-local, shared and unique-local addresses', async () => {
    const { isPublicAddress } = await import('./rules.ts');
    for (const ip of ['127.0.0.1', '10.0.0.5', '172.16.1.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1']) {
      expect(isPublicAddress(ip), ip).toBe(false);
    }
    for (const ip of ['185.8.236.1', '8.8.8.8', '2a00:1450:4001::1']) expect(isPublicAddress(ip), ip).toBe(true);
  });
});
