import { describe, expect, it } from 'vitest';
import { makeZip } from '../shared/zip-testing.ts';
import { checkAttachment, sniffAttachment } from './rules.ts';

const pdf = new TextEncoder().encode('%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

describe('attachments', () => {
  it('reads the type from the bytes', () => {
    expect(sniffAttachment(pdf)?.mediaType).toBe('application/pdf');
    expect(sniffAttachment(png)?.mediaType).toBe('image/png');
    expect(sniffAttachment(makeZip([{ name: 'word/document.xml', data: '<w:document/>' }]))?.label).toBe('dokument Word');
    expect(sniffAttachment(new TextEncoder().encode('číslo;částka\n1;2\n'))?.mediaType).toBe('text/plain; charset=utf-8');
  });

  it('accepts a file whose extension matches its content', () => {
    expect(checkAttachment('smlouva.pdf', pdf)).toEqual({ ok: true, mediaType: 'application/pdf' });
    expect(checkAttachment('sken.PNG', png)).toEqual({ ok: true, mediaType: 'image/png' });
  });

  it('refuses a lying extension and says what the file really is', () => {
    const check = checkAttachment('smlouva.pdf', png);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toBe('Soubor „smlouva.pdf“ se podle přípony vydává za PDF, ale obsahuje obrázek PNG. Opravte příponu nebo přiložte správný soubor.');
  });

  it('refuses pages, scripts and programs disguised as documents', () => {
    expect(checkAttachment('smlouva.pdf', new TextEncoder().encode('<!DOCTYPE html><script>alert(1)</script>')).ok).toBe(false);
    expect(checkAttachment('obrazek.png', new TextEncoder().encode('<svg onload="alert(1)"/>')).ok).toBe(false);
    expect(checkAttachment('faktura.pdf', new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]).map((b, i) => (i === 3 ? 0 : b))).ok).toBe(false);
    expect(checkAttachment('prazdny.pdf', new Uint8Array()).ok).toBe(false);
  });
});
