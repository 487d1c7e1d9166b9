/**
 * A small streaming XML reader for large, simple documents (contract register dumps of a gigabyte and more):
 * elements, attributes, text, CDATA; comments and processing instructions are skipped. It is several times faster
 * than a general SAX parser because it scans with indexOf instead of character by character.
 *
 * Hostile input is refused, not interpreted: any DOCTYPE (so no entity can be declared, expanded or fetched),
 * unknown entities, mismatched or unclosed tags, and text, tags or nesting beyond fixed limits.
 */

export class XmlStreamError extends Error {
  constructor(
    readonly line: number,
    message: string,
    /** The same in Czech, for people. */
    readonly czech: string = 'chybný zápis XML',
  ) {
    super(message);
  }
}

export interface XmlHandler {
  open(name: string, attributes: Record<string, string>, line: number): void;
  close(name: string): void;
  text(value: string): void;
}

export interface XmlLimits {
  maxTextLength?: number;
  maxTagLength?: number;
  maxDepth?: number;
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Characters XML 1.0 does not allow in a document (its `Char` production); NUL would also break PostgreSQL. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isAllowedCodePoint(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

// One character class is several times cheaper than FORBIDDEN_CHARS; only a text that has a control character or a
// surrogate (an emoji is a valid pair) needs the exact test.
// eslint-disable-next-line no-control-regex
const SUSPECT_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

function checkChars(text: string, line: number): void {
  if (SUSPECT_CHARS.test(text) && FORBIDDEN_CHARS.test(text)) throw new XmlStreamError(line, 'character not allowed in XML', 'znak, který XML nedovoluje (např. nulový bajt)');
}

function decodeEntities(text: string, line: number): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&\s]{0,12});?/g, (match, name: string) => {
    if (!match.endsWith(';')) throw new XmlStreamError(line, 'unterminated entity reference', 'neukončený odkaz na entitu');
    const hex = /^#x([0-9a-fA-F]{1,6})$/.exec(name);
    const decimal = /^#([0-9]{1,7})$/.exec(name);
    if (hex || decimal) {
      const code = hex ? Number.parseInt(hex[1]!, 16) : Number.parseInt(decimal![1]!, 10);
      if (!isAllowedCodePoint(code)) throw new XmlStreamError(line, `invalid character reference &${name};`, `neplatný odkaz na znak &${name};`);
      return String.fromCodePoint(code);
    }
    if (name.startsWith('#')) throw new XmlStreamError(line, `invalid character reference &${name};`, `neplatný odkaz na znak &${name};`);
    const value = PREDEFINED[name];
    if (value === undefined) throw new XmlStreamError(line, `undeclared entity &${name};`, `nedeklarovaná entita &${name};`);
    return value;
  });
}

