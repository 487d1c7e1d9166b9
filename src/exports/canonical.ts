/**
 * Reads a stored record's content into CSV cells without JSON.parse. Stored contents are canonical: written by
 * JSON.stringify from a validated record, so they hold no whitespace, only string and boolean values, and objects
 * only inside the `strany` and `prilohy` lists. Parsing ~800 bytes with JSON.parse costs ~8 µs, most of the
 * export's time; this scan costs a fraction of it. Anything unexpected returns null and the caller parses.
 */
import { BACKSLASH, CLOSE_ARRAY, CLOSE_OBJECT, COLON, COMMA, OPEN_ARRAY, OPEN_OBJECT, QUOTE } from '../shared/json-codes.ts';

export interface CellLayout {
  /** Cell index of each plain key. */
  plain: Map<string, number>;
  /** For each list key: the cell index of its first member slot, members per slot, member indexes, slot count. */
  lists: Map<string, { base: number; width: number; members: Map<string, number>; slots: number }>;
  cellCount: number;
}

export function cellLayout(columns: readonly string[]): CellLayout {
  const plain = new Map<string, number>();
  const lists = new Map<string, { base: number; width: number; members: Map<string, number>; slots: number }>();
  columns.forEach((column, index) => {
    const match = /^(\w+)\.(\d+)\.(\w+)$/.exec(column);
    if (!match) {
      plain.set(column, index);
      return;
    }
    const [, key, slotText, member] = match as unknown as [string, string, string, string];
    let list = lists.get(key);
    if (!list) {
      list = { base: index, width: 0, members: new Map(), slots: 0 };
      lists.set(key, list);
    }
    const slot = Number(slotText) - 1;
    if (slot === 0) list.members.set(member, list.width++);
    list.slots = Math.max(list.slots, slot + 1);
  });
  return { plain, lists, cellCount: columns.length };
}


/** Position just after the closing quote of the string starting at `start` (its opening quote); -1 if unterminated. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote < 0) return -1;
    // Count the backslashes before the quote: an odd number escapes it.
    let slashes = 0;
    for (let j = quote - 1; j > start && text.charCodeAt(j) === BACKSLASH; j--) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

function stringValue(text: string, start: number, end: number): string {
  const inner = text.slice(start + 1, end - 1);
  return inner.indexOf('\\') < 0 ? inner : (JSON.parse(text.slice(start, end)) as string);
}

/** A scalar at `i`: its text for the CSV cell and the position after it; null for anything but a string or boolean. */
function scalar(text: string, i: number): { value: string; end: number } | null {
  const code = text.charCodeAt(i);
  if (code === QUOTE) {
    const end = stringEnd(text, i);
    return end < 0 ? null : { value: stringValue(text, i, end), end };
  }
  if (text.startsWith('true', i)) return { value: 'true', end: i + 4 };
  if (text.startsWith('false', i)) return { value: 'false', end: i + 5 };
  return null;
}

/** Fills `cells` (reset by the caller) from canonical content; false when the content is not in the expected shape. */
export function fillCells(text: string, layout: CellLayout, cells: string[]): boolean {
  if (text.charCodeAt(0) !== OPEN_OBJECT) return false;
  let i = 1;
  if (text.charCodeAt(i) === CLOSE_OBJECT) return true;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return false;
    const keyEnd = stringEnd(text, i);
    if (keyEnd < 0 || text.charCodeAt(keyEnd) !== COLON) return false;
    const key = text.slice(i + 1, keyEnd - 1);
    i = keyEnd + 1;
    if (text.charCodeAt(i) === OPEN_ARRAY) {
      const list = layout.lists.get(key);
      if (!list) return false;
      i++;
      let slot = 0;
      if (text.charCodeAt(i) === CLOSE_ARRAY) {
        i++;
      } else {
        for (;;) {
          if (text.charCodeAt(i) !== OPEN_OBJECT || slot >= list.slots) return false;
          i++;
          if (text.charCodeAt(i) !== CLOSE_OBJECT) {
            for (;;) {
              if (text.charCodeAt(i) !== QUOTE) return false;
              const memberEnd = stringEnd(text, i);
              if (memberEnd < 0 || text.charCodeAt(memberEnd) !== COLON) return false;
              const member = list.members.get(text.slice(i + 1, memberEnd - 1));
              const value = scalar(text, memberEnd + 1);
              if (member === undefined || !value) return false;
              cells[list.base + slot * list.width + member] = value.value;
              i = value.end;
              if (text.charCodeAt(i) === COMMA) {
                i++;
                continue;
              }
              if (text.charCodeAt(i) === CLOSE_OBJECT) break;
              return false;
            }
          }
          i++;
          slot++;
          if (text.charCodeAt(i) === COMMA) {
            i++;
            continue;
          }
          if (text.charCodeAt(i) === CLOSE_ARRAY) {
            i++;
            break;
          }
          return false;
        }
      }
    } else {
      const index = layout.plain.get(key);
      const value = scalar(text, i);
      if (index === undefined || !value) return false;
      cells[index] = value.value;
      i = value.end;
    }
    const next = text.charCodeAt(i);
    if (next === COMMA) {
      i++;
      continue;
    }
    return next === CLOSE_OBJECT && i === text.length - 1;
  }
}
