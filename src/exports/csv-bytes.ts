/**
 * CSV lines made from the UTF-8 bytes of a stored content, without a JavaScript string per cell. The database hands
 * the content over as bytes; the scan finds where each cell's value lies in them, and a line copies those bytes
 * into the output with the delimiters and quotes its variant needs. Most of the text export's time had been strings:
 * decoding the content, slicing the cells, joining and escaping them, encoding the line again, and collecting all
 * of it afterwards.
 *
 * It relies on what canonical.ts relies on (contents written by JSON.stringify from a validated record: no
 * whitespace, only strings and booleans, objects only inside the lists). A string that holds a JSON escape (a quote,
 * a backslash, a control character) is decoded and escaped as text, the way CsvRowFormatter does; a content in any
 * other shape is refused (scan returns false) and the caller formats it as text.
 */
import { csvField } from '../shared/csv.ts';
import { BACKSLASH, CLOSE_ARRAY, CLOSE_OBJECT, COLON, COMMA, OPEN_ARRAY, OPEN_OBJECT, QUOTE } from '../shared/json-codes.ts';
import type { CellLayout } from './canonical.ts';
import { defuseFormula, excelField } from './rules.ts';

const SEMICOLON = 0x3b;
const DOT = 0x2e;
const MINUS = 0x2d;
const APOSTROPHE = 0x27;
const CR = 0x0d;
const LF = 0x0a;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const LETTER_T = 0x74;
const LETTER_F = 0x66;

/** What a cell's bytes hold, found while scanning them: it decides the quoting. */
const HAS_COMMA = 1;
const HAS_SEMICOLON = 2;
/** The cell was a JSON string with an escape: its decoded text is in `decoded`. */
const DECODED = 4;

/** Small, so that the scan can look a key up by a hash computed as it reads the key's bytes. */
class ByteKeys<T> {
  private readonly byHash = new Map<number, Array<{ bytes: Uint8Array; value: T }>>();

  set(key: string, value: T): void {
    const bytes = Buffer.from(key, 'utf8');
    const hash = hashOf(bytes, 0, bytes.length);
    const bucket = this.byHash.get(hash);
    if (bucket) bucket.push({ bytes, value });
    else this.byHash.set(hash, [{ bytes, value }]);
  }

  get(source: Uint8Array, start: number, end: number, hash: number): T | undefined {
    const bucket = this.byHash.get(hash);
    if (!bucket) return undefined;
    for (const { bytes, value } of bucket) if (sameBytes(bytes, source, start, end)) return value;
    return undefined;
  }
}

function hashOf(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash;
}

function sameBytes(key: Uint8Array, source: Uint8Array, start: number, end: number): boolean {
  if (key.length !== end - start) return false;
  for (let i = 0; i < key.length; i++) if (key[i] !== source[start + i]) return false;
  return true;
}

interface ListCells {
  base: number;
  width: number;
  slots: number;
  members: ByteKeys<number>;
}

/** Where a key's value goes: a plain cell, or a list's numbered cells. */
type KeyTarget = { cell: number; list: null } | { cell: -1; list: ListCells };

export class CsvByteLines {
  private readonly keys = new ByteKeys<KeyTarget>();
  private readonly cellCount: number;
  /** Per cell: where its value starts and ends in the scanned content (start -1: empty), and its HAS_* flags. */
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly flags: Uint8Array;
  private readonly decoded: string[];
  private content: Uint8Array = new Uint8Array(0);
  /** Bytes a line of the scanned content can take at most (checked against the output's room). */
  private bound = 0;
  /** The hash of the key keyEnd read last. */
  private keyHash = 0;

