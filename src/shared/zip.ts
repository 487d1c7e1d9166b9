/**
 * An in-memory ZIP reader for untrusted uploads (XLSX, ISDOCX, archives of invoices). Entries are listed from the
 * central directory, which is what every mainstream tool trusts, so a hostile archive cannot show one reader one file
 * and another reader another. Every limit is checked on the declared sizes before anything is inflated, and again
 * while inflating, so neither a lying header nor a zip bomb can make us allocate more than the limits allow.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { AppError } from '../errors.ts';

export interface ZipLimits {
  /** Default 10 000. */
  maxEntries?: number;
  /** Uncompressed bytes of one entry; default 256 MiB. */
  maxEntrySize?: number;
  /** Uncompressed bytes of all entries together; default 1 GiB. */
  maxTotalSize?: number;
  /** Uncompressed / compressed size; default 200, checked only for entries over 1 MiB (small files may compress well). */
  maxRatio?: number;
}

export interface ZipEntry {
  name: string;
  /** Uncompressed size as declared; `read()` refuses data of any other length. */
  size: number;
  compressedSize: number;
  isDirectory: boolean;
  /** Inflates on every call (nothing is cached) and verifies the size and CRC-32. */
  read(): Uint8Array;
}

const MiB = 1024 * 1024;
const DEFAULTS: Required<ZipLimits> = { maxEntries: 10_000, maxEntrySize: 256 * MiB, maxTotalSize: 1024 * MiB, maxRatio: 200 };
const RATIO_THRESHOLD = MiB;

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;

export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function fail(message: string, logMessage: string): never {
  throw new AppError('unreadable_input', message, `zip: ${logMessage}`);
}

/** Names come from the attacker: control characters and length are tamed before they reach a message. */
function quote(name: string): string {
  const clean = name.replace(/\p{Cc}/gu, '?');
  return `„${clean.length > 200 ? `${clean.slice(0, 200)}…` : clean}“`;
}

function formatSize(bytes: number): string {
  const [value, unit] = bytes < 1024 ? [bytes, 'B'] : bytes < MiB ? [bytes / 1024, 'kB'] : [bytes / MiB, 'MB'];
  return `${String(Math.round(value * 10) / 10).replace('.', ',')} ${unit}`;
}

function truncated(where: string): never {
  fail(`Archiv ZIP je neúplný nebo poškozený (${where}).`, `truncated or corrupt archive: ${where}`);
}

function refuseZip64(): never {
  fail('Archivy ZIP64 (nad 4 GB nebo s více než 65 535 položkami) nejsou podporovány.', 'ZIP64 archive');
}

function findEndOfCentralDirectory(view: DataView): number {
  // The record sits at the very end, after a comment of at most 65 535 bytes. Requiring the comment length to reach
  // exactly the end keeps a signature hidden inside the comment from being taken for the record.
  const last = view.byteLength - EOCD_SIZE;
  for (let offset = last; offset >= 0 && offset >= last - 0xffff; offset--) {
    if (view.getUint32(offset, true) === EOCD_SIGNATURE && offset + EOCD_SIZE + view.getUint16(offset + 20, true) === view.byteLength) return offset;
  }
  return truncated('chybí závěrečný záznam centrálního adresáře');
}

function decodeName(raw: Uint8Array, utf8Flag: boolean): string {
  // Without the UTF-8 flag the name is officially CP437, but Czech tools write UTF-8 or a Windows code page anyway;
  // valid UTF-8 is the likeliest reading, and latin1 at least keeps ASCII paths intact for the safety checks.
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    if (utf8Flag) truncated('název položky není platné UTF-8');
    return new TextDecoder('latin1').decode(raw);
  }
}

function isDangerousPath(name: string): boolean {
  return (
    name === '' ||
    name.includes('\\') ||
    name.includes('\0') ||
    name.startsWith('/') ||
    /^[A-Za-z]:/.test(name) ||
    name.split('/').some((segment) => segment === '..')
  );
}

interface Located {
  entry: ZipEntry;
  start: number;
  end: number;
}

