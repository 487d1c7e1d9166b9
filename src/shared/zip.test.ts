import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { looksLikeZip, openZip, type ZipEntry, type ZipLimits } from './zip.ts';
import { makeZip } from './zip-testing.ts';

const text = (entry: ZipEntry | undefined) => new TextDecoder().decode(entry!.read());

function refusal(action: () => unknown): AppError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('unreadable_input');
    return error as AppError;
  }
  throw new Error('expected an AppError');
}

const refusedOpen = (bytes: Uint8Array, limits?: ZipLimits) => refusal(() => openZip(bytes, limits)).userMessage;
const refusedRead = (bytes: Uint8Array, limits?: ZipLimits) => refusal(() => openZip(bytes, limits).forEach((entry) => entry.read())).userMessage;

describe('openZip', () => {
  it('reads stored and deflated entries and directories', () => {
    const long = 'faktura;'.repeat(10_000);
    const entries = openZip(
      makeZip([
        { name: 'docs/', data: '', method: 'store' },
        { name: 'docs/účtenka č. 1.txt', data: 'uložená položka', method: 'store' },
        { name: 'docs/b.txt', data: long },
        { name: 'empty.txt', data: '' },
      ]),
    );
    expect(entries.map((entry) => [entry.name, entry.isDirectory])).toEqual([
      ['docs/', true],
      ['docs/účtenka č. 1.txt', false],
      ['docs/b.txt', false],
      ['empty.txt', false],
    ]);
    expect(text(entries[1])).toBe('uložená položka');
    expect(text(entries[2])).toBe(long);
    expect(entries[2]!.size).toBe(long.length);
    expect(entries[2]!.compressedSize).toBeLessThan(1000);
    expect(entries[3]!.read()).toHaveLength(0);
  });

  it('recognises the local header signature', () => {
    expect(looksLikeZip(makeZip([{ name: 'a', data: 'x' }]))).toBe(true);
    expect(looksLikeZip(new TextEncoder().encode('id;predmet'))).toBe(false);
    expect(looksLikeZip(new Uint8Array([0x50, 0x4b]))).toBe(false);
  });

  it('accepts an archive comment and data inside a subarray', () => {
    const zip = makeZip([{ name: 'a.txt', data: 'ahoj' }]);
    const padded = new Uint8Array(zip.length + 10 + 7);
    padded.set(zip, 10);
    padded.set(new TextEncoder().encode('comment'), 10 + zip.length);
    padded[10 + zip.length - 2] = 7; // comment length
    expect(text(openZip(padded.subarray(10))[0])).toBe('ahoj');
  });

  it('refuses path traversal, absolute paths, drive letters and backslashes', () => {
    for (const name of ['../etc/passwd', 'a/../../b', '/etc/passwd', 'C:/Windows/x', 'c:evil', 'a\\b.txt']) {
      expect(refusedOpen(makeZip([{ name, data: 'x' }]))).toBe(`Archiv obsahuje nebezpečnou cestu „${name}“.`);
    }
    expect(openZip(makeZip([{ name: 'a/..b/c..', data: 'x' }]))).toHaveLength(1);
  });

  it('refuses duplicate names', () => {
    expect(refusedOpen(makeZip([{ name: 'a.xml', data: '1' }, { name: 'a.xml', data: '2' }]))).toMatch(/„a\.xml“ vícekrát/);
  });

  it('refuses too many entries', () => {
    const zip = makeZip(Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.txt`, data: 'x', method: 'store' as const })));
    expect(refusedOpen(zip, { maxEntries: 10 })).toBe('Archiv obsahuje příliš mnoho položek (11, nejvýše 10).');
    expect(openZip(zip, { maxEntries: 11 })).toHaveLength(11);
  });

  it('refuses a deflate bomb that lies about its size, without inflating it', () => {
    // 50 MB of zeros deflate to about 50 kB; the reader must stop after 1 kB of output.
    const zip = makeZip([{ name: 'bomb.xml', data: new Uint8Array(50_000_000), declaredSize: 1024 }]);
    const started = performance.now();
    expect(refusedRead(zip)).toBe('Položka „bomb.xml“ je po rozbalení větší, než archiv uvádí; může jít o zip bombu.');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses declared sizes over the limits before inflating', () => {
    const zeros = new Uint8Array(5 * 1024 * 1024);
    expect(refusedOpen(makeZip([{ name: 'big.bin', data: zeros }]), { maxEntrySize: 1024 * 1024, maxRatio: 100_000 })).toBe(
      'Položka „big.bin“ je po rozbalení příliš velká (5 MB, nejvýše 1 MB).',
    );
    expect(refusedOpen(makeZip([{ name: 'liar.bin', data: 'x', declaredSize: 300 * 1024 * 1024 }]))).toMatch(/„liar\.bin“ je po rozbalení příliš velká \(300 MB, nejvýše 256 MB\)/);
    const two = makeZip([
      { name: 'a.bin', data: zeros },
      { name: 'b.bin', data: zeros },
    ]);
    expect(refusedOpen(two, { maxTotalSize: 8 * 1024 * 1024, maxRatio: 100_000 })).toBe('Archiv je po rozbalení příliš velký (více než 8 MB).');
  });

  it('refuses a suspicious compression ratio only above 1 MiB', () => {
    expect(refusedOpen(makeZip([{ name: 'zeros.bin', data: new Uint8Array(5_000_000) }]))).toMatch(/^Položka „zeros\.bin“ má podezřele vysoký kompresní poměr \(\d+ : 1, nejvýše 200 : 1\)/);
    const small = openZip(makeZip([{ name: 'small.bin', data: new Uint8Array(1_000_000) }]));
    expect(small[0]!.read()).toHaveLength(1_000_000);
  });

  it('refuses data shorter than declared and a CRC mismatch', () => {
    expect(refusedRead(makeZip([{ name: 'short.txt', data: 'abc', declaredSize: 10 }]))).toMatch(/„short\.txt“ je kratší/);
    expect(refusedRead(makeZip([{ name: 'bad.txt', data: 'abc', crc: 1234 }]))).toBe('Položka „bad.txt“ je poškozená (nesouhlasí kontrolní součet CRC-32).');
    expect(refusedRead(makeZip([{ name: 'bad.txt', data: 'abc', method: 'store', crc: 1234 }]))).toMatch(/CRC-32/);
  });

  it('refuses truncated and damaged archives', () => {
    const zip = makeZip([{ name: 'a.txt', data: 'x'.repeat(1000) }]);
    expect(refusedOpen(zip.subarray(0, zip.length - 5))).toMatch(/^Archiv ZIP je neúplný nebo poškozený \(chybí závěrečný záznam/);
    expect(refusedOpen(zip.subarray(0, 10))).toMatch(/^Archiv ZIP je neúplný/);
    expect(refusedOpen(new Uint8Array(0))).toMatch(/^Archiv ZIP je neúplný/);
    expect(refusedOpen(new TextEncoder().encode('not a zip at all, just some text'))).toMatch(/^Archiv ZIP je neúplný/);
    const damaged = zip.slice();
    damaged[40] = damaged[40]! ^ 0xff; // inside the deflate stream
    expect(refusedRead(damaged)).toMatch(/„a\.txt“/);
  });

  it('refuses encryption, other methods, ZIP64 and multi-disk archives', () => {
    const zip = makeZip([{ name: 'a.txt', data: 'abc' }]);
    expect(refusedOpen(patchEntry(zip, { flags: 0x801 }))).toMatch(/„a\.txt“ je zašifrovaná/);
    expect(refusedOpen(patchEntry(zip, { method: 12 }))).toMatch(/„a\.txt“ používá nepodporovanou kompresní metodu \(12\)/);
    expect(refusedOpen(patchEntry(zip, { size: 0xffffffff }))).toMatch(/ZIP64/);
    const multi = zip.slice();
    multi[multi.length - 22 + 4] = 1;
    expect(refusedOpen(multi)).toBe('Vícedílné archivy ZIP nejsou podporovány.');
  });

  it('refuses entries that share their data', () => {
    const zip = makeZip([{ name: 'a.txt', data: 'abc' }, { name: 'b.txt', data: 'def' }]);
    const view = new DataView(zip.buffer, zip.byteOffset);
    const second = centralHeaders(zip)[1]!;
    view.setUint32(second + 42, 0, true); // point b.txt at a.txt's local header
    expect(refusedOpen(zip)).toMatch(/překrývající se položky „a\.txt“ a „b\.txt“/);
  });
});

function centralHeaders(zip: Uint8Array): number[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const offsets: number[] = [];
  for (let offset = view.getUint32(zip.length - 6, true); view.getUint32(offset, true) === 0x02014b50; ) {
    offsets.push(offset);
    offset += 46 + view.getUint16(offset + 28, true) + view.getUint16(offset + 30, true) + view.getUint16(offset + 32, true);
  }
  return offsets;
}

/** Rewrites fields of the first entry in both its central and local header. */
function patchEntry(zip: Uint8Array, fields: { flags?: number; method?: number; size?: number }): Uint8Array {
  const copy = zip.slice();
  const view = new DataView(copy.buffer);
  const central = centralHeaders(copy)[0]!;
  const local = view.getUint32(central + 42, true);
  if (fields.flags !== undefined) [central + 8, local + 6].forEach((at) => view.setUint16(at, fields.flags!, true));
  if (fields.method !== undefined) [central + 10, local + 8].forEach((at) => view.setUint16(at, fields.method!, true));
  if (fields.size !== undefined) [central + 24, local + 22].forEach((at) => view.setUint32(at, fields.size!, true));
  return copy;
}
