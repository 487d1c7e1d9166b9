import { describe, expect, it } from 'vitest';
import { readRecords } from './input.ts';
import { AppError } from '../errors.ts';

async function collect(source: Uint8Array, options = {}) {
  const reading = await readRecords(source, options);
  const items = [];
  for await (const item of reading.items) items.push(item);
  return { ...reading, items };
}

const header = 'id;predmet;datumUzavreni;hodnotaBezDph;strany.1.nazev;strany.1.ico;strany.2.nazev\r\n';
const row = 'S-1;Školní jídelna – oprava;2024-03-15;1000.50;Žluťoučký kůň s.r.o.;25596641;Druhá strana\r\n';

describe('readRecords', () => {
  it('reads windows-1250 CSV exactly like its UTF-8 twin', async () => {
    const utf8 = await collect(new TextEncoder().encode(header + row));
    const cp1250Bytes = Buffer.from(
      (header + row).split('').map((ch) => {
        const map: Record<string, number> = { Š: 0x8a, š: 0x9a, í: 0xed, á: 0xe1, Ž: 0x8e, ž: 0x9e, ť: 0x9d, o: 0x6f, ů: 0xf9, ň: 0xf2, '–': 0x96, é: 0xe9, č: 0xe8, ř: 0xf8, ý: 0xfd, ě: 0xec, ú: 0xfa, ó: 0xf3 };
        return map[ch] ?? ch.charCodeAt(0);
      }),
    );
    const cp1250 = await collect(cp1250Bytes);
    expect(cp1250.encoding).toBe('windows-1250');
    expect(utf8.encoding).toBe('utf-8');
    expect(cp1250.items).toEqual(utf8.items);
    expect(utf8.items[0]!.data).toEqual({
      id: 'S-1',
      predmet: 'Školní jídelna – oprava',
      datumUzavreni: '2024-03-15',
      hodnotaBezDph: '1000.50',
      strany: [{ nazev: 'Žluťoučký kůň s.r.o.', ico: '25596641' }, { nazev: 'Druhá strana' }],
    });
  });

  it('skips a UTF-8 BOM and reports unknown columns', async () => {
    const result = await collect(new TextEncoder().encode('\uFEFFid,predmet,interni\nA,B,C\n'));
    expect(result.items[0]!.data).toEqual({ id: 'A', predmet: 'B' });
    expect(result.fileIssues.map((f) => f.column)).toEqual(['interni']);
  });

  it('refuses a file that is not readable at all', async () => {
    await expect(collect(new TextEncoder().encode('nazev,cena\nx,1\n'))).rejects.toMatchObject({ code: 'unreadable_input' });
    await expect(collect(new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00, 0x01]))).rejects.toBeInstanceOf(AppError);
    await expect(collect(new TextEncoder().encode('[{"id": '))).rejects.toMatchObject({ code: 'unreadable_input' });
    await expect(collect(new TextEncoder().encode('id,predmet\n"open,x\n'))).rejects.toMatchObject({ code: 'unreadable_input' });
  });

  it('reads JSON envelopes with a file type and NDJSON with a bad line', async () => {
    const envelope = await collect(new TextEncoder().encode('{"typ":"faktura","zaznamy":[{"id":"F1"}]}'));
    expect(envelope.fileType).toBe('faktura');
    const ndjson = await collect(new TextEncoder().encode('{"id":"a"}\nnot json\n{"id":"b"}\n'));
    expect(ndjson.format).toBe('ndjson');
    expect(ndjson.items.map((i) => [i.line, i.issues?.[0]?.code ?? 'ok'])).toEqual([
      [1, 'ok'],
      [2, 'invalid_json'],
      [3, 'ok'],
    ]);
  });
});