const ATTRIBUTE = /([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/g;
/** Characters that end a tag name: whitespace, '/', '>', quotes, '=', '<', '!', '?'. */
function isNameChar(code: number): boolean {
  return code > 32 && code !== 47 && code !== 62 && code !== 34 && code !== 39 && code !== 61 && code !== 60 && code !== 33 && code !== 63;
}

function indexOrEnd(text: string, search: string, from: number): number {
  const index = text.indexOf(search, from);
  return index < 0 ? text.length : index;
}

const MAX_INTERNED_NAMES = 10_000;

/** Whether `text[from, to)` is `name`. */
function isAt(text: string, from: number, to: number, name: string): boolean {
  if (to - from !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (text.charCodeAt(from + i) !== name.charCodeAt(i)) return false;
  return true;
}

const EMPTY_ATTRIBUTES: Record<string, string> = Object.freeze({}) as Record<string, string>;

export class XmlStreamReader {
  private buffer = '';
  private readonly stack: string[] = [];
  private readonly names = new Map<number, string>();
  private rootSeen = false;
  private pendingText = '';
  private readonly maxText: number;
  private readonly maxTag: number;
  private readonly maxDepth: number;
  // Lines are counted lazily: each newline of the input is found once, when a line number is asked for.
  private text = '';
  private position = 0;
  private line = 1;
  private nextNewline = -1;
  // Where the next quotes of the current buffer are (see markupEnd); -1: not looked for yet.
  private doubleQuote = -1;
  private singleQuote = -1;

  constructor(
    private readonly handler: XmlHandler,
    limits: XmlLimits = {},
  ) {
    this.maxText = limits.maxTextLength ?? 1_000_000;
    this.maxTag = limits.maxTagLength ?? 100_000;
    this.maxDepth = limits.maxDepth ?? 100;
  }

  get currentLine(): number {
    return this.lineAt(this.position);
  }

  private lineAt(position: number): number {
    while (this.nextNewline >= 0 && this.nextNewline < position) {
      this.line++;
      this.nextNewline = this.text.indexOf('\n', this.nextNewline + 1);
    }
    return this.line;
  }

  private fail(message: string, czech: string): never {
    throw new XmlStreamError(this.currentLine, message, czech);
  }

  write(chunk: string): void {
    const text = this.buffer.length > 0 ? this.buffer + chunk : chunk;
    this.text = text;
    this.doubleQuote = -1;
    this.singleQuote = -1;
    this.nextNewline = text.indexOf('\n');
    let position = 0;
    const length = text.length;
    while (position < length) {
      this.position = position;
      const lt = text.indexOf('<', position);
      if (lt < 0) {
        this.addText(text.slice(position));
        position = length;
        break;
      }
      if (lt > position) this.addText(text.slice(position, lt));
      position = lt;
      this.position = lt;
      const end = this.markupEnd(text, lt);
      if (end < 0) break;
      this.markup(text, lt, end);
      position = end;
    }
    this.lineAt(position);
    this.position = 0;
    this.buffer = text.slice(position);
    this.text = this.buffer;
    this.nextNewline = this.buffer.indexOf('\n');
    // CDATA and comments may be as long as text; a tag may not.
    const longMarkup = this.buffer.startsWith('<![CDATA[') || this.buffer.startsWith('<!--');
    if (this.buffer.length > (longMarkup ? this.maxText : this.maxTag) + 16) this.fail(`markup longer than ${this.maxTag} characters`, 'příliš dlouhá značka');
  }

  close(): void {
    if (this.buffer.trim() !== '' || this.stack.length > 0 || !this.rootSeen) {
      this.fail(this.stack.length > 0 ? `unexpected end of document inside <${this.stack[this.stack.length - 1]}>` : 'unexpected end of document', 'soubor je neúplný (končí uprostřed dokumentu)');
    }
  }

  private addText(value: string): void {
    if (this.stack.length === 0) {
      if (value.trim() !== '') this.fail('text outside the root element', 'text mimo kořenový element');
      return;
    }
    this.pendingText += value;
    if (this.pendingText.length > this.maxText) this.fail(`text longer than ${this.maxText} characters`, 'text elementu je delší než povolený limit');
  }

  private flushText(): void {
    if (this.pendingText === '') return;
    checkChars(this.pendingText, this.currentLine);
    this.handler.text(decodeEntities(this.pendingText, this.currentLine));
    this.pendingText = '';
  }

  /** Index just after the markup starting at `lt`, or -1 when it is not complete in the buffer yet. */
  private markupEnd(text: string, lt: number): number {
    const next = text.charCodeAt(lt + 1);
    if (next === 33 /* ! */) {
      if (text.startsWith('<!--', lt)) {
        const end = text.indexOf('-->', lt + 4);
        return end < 0 ? -1 : end + 3;
      }
      if (text.startsWith('<![CDATA[', lt)) {
        const end = text.indexOf(']]>', lt + 9);
        return end < 0 ? -1 : end + 3;
      }
      if (text.length - lt < 9) return -1;
      throw new XmlStreamError(this.currentLine, text.startsWith('<!DOCTYPE', lt) ? 'DOCTYPE declarations are not allowed' : 'unsupported markup declaration', 'deklarace DOCTYPE není povolena');
    }
    if (next === 63 /* ? */) {
      const end = text.indexOf('?>', lt + 2);
      return end < 0 ? -1 : end + 2;
    }
    const gt = text.indexOf('>', lt + 1);
    if (gt < 0) return -1;
    // A '>' may appear inside a quoted attribute value. Most tags have no quote at all: the next quote of the
    // buffer, found once and reused until passed, says so without looking at every character.
    if (this.nextQuoteAfter(text, lt) > gt) return gt + 1;
    let quote = 0;
    for (let i = lt + 1; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (quote !== 0) {
        if (code === quote) quote = 0;
      } else if (code === 62 /* > */) {
        return i + 1;
      } else if (code === 34 || code === 39) {
        quote = code;
      }
    }
    return -1;
  }

  /**
   * The one copy of the tag name `text[from, to)` that this reader hands out, found by the name's hash without
   * cutting it out of the buffer. A name cut out is a new string each time; V8 compares it with another name
   * character by character and must look it up before it can be a property key. The one copy compares by identity
   * and is a key already (parsing a register dump: ~15 % faster).
   */
  private intern(text: string, from: number, to: number, hash: number): string {
    const known = this.names.get(hash);
    if (known !== undefined && isAt(text, from, to, known)) return known;
    const name = text.slice(from, to);
    // A name whose hash another name holds, or a document of endless distinct names, goes without.
    if (known !== undefined || this.names.size >= MAX_INTERNED_NAMES) return name;
    const interned = Object.keys({ [name]: 0 })[0]!;
    this.names.set(hash, interned);
    return interned;
  }

  /** Index of the first quote (either kind) after `from` in the current buffer, or the buffer's length. */
  private nextQuoteAfter(text: string, from: number): number {
    if (this.doubleQuote <= from) this.doubleQuote = indexOrEnd(text, '"', from);
    if (this.singleQuote <= from) this.singleQuote = indexOrEnd(text, "'", from);
    return Math.min(this.doubleQuote, this.singleQuote);
  }

  private markup(text: string, start: number, end: number): void {
    const next = text.charCodeAt(start + 1);
    if (next === 33) {
      if (text.startsWith('<![CDATA[', start)) {
        if (this.stack.length === 0) this.fail('CDATA outside the root element', 'CDATA mimo kořenový element');
        this.pendingText += text.slice(start + 9, end - 3).replace(/&/g, '&amp;');
        if (this.pendingText.length > this.maxText) this.fail(`text longer than ${this.maxText} characters`, 'text elementu je delší než povolený limit');
      }
      return;
    }
    if (next === 63) return;
    if (end - start > this.maxTag) this.fail(`tag longer than ${this.maxTag} characters`, 'příliš dlouhá značka');
    this.flushText();
    if (next === 47 /* / */) {
      let nameEnd = end - 1;
      while (nameEnd > start + 2 && text.charCodeAt(nameEnd - 1) <= 32) nameEnd--;
      // Compared in place: no string is cut out of the buffer for a closing tag that matches.
      const open = this.stack.pop();
      if (open === undefined || !isAt(text, start + 2, nameEnd, open)) {
        const name = text.slice(start + 2, nameEnd);
        this.fail(open === undefined ? `closing tag </${name}> without an open element` : `</${name}> closes <${open}>`, 'koncová značka neodpovídá otevřenému elementu');
      }
      this.handler.close(open);
      return;
    }
    const selfClosing = text.charCodeAt(end - 2) === 47;
    const innerEnd = selfClosing ? end - 2 : end - 1;
    let nameEnd = start + 1;
    let hash = 0;
    for (; nameEnd < innerEnd; nameEnd++) {
      const code = text.charCodeAt(nameEnd);
      if (!isNameChar(code)) break;
      hash = (Math.imul(hash, 31) + code) | 0;
    }
    if (nameEnd === start + 1) this.fail('malformed tag', 'chybná značka');
    const name = this.intern(text, start + 1, nameEnd, hash);
    if (this.stack.length === 0 && this.rootSeen) this.fail('a second root element', 'druhý kořenový element');
    let attributes = EMPTY_ATTRIBUTES;
    if (nameEnd < innerEnd) {
      const rest = text.slice(nameEnd, innerEnd);
      if (rest.trim() !== '') {
        if (text.charCodeAt(nameEnd) > 32) this.fail('malformed tag', 'chybná značka');
        attributes = {};
        ATTRIBUTE.lastIndex = 0;
        let match: RegExpExecArray | null;
        checkChars(rest, this.currentLine);
        while ((match = ATTRIBUTE.exec(rest)) !== null) attributes[match[1]!] = decodeEntities(match[3] ?? match[4] ?? '', this.currentLine);
      }
    }
    if (this.stack.length >= this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth}`, 'příliš hluboké vnoření elementů');
    this.rootSeen = true;
    this.handler.open(name, attributes, this.lineAt(start));
    if (selfClosing) this.handler.close(name);
    else this.stack.push(name);
  }
}