export function openZip(bytes: Uint8Array, limits: ZipLimits = {}): ZipEntry[] {
  const { maxEntries, maxEntrySize, maxTotalSize, maxRatio } = { ...DEFAULTS, ...limits };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < EOCD_SIZE) truncated('soubor je příliš krátký');
  const eocd = findEndOfCentralDirectory(view);
  const diskNumber = view.getUint16(eocd + 4, true);
  const centralDisk = view.getUint16(eocd + 6, true);
  const entriesOnDisk = view.getUint16(eocd + 8, true);
  const count = view.getUint16(eocd + 10, true);
  const centralSize = view.getUint32(eocd + 12, true);
  const centralOffset = view.getUint32(eocd + 16, true);
  const zip64Locator = eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_LOCATOR_SIGNATURE;
  if (zip64Locator || count === 0xffff || centralSize === 0xffffffff || centralOffset === 0xffffffff) refuseZip64();
  if (diskNumber !== 0 || centralDisk !== 0 || entriesOnDisk !== count) fail('Vícedílné archivy ZIP nejsou podporovány.', 'multi-disk archive');
  if (count > maxEntries) fail(`Archiv obsahuje příliš mnoho položek (${count}, nejvýše ${maxEntries}).`, `${count} entries over limit ${maxEntries}`);
  if (centralOffset + centralSize > eocd) truncated('centrální adresář přesahuje konec souboru');

  const located: Located[] = [];
  const names = new Set<string>();
  let total = 0;
  let offset = centralOffset;
  for (let index = 0; index < count; index++) {
    if (offset + CENTRAL_SIZE > centralOffset + centralSize || view.getUint32(offset, true) !== CENTRAL_SIGNATURE) truncated(`záznam položky č. ${index + 1}`);
    const flags = view.getUint16(offset + 8, true);
    const method = view.getUint16(offset + 10, true);
    const crc = view.getUint32(offset + 16, true);
    const compressedSize = view.getUint32(offset + 20, true);
    const size = view.getUint32(offset + 24, true);
    const nameLength = view.getUint16(offset + 28, true);
    const next = offset + CENTRAL_SIZE + nameLength + view.getUint16(offset + 30, true) + view.getUint16(offset + 32, true);
    const localOffset = view.getUint32(offset + 42, true);
    if (next > centralOffset + centralSize) truncated(`záznam položky č. ${index + 1}`);
    const name = decodeName(bytes.subarray(offset + CENTRAL_SIZE, offset + CENTRAL_SIZE + nameLength), (flags & 0x800) !== 0);
    offset = next;

    if (isDangerousPath(name)) fail(`Archiv obsahuje nebezpečnou cestu ${quote(name)}.`, `dangerous path ${JSON.stringify(name)}`);
    if (names.has(name)) fail(`Archiv obsahuje položku ${quote(name)} vícekrát.`, `duplicate entry ${JSON.stringify(name)}`);
    names.add(name);
    if (flags & 0x41) fail(`Položka ${quote(name)} je zašifrovaná; šifrované archivy nejsou podporovány.`, `encrypted entry ${JSON.stringify(name)}`);
    if (method !== 0 && method !== 8) {
      fail(`Položka ${quote(name)} používá nepodporovanou kompresní metodu (${method}); podporováno je jen uložení a deflate.`, `compression method ${method} in ${JSON.stringify(name)}`);
    }
    if (compressedSize === 0xffffffff || size === 0xffffffff) refuseZip64();
    if (size > maxEntrySize) {
      fail(`Položka ${quote(name)} je po rozbalení příliš velká (${formatSize(size)}, nejvýše ${formatSize(maxEntrySize)}).`, `entry ${JSON.stringify(name)} declares ${size} bytes`);
    }
    total += size;
    if (total > maxTotalSize) fail(`Archiv je po rozbalení příliš velký (více než ${formatSize(maxTotalSize)}).`, `total declared size over ${maxTotalSize}`);
    if (size > RATIO_THRESHOLD && size > compressedSize * maxRatio) {
      const ratio = compressedSize === 0 ? '∞' : String(Math.round(size / compressedSize));
      fail(
        `Položka ${quote(name)} má podezřele vysoký kompresní poměr (${ratio} : 1, nejvýše ${maxRatio} : 1); může jít o zip bombu.`,
        `entry ${JSON.stringify(name)} ratio ${ratio} over ${maxRatio}`,
      );
    }
    if (method === 0 && compressedSize !== size) truncated(`uložená položka ${quote(name)} má nesouhlasné velikosti`);

    // The local header repeats the name and carries its own extra field, so only it tells where the data starts.
    if (localOffset + LOCAL_SIZE > centralOffset || view.getUint32(localOffset, true) !== LOCAL_SIGNATURE) truncated(`místní hlavička položky ${quote(name)}`);
    const start = localOffset + LOCAL_SIZE + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    const end = start + compressedSize;
    if (end > centralOffset) truncated(`data položky ${quote(name)}`);
    const data = bytes.subarray(start, end);
    const entry: ZipEntry = { name, size, compressedSize, isDirectory: name.endsWith('/'), read: () => inflate(name, method, data, size, crc) };
    located.push({ entry, start: localOffset, end });
  }

  // Entries sharing their data multiply a small archive into a huge output (the "overlapping files" bomb).
  const byPosition = [...located].sort((a, b) => a.start - b.start);
  for (let i = 1; i < byPosition.length; i++) {
    const [previous, current] = [byPosition[i - 1]!, byPosition[i]!];
    if (current.start < previous.end) {
      fail(`Archiv obsahuje překrývající se položky ${quote(previous.entry.name)} a ${quote(current.entry.name)}; může jít o zip bombu.`, 'overlapping entries');
    }
  }
  return located.map((item) => item.entry);
}

function inflate(name: string, method: number, data: Uint8Array, size: number, crc: number): Uint8Array {
  const tooBig = () =>
    fail(`Položka ${quote(name)} je po rozbalení větší, než archiv uvádí; může jít o zip bombu.`, `entry ${JSON.stringify(name)} inflates past its declared ${size} bytes`);
  let output = data;
  if (method === 8) {
    try {
      // maxOutputLength stops inflation as soon as the output outgrows the declared size (at least 1: 0 means no limit).
      output = inflateRawSync(data, { maxOutputLength: Math.max(size, 1) });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') tooBig();
      truncated(`položku ${quote(name)} nelze rozbalit`);
    }
  }
  if (output.length > size) tooBig();
  if (output.length < size) truncated(`položka ${quote(name)} je kratší, než archiv uvádí`);
  if (crc32(output) >>> 0 !== crc) {
    fail(`Položka ${quote(name)} je poškozená (nesouhlasí kontrolní součet CRC-32).`, `CRC mismatch in ${JSON.stringify(name)}`);
  }
  return output;
}
