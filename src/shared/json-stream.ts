/**
 * Streams the elements of chosen top-level arrays of one JSON object, e.g. the `releases` of an OCDS package, so
 * that a package of any size is read in constant memory: each element is parsed on its own (JSON.parse, up to a
 * size limit), other top-level members are skipped without being kept. The top-level object, the arrays and the
 * elements are checked as they stream; a skipped member is only checked for balanced brackets and strings.
 * Truncated or malformed input is an error with its byte position. Structural characters are ASCII, so the scan
 * works on UTF-8 bytes; elements are decoded strictly.
 */
import { BACKSLASH, CLOSE_ARRAY, CLOSE_OBJECT, COLON, COMMA, OPEN_ARRAY, OPEN_OBJECT, QUOTE } from './json-codes.ts';

export class JsonStreamError extends Error {
  constructor(
    message: string,
    /** Byte offset in the input. */
    readonly position: number,
  ) {
    super(`${message} at byte ${position}`);
  }
}

export interface JsonArrayElement {
  /** The top-level member the element belongs to. */
  key: string;
  /** 1-based position in that array. */
  index: number;
  value: unknown;
}

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

type Mode =
  | 'start' // before the top-level `{`
  | 'key' // a member name or `}`
  | 'key-after-comma' // a member name (no `}`)
  | 'in-key'
  | 'colon'
  | 'value' // the start of a member's value
  | 'skip' // inside a skipped value
  | 'after-value' // `,` or `}`
  | 'element' // an element or `]`
  | 'element-after-comma' // an element (no `]`)
  | 'in-element'
  | 'after-element' // `,` or `]`
  | 'end';

/**
 * Yields every element of the arrays named `keys` in the top-level object of `source`, in order. A member with one
 * of these names whose value is no array is an error; other members are skipped.
 */
export async function* jsonArrayElements(source: AsyncIterable<Uint8Array> | Uint8Array, keys: readonly string[], options: { maxElementBytes: number }): AsyncGenerator<JsonArrayElement> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let mode: Mode = 'start';
  let position = 0;
  // Nesting and string state of the value being scanned (skipped or element).
  let depth = 0;
  let inString = false;
  let escaped = false;
  let scalar = false;
  let keyBytes: number[] = [];
  let key = '';
  let index = 0;
  let parts: Uint8Array[] = [];
  let partsSize = 0;
  const fail = (message: string): never => {
    throw new JsonStreamError(message, position);
  };
  const decode = (bytes: Uint8Array): string => {
    try {
      return decoder.decode(bytes);
    } catch {
      return fail('invalid UTF-8');
    }
  };
  const finishElement = (): JsonArrayElement => {
    const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, partsSize);
    parts = [];
    partsSize = 0;
    let value: unknown;
    try {
      value = JSON.parse(decode(bytes));
    } catch (error) {
      if (error instanceof JsonStreamError) throw error;
      fail(`invalid JSON in element ${index} of "${key}"`);
    }
    return { key, index, value };
  };
  /** Advances the depth and string state over one byte of a value; true when the value ended before this byte. */
  const scanValueByte = (byte: number): boolean => {
    if (scalar) {
      if (byte === COMMA || byte === CLOSE_OBJECT || byte === CLOSE_ARRAY || SPACE.has(byte)) return true;
      return false;
    }
    if (inString) {
      if (escaped) escaped = false;
      else if (byte === BACKSLASH) escaped = true;
      else if (byte === QUOTE) {
        inString = false;
        if (depth === 0) depth = -1; // a string value ends with its quote
      }
      return false;
    }
    if (depth === -1) return true;
    if (byte === QUOTE) inString = true;
    else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) depth++;
    else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth--;
      if (depth === 0) depth = -1; // the next byte is past the value
    }
    return false;
  };
  const startValue = (byte: number): void => {
    inString = false;
    escaped = false;
    depth = 0;
    scalar = false;
    if (byte === QUOTE) inString = true;
    else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) depth = 1;
    else scalar = true;
  };

  const chunks = source instanceof Uint8Array ? [source] : source;
  for await (const chunk of chunks) {
    let elementStart = mode === 'in-element' ? 0 : -1;
    for (let i = 0; i < chunk.length; i++, position++) {
      const byte = chunk[i]!;
      switch (mode) {
        case 'start':
          if (SPACE.has(byte) || (position < 3 && (byte === 0xef || byte === 0xbb || byte === 0xbf))) continue;
          if (byte !== OPEN_OBJECT) fail('expected a JSON object');
          mode = 'key';
          continue;
        case 'key':
        case 'key-after-comma':
          if (SPACE.has(byte)) continue;
          if (byte === CLOSE_OBJECT && mode === 'key') {
            mode = 'end';
            continue;
          }
          if (byte !== QUOTE) fail('expected a member name');
          keyBytes = [];
          escaped = false;
          mode = 'in-key';
          continue;
        case 'in-key':
          if (escaped) escaped = false;
          else if (byte === BACKSLASH) escaped = true;
          else if (byte === QUOTE) {
            try {
              key = JSON.parse(`"${decode(Uint8Array.from(keyBytes))}"`) as string;
            } catch (error) {
              if (error instanceof JsonStreamError) throw error;
              fail('invalid member name');
            }
            mode = 'colon';
            continue;
          }
          if (keyBytes.length > 10_000) fail('member name too long');
          keyBytes.push(byte);
          continue;
        case 'colon':
          if (SPACE.has(byte)) continue;
          if (byte !== COLON) fail('expected ":"');
          mode = 'value';
          continue;
        case 'value':
          if (SPACE.has(byte)) continue;
          if (keys.includes(key)) {
            if (byte !== OPEN_ARRAY) fail(`"${key}" is not an array`);
            index = 0;
            mode = 'element';
            continue;
          }
          startValue(byte);
          mode = 'skip';
          continue;
        case 'skip':
          if (!scanValueByte(byte)) continue;
          mode = 'after-value';
        // falls through: this byte follows the value
        case 'after-value':
          if (SPACE.has(byte)) continue;
          if (byte === COMMA) mode = 'key-after-comma';
          else if (byte === CLOSE_OBJECT) mode = 'end';
          else fail('expected "," or "}"');
          continue;
        case 'element':
        case 'element-after-comma':
          if (SPACE.has(byte)) continue;
          if (byte === CLOSE_ARRAY && mode === 'element') {
            mode = 'after-value';
            continue;
          }
          index++;
          startValue(byte);
          elementStart = i;
          mode = 'in-element';
          continue;
        case 'in-element': {
          if (!scanValueByte(byte)) {
            if (partsSize + (i - elementStart) > options.maxElementBytes) fail(`element ${index} of "${key}" is larger than ${options.maxElementBytes} bytes`);
            continue;
          }
          parts.push(chunk.subarray(elementStart, i));
          partsSize += i - elementStart;
          elementStart = -1;
          yield finishElement();
          mode = 'after-element';
        }
        // falls through: this byte follows the element
        case 'after-element':
          if (SPACE.has(byte)) continue;
          if (byte === COMMA) mode = 'element-after-comma';
          else if (byte === CLOSE_ARRAY) mode = 'after-value';
          else fail('expected "," or "]"');
          continue;
        case 'end':
          if (!SPACE.has(byte)) fail('unexpected content after the object');
          continue;
      }
    }
    if (mode === 'in-element' && elementStart >= 0) {
      // The element goes on in the next chunk; copy, since the reader may reuse its buffer.
      parts.push(Uint8Array.prototype.slice.call(chunk, elementStart));
      partsSize += chunk.length - elementStart;
    }
  }
  if ((mode as Mode) !== 'end') fail('truncated input');
}