  /**
   * `layout`: the widest layout of the type (the columns a line is projected from); `decimalCells`: the cells the
   * Excel variant writes with a decimal comma.
   */
  constructor(
    layout: CellLayout,
    private readonly decimalCells: readonly boolean[],
  ) {
    this.cellCount = layout.cellCount;
    for (const [key, cell] of layout.plain) this.keys.set(key, { cell, list: null });
    for (const [key, list] of layout.lists) {
      const members = new ByteKeys<number>();
      for (const [member, index] of list.members) members.set(member, index);
      this.keys.set(key, { cell: -1, list: { base: list.base, width: list.width, slots: list.slots, members } });
    }
    this.starts = new Int32Array(this.cellCount);
    this.ends = new Int32Array(this.cellCount);
    this.flags = new Uint8Array(this.cellCount);
    this.decoded = new Array<string>(this.cellCount).fill('');
  }

  /**
   * Finds the cells of a content given as UTF-8 bytes; false when it is not in the expected shape (nothing is then
   * written from it). The cells stay valid until the next scan, and so must the bytes.
   */
  scan(content: Uint8Array): boolean {
    this.starts.fill(-1);
    this.content = content;
    this.bound = 2;
    const c = content;
    const end = c.length;
    if (c[0] !== OPEN_OBJECT) return false;
    let i = 1;
    if (c[i] === CLOSE_OBJECT) return end === 2;
    for (;;) {
      const keyStart = i + 1;
      i = this.keyEnd(c, i);
      if (i < 0) return false;
      const target = this.keys.get(c, keyStart, i, this.keyHash);
      i += 2;
      if (target === undefined) return false;
      if (target.list === null) {
        if (c[i] === OPEN_ARRAY) return false;
        i = this.value(c, i, target.cell);
        if (i < 0) return false;
      } else {
        const list = target.list;
        if (c[i] !== OPEN_ARRAY) return false;
        i++;
        if (c[i] === CLOSE_ARRAY) i++;
        else {
          for (let slot = 0; ; slot++) {
            if (c[i] !== OPEN_OBJECT || slot >= list.slots) return false;
            i++;
            if (c[i] !== CLOSE_OBJECT) {
              for (;;) {
                const memberStart = i + 1;
                i = this.keyEnd(c, i);
                if (i < 0) return false;
                const member = list.members.get(c, memberStart, i, this.keyHash);
                if (member === undefined) return false;
                i = this.value(c, i + 2, list.base + slot * list.width + member);
                if (i < 0) return false;
                if (c[i] === COMMA) {
                  i++;
                  continue;
                }
                if (c[i] === CLOSE_OBJECT) break;
                return false;
              }
            }
            i++;
            if (c[i] === COMMA) {
              i++;
              continue;
            }
            if (c[i] === CLOSE_ARRAY) {
              i++;
              break;
            }
            return false;
          }
        }
      }
      if (c[i] === COMMA) {
        i++;
        continue;
      }
      return c[i] === CLOSE_OBJECT && i === end - 1;
    }
  }

  /**
   * Reads the key whose opening quote is at `i`, hashing it as it goes (keys are plain names, never escaped) into
   * `keyHash`; returns the position of its closing quote, which a colon must follow, or -1.
   */
  private keyEnd(c: Uint8Array, i: number): number {
    if (c[i] !== QUOTE) return -1;
    let hash = 0x811c9dc5;
    for (i++; i < c.length; i++) {
      const byte = c[i]!;
      if (byte === QUOTE || byte === BACKSLASH) break;
      hash = Math.imul(hash ^ byte, 0x01000193);
    }
    this.keyHash = hash;
    return c[i] === QUOTE && c[i + 1] === COLON ? i : -1;
  }

