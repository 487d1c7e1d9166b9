import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.ts';
import { elementAt, MAX_DOCUMENT_BYTES, parseIsdoc, textAt } from './reader.ts';
import { buildIsdoc, TOWN } from './testdata/invoice.ts';

function failure(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

const NS = 'http://isdoc.cz/namespace/2013';

describe('parseIsdoc', () => {
  it('builds a tree of ISDOC elements, skipping comments and keeping Extensions opaque', () => {
    const xml = buildIsdoc()
      .replace('<DocumentType>', '<!-- typ dokladu --><DocumentType>')
      .replace('<LocalCurrencyCode>', '<Extensions><x:Field xmlns:x="urn:example"><x:Deep>data</x:Deep></x:Field></Extensions><LocalCurrencyCode>');
    const { root, encoding, version } = parseIsdoc(xml);
    expect([root.name, root.namespace, version, encoding]).toEqual(['Invoice', NS, '6.0.2', 'string']);
    expect(textAt(root, 'DocumentType')).toBe('1');
    expect(textAt(root, 'AccountingCustomerParty/Party/PartyName/Name')).toBe(TOWN.name);
    expect(elementAt(root, 'InvoiceLines/InvoiceLine/InvoicedQuantity')?.attributes).toEqual({ unitCode: 'ks' });
    const extensions = elementAt(root, 'Extensions')!;
    expect(extensions).toMatchObject({ opaque: true, children: [], text: '' });
    expect(root.text).toBe('');
  });

  it('reads UTF-8 bytes with and without a byte order mark, and UTF-16 with one', () => {
    const xml = buildIsdoc();
    const utf8 = new TextEncoder().encode(xml);
    expect(textAt(parseIsdoc(utf8).root, 'AccountingCustomerParty/Party/PartyName/Name')).toBe('Město Příklad');
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]);
    expect(parseIsdoc(withBom).encoding).toBe('utf-8');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml.replace('UTF-8', 'UTF-16'), 'utf16le')]);
    expect(textAt(parseIsdoc(utf16).root, 'AccountingCustomerParty/Party/PartyName/Name')).toBe('Město Příklad');
  });

  it('decodes windows-1250 declared in the prolog', () => {
    const bytes = iconv.encode(buildIsdoc().replace('encoding="UTF-8"', 'encoding="windows-1250"'), 'windows-1250');
    const parsed = parseIsdoc(bytes);
    expect(parsed.encoding).toBe('windows-1250');
    expect(textAt(parsed.root, 'InvoiceLines/InvoiceLine/Item/Description')).toBe('Oprava chodníku v ulici Školní');
  });

  it('refuses bytes that are not what the prolog declares, and unknown encodings', () => {
    const cp1250 = iconv.encode(buildIsdoc(), 'windows-1250');
    expect(failure(() => parseIsdoc(cp1250))).toMatchObject({ code: 'unreadable_input', userMessage: expect.stringContaining('UTF-8') });
    const sjis = new TextEncoder().encode(buildIsdoc().replace('encoding="UTF-8"', 'encoding="Shift_JIS"'));
    expect(failure(() => parseIsdoc(sjis)).userMessage).toContain('Kódování „shift_jis“');
  });

  it('refuses a DOCTYPE, so neither entity expansion nor external entities can happen', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Invoice xmlns="${NS}">&b;</Invoice>`;
    const xxe = `<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY x SYSTEM "file:///etc/passwd">]><Invoice xmlns="${NS}"><Note>&x;</Note></Invoice>`;
    for (const xml of [bomb, xxe]) {
      const error = failure(() => parseIsdoc(xml));
      expect(error.code).toBe('unreadable_input');
      expect(error.userMessage).toContain('DOCTYPE');
    }
    const undeclared = `<Invoice xmlns="${NS}" version="6.0.2"><Note>&x;</Note></Invoice>`;
    expect(failure(() => parseIsdoc(undeclared)).code).toBe('unreadable_input');
  });

  it('refuses a document that is not an ISDOC 6 invoice, saying why', () => {
    expect(failure(() => parseIsdoc('<Faktura><Cislo>1</Cislo></Faktura>')).userMessage).toBe('Soubor není faktura ISDOC: kořenový element je „Faktura“, očekává se Invoice.');
    expect(failure(() => parseIsdoc('<Invoice xmlns="http://isdoc.cz/namespace/invoice" version="5.2"/>')).userMessage).toContain('starší verzi ISDOC');
    expect(failure(() => parseIsdoc('<Invoice version="6.0.2"/>')).userMessage).toContain('jmenný prostor „(žádný)“');
    expect(failure(() => parseIsdoc(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0]))).userMessage).toContain('ISDOCX');
  });

  it('refuses malformed XML with the line number', () => {
    const error = failure(() => parseIsdoc(`<Invoice xmlns="${NS}">\n<ID>1</Invoice>`));
    expect(error.code).toBe('unreadable_input');
    expect(error.userMessage).toMatch(/^Soubor ISDOC není platný XML dokument \(řádek 2\)/);
  });

  it('caps size and depth', () => {
    const large = failure(() => parseIsdoc(' '.repeat(MAX_DOCUMENT_BYTES + 1)));
    expect(large.code).toBe('payload_too_large');
    const deep = `<Invoice xmlns="${NS}"><Extensions>${'<x:a xmlns:x="urn:x">'.repeat(100)}${'</x:a>'.repeat(100)}</Extensions></Invoice>`;
    expect(failure(() => parseIsdoc(deep))).toMatchObject({ code: 'unreadable_input', userMessage: expect.stringContaining('zanořený') });
  });
});