  /** Reads the scalar at `i` into `cell`; returns the position after it, or -1 for anything but a string or boolean. */
  private value(c: Uint8Array, i: number, cell: number): number {
    const first = c[i];
    if (first === QUOTE) {
      const start = i + 1;
      let flags = 0;
      let j = start;
      for (; j < c.length; j++) {
        const byte = c[j]!;
        if (byte === QUOTE) break;
        if (byte === COMMA) flags |= HAS_COMMA;
        else if (byte === SEMICOLON) flags |= HAS_SEMICOLON;
        else if (byte === BACKSLASH) {
          flags |= DECODED;
          j++;
        }
      }
      if (j >= c.length) return -1;
      this.starts[cell] = start;
      this.ends[cell] = j;
      this.flags[cell] = flags;
      if (flags & DECODED) {
        const text = JSON.parse(Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('utf8', start - 1, j + 1)) as string;
        this.decoded[cell] = text;
        // Each code unit of the escaped text takes at most 3 bytes, doubled quotes and an apostrophe included.
        this.bound += text.length * 6 + 4;
      } else this.bound += (j - start) + 4;
      return j + 1;
    }
    if (first === LETTER_T && c[i + 1] === 0x72 && c[i + 2] === 0x75 && c[i + 3] === 0x65) return this.literal(i, 4, cell);
    if (first === LETTER_F && c[i + 1] === 0x61 && c[i + 2] === 0x6c && c[i + 3] === 0x73 && c[i + 4] === 0x65) return this.literal(i, 5, cell);
    return -1;
  }

  private literal(i: number, length: number, cell: number): number {
    this.starts[cell] = i;
    this.ends[cell] = i + length;
    this.flags[cell] = 0;
    this.bound += length + 1;
    return i + length;
  }

  /** The most bytes `line` writes for the scanned content (delimiters and line break included). */
  lineBound(): number {
    return this.bound + this.cellCount;
  }

  /**
   * Writes the scanned content's line at `at` of `out` (at least lineBound() bytes from `at` must be free) and
   * returns the position after it: every column of the widest layout, or through a projection (see
   * CsvRowFormatter.lineOf). The same bytes as CsvRowFormatter's line of that content.
   */
  line(out: Buffer, at: number, excel: boolean, projection: Int32Array | null): number {
    const count = projection === null ? this.cellCount : projection.length;
    const delimiter = excel ? SEMICOLON : COMMA;
    const quoteWhen = excel ? HAS_SEMICOLON : HAS_COMMA | HAS_SEMICOLON;
    const c = this.content;
    let o = at;
    for (let k = 0; k < count; k++) {
      const cell = projection === null ? k : projection[k]!;
      if (k > 0) out[o++] = delimiter;
      const start = this.starts[cell]!;
      if (start < 0) continue;
      const flags = this.flags[cell]!;
      if (flags & DECODED) {
        const text = this.decoded[cell]!;
        if (text === '') continue;
        o += out.write(excel ? excelField(this.decimalCells[cell] ? text.replace('.', ',') : defuseFormula(text)) : csvField(text), o, 'utf8');
        continue;
      }
      const end = this.ends[cell]!;
      if (start === end) continue;
      const quoted = (flags & quoteWhen) !== 0;
      if (quoted) out[o++] = QUOTE;
      if (excel) {
        if (this.decimalCells[cell]) {
          // The first dot becomes a decimal comma, as String.replace does.
          let j = start;
          for (; j < end && c[j] !== DOT; j++) out[o++] = c[j]!;
          if (j < end) {
            out[o++] = COMMA;
            j++;
          }
          for (; j < end; j++) out[o++] = c[j]!;
          if (quoted) out[o++] = QUOTE;
          continue;
        }
        if (startsFormula(c, start, end)) out[o++] = APOSTROPHE;
      }
      if (end - start > 48) {
        out.set(c.subarray(start, end), o);
        o += end - start;
      } else for (let j = start; j < end; j++) out[o++] = c[j]!;
      if (quoted) out[o++] = QUOTE;
    }
    out[o++] = CR;
    out[o++] = LF;
    return o;
  }
}

/** defuseFormula's test on bytes: tab and CR never stand unescaped in canonical JSON, so they need no check here. */
function startsFormula(c: Uint8Array, start: number, end: number): boolean {
  const first = c[start];
  if (first === 0x3d || first === 0x2b || first === 0x40) return true;
  if (first !== MINUS || end - start < 2) return false;
  const next = c[start + 1]!;
  return next < DIGIT_0 || next > DIGIT_9;
}
