/**
 * Reads the first worksheet of an XLSX workbook into rows of strings, as a person sees them in Excel: numbers without
 * float noise, dates as `YYYY-MM-DD`, booleans as `true`/`false`. The archive goes through the safe ZIP reader and
 * every XML part refuses DOCTYPE, so no entity is ever expanded or fetched.
 */
import { czechXmlReason } from './xml-errors.ts';
import { SaxesParser } from 'saxes';
import { AppError } from '../errors.ts';
import { looksLikeZip, openZip, type ZipEntry, type ZipLimits } from './zip.ts';

export interface SheetRow {
  /** The row number Excel shows, 1-based. */
  line: number;
  /** By column index; missing cells are '' and trailing empty cells are dropped. */
  cells: string[];
}

export interface XlsxLimits {
  /** Non-empty rows; default 1 048 576. */
  maxRows?: number;
  /** Default 1000. */
  maxColumns?: number;
  /** Characters in one cell; default 32 767 (Excel's own limit). */
  maxCellLength?: number;
}

const DEFAULTS: Required<XlsxLimits> = { maxRows: 1_048_576, maxColumns: 1000, maxCellLength: 32_767 };
const CHUNK = 1024 * 1024;
// Built-in number formats that Excel displays as dates or times (ECMA-376 part 1, 18.8.30).
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);
const LAST_SERIAL = 2_958_465; // 9999-12-31

function fail(message: string, logMessage: string): never {
  throw new AppError('unreadable_input', message, `xlsx: ${logMessage}`);
}

type Parts = Map<string, ZipEntry>;

interface XmlHandlers {
  open?(name: string, attributes: Record<string, string>): void;
  close?(name: string): void;
  text?(text: string): void;
}

function parseXml(entry: ZipEntry, handlers: XmlHandlers): void {
  const parser = new SaxesParser();
  const local = (name: string) => name.slice(name.indexOf(':') + 1);
  parser.on('doctype', () =>
    fail(`Sešit XLSX obsahuje v části „${entry.name}“ deklaraci DOCTYPE; z bezpečnostních důvodů se nezpracuje.`, `DOCTYPE in ${entry.name}`),
  );
  parser.on('opentag', (tag) => handlers.open?.(local(tag.name), tag.attributes));
  parser.on('closetag', (tag) => handlers.close?.(local(tag.name)));
  parser.on('text', (text) => handlers.text?.(text));
  parser.on('cdata', (text) => handlers.text?.(text));
  const data = entry.read();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    // Fed in pieces so a large sheet never exists as one huge string.
    for (let offset = 0; offset < data.length; offset += CHUNK) parser.write(decoder.decode(data.subarray(offset, offset + CHUNK), { stream: true }));
    parser.write(decoder.decode());
    parser.close();
  } catch (error) {
    if (error instanceof AppError) throw error;
    const message = (error as Error).message;
    fail(`Část sešitu „${entry.name}“ nelze přečíst: ${czechXmlReason(message)}.`, `malformed ${entry.name}: ${message}`);
  }
}

/** Relationships of a part, with targets resolved to archive paths (lower case, as `parts` is keyed). */
function relationships(parts: Parts, partPath: string): Array<{ id: string; type: string; target: string }> {
  const slash = partPath.lastIndexOf('/') + 1;
  const entry = parts.get(`${partPath.slice(0, slash)}_rels/${partPath.slice(slash)}.rels`);
  const result: Array<{ id: string; type: string; target: string }> = [];
  if (!entry) return result;
  parseXml(entry, {
    open(name, attributes) {
      if (name !== 'Relationship' || attributes.TargetMode === 'External' || !attributes.Target) return;
      const segments = attributes.Target.startsWith('/') ? [] : partPath.slice(0, slash).split('/').filter(Boolean);
      for (const segment of attributes.Target.split('/')) {
        if (segment === '..') segments.pop();
        else if (segment && segment !== '.') segments.push(segment);
      }
      result.push({ id: attributes.Id ?? '', type: attributes.Type ?? '', target: segments.join('/').toLowerCase() });
    },
  });
  return result;
}

/** Appends XML text to a value, refusing it as soon as it grows past the limit (so nothing grows unbounded). */
function appender(maxLength: number, where: () => string): (value: string, text: string) => string {
  return (value, text) => {
    if (value.length + text.length > maxLength) fail(`${where()} je delší než ${maxLength} znaků.`, `text over ${maxLength} characters`);
    return value + text;
  };
}

/** Strings with rich-text runs (`<r><t>`) are concatenated; phonetic guides (`<rPh>`) are not part of the text. */
function richText(append: (value: string, text: string) => string) {
  let value = '';
  let inText = false;
  let phonetic = 0;
  return {
    open(name: string) {
      if (name === 'rPh') phonetic++;
      else if (name === 't' && phonetic === 0) inText = true;
    },
    close(name: string) {
      if (name === 'rPh') phonetic--;
      else if (name === 't') inText = false;
    },
    text(text: string) {
      if (inText) value = append(value, text);
    },
    take(): string {
      const result = unescapeXstring(value);
      value = '';
      return result;
    },
  };
}

/** OOXML writes characters XML cannot carry (and literal `_xHHHH_` text) as `_xHHHH_`. */
function unescapeXstring(value: string): string {
  return value.includes('_x') ? value.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : value;
}

function readSharedStrings(entry: ZipEntry | undefined, maxLength: number): string[] {
  const strings: string[] = [];
  if (!entry) return strings;
  const text = richText(appender(maxLength, () => `Sdílený text č. ${strings.length + 1}`));
  parseXml(entry, {
    open: (name) => text.open(name),
    close(name) {
      if (name === 'si') strings.push(text.take());
      else text.close(name);
    },
    text: (value) => text.text(value),
  });
  return strings;
}

/** Date codes (d, m, y, also h and s of times share the rule) count only outside quoted text, brackets and escapes. */
export function isDateFormat(code: string): boolean {
  const bare = code.replace(/"[^"]*"|\[[^\]]*\]|\\.|[_*]./g, '');
  return /[dmy]/i.test(bare) && !/[0#?]/.test(bare);
}

/** For each cell style index: is it a date? */
function readDateStyles(entry: ZipEntry | undefined): boolean[] {
  const custom = new Map<number, string>();
  const formats: number[] = [];
  if (!entry) return [];
  let inCellXfs = false;
  parseXml(entry, {
    open(name, attributes) {
      if (name === 'numFmt') custom.set(Number(attributes.numFmtId), attributes.formatCode ?? '');
      else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) formats.push(Number(attributes.numFmtId ?? 0));
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false;
    },
  });
  return formats.map((id) => (custom.has(id) ? isDateFormat(custom.get(id)!) : BUILTIN_DATE_FORMATS.has(id)));
}

/** Serial day numbers to ISO dates; Excel's 1900 system counts the non-existent 1900-02-29 as day 60. */
export function serialToDate(serial: number, date1904: boolean): string | null {
  if (serial < 0 || serial >= LAST_SERIAL + 1) return null;
  // Rounded to the second first, so 23:59:59.9999 stored as float noise does not fall back a day.
  const days = Math.floor(Math.round(serial * 86_400) / 86_400);
  if (!date1904 && days === 60) return '1900-02-29';
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, days < 60 ? 31 : 30);
  return new Date(epoch + days * 86_400_000).toISOString().slice(0, 10);
}

/** Excel keeps 15 significant digits; anything beyond is binary float noise. Never exponent notation. */
export function formatNumber(value: number): string {
  const text = String(Number(value.toPrecision(15)));
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, first, rest = '', exponentText] = match;
  const digits = first! + rest;
  const exponent = Number(exponentText);
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  return sign + (digits.length > exponent + 1 ? `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}` : digits.padEnd(exponent + 1, '0'));
}

function columnIndex(ref: string): number {
  const letters = /^([A-Za-z]{1,3})\d*$/.exec(ref)?.[1];
  if (!letters) fail(`Sešit XLSX obsahuje neplatný odkaz na buňku „${ref.slice(0, 20)}“.`, `bad cell reference ${JSON.stringify(ref.slice(0, 20))}`);
  return [...letters.toUpperCase()].reduce((index, letter) => index * 26 + letter.charCodeAt(0) - 64, 0) - 1;
}

function columnName(index: number): string {
  let name = '';
  for (let rest = index + 1; rest > 0; rest = Math.floor((rest - 1) / 26)) name = String.fromCharCode(65 + ((rest - 1) % 26)) + name;
  return name;
}

export function readXlsx(bytes: Uint8Array, limits: XlsxLimits & ZipLimits = {}): { sheetName: string; rows: SheetRow[] } {
  const { maxRows, maxColumns, maxCellLength } = { ...DEFAULTS, ...limits };
  if (!looksLikeZip(bytes)) fail('Soubor není sešit XLSX (není to archiv ZIP).', 'not a ZIP archive');
  const parts: Parts = new Map(openZip(bytes, limits).map((entry) => [entry.name.toLowerCase(), entry]));
  const workbookPath = relationships(parts, '').find((rel) => rel.type.endsWith('/officeDocument'))?.target ?? 'xl/workbook.xml';
  const workbook = parts.get(workbookPath);
  if (!workbook) fail(`Soubor není sešit XLSX (chybí ${workbookPath}).`, `missing ${workbookPath}`);

  const sheets: Array<{ name: string; id: string }> = [];
  let date1904 = false;
  parseXml(workbook, {
    open(name, attributes) {
      if (name === 'workbookPr') date1904 = attributes.date1904 === '1' || attributes.date1904 === 'true';
      if (name !== 'sheet') return;
      // The relationship id attribute is namespaced, and its prefix is whatever the writer chose.
      const idKey = Object.keys(attributes).find((key) => key.endsWith(':id'));
      sheets.push({ name: attributes.name ?? '', id: idKey ? attributes[idKey]! : '' });
    },
  });
  const first = sheets[0];
  if (!first) fail('Sešit XLSX neobsahuje žádný list.', 'workbook without sheets');
  const rels = relationships(parts, workbookPath);
  const partOf = (suffix: string, fallback: string) => parts.get(rels.find((rel) => rel.type.endsWith(suffix))?.target ?? fallback);
  const sheet = parts.get(rels.find((rel) => rel.id === first.id)?.target ?? '');
  if (!sheet) fail(`List „${first.name}“ v sešitu XLSX chybí.`, `sheet ${JSON.stringify(first.name)} missing`);
  const shared = readSharedStrings(partOf('/sharedStrings', 'xl/sharedstrings.xml'), maxCellLength);
  const dateStyles = readDateStyles(partOf('/styles', 'xl/styles.xml'));

  const rows: SheetRow[] = [];
  let row: SheetRow = { line: 0, cells: [] };
  let cell = { ref: '', column: -1, type: '', style: 0, value: '' };
  let inValue = false;
  const append = appender(maxCellLength, () => `Buňka ${cell.ref}`);
  const inline = richText(append);

  const cellText = (): string => {
    const raw = cell.value;
    switch (cell.type) {
      case 's': {
        const text = shared[Number(raw.trim())];
        if (text === undefined) fail(`Buňka ${cell.ref} odkazuje na neexistující sdílený text.`, `missing shared string ${raw.trim()}`);
        return text;
      }
      case 'inlineStr':
        return inline.take() || unescapeXstring(raw);
      case 'str':
        return unescapeXstring(raw);
      case 'b':
        return raw.trim() === '1' ? 'true' : raw.trim() === '0' ? 'false' : raw.trim();
      case 'd':
        return /^\d{4}-\d{2}-\d{2}/.test(raw.trim()) ? raw.trim().slice(0, 10) : raw.trim();
      case 'e':
        return raw.trim();
    }
    const number = Number(raw.trim());
    if (raw.trim() === '' || !Number.isFinite(number)) return raw.trim();
    return (dateStyles[cell.style] && serialToDate(number, date1904)) || formatNumber(number);
  };

  parseXml(sheet, {
    open(name, attributes) {
      if (name === 'row') {
        const line = attributes.r === undefined ? row.line + 1 : Number(attributes.r);
        if (!Number.isInteger(line) || line < 1) fail(`Sešit XLSX obsahuje neplatné číslo řádku „${String(attributes.r).slice(0, 20)}“.`, 'bad row number');
        row = { line, cells: [] };
        cell.column = -1;
      } else if (name === 'c') {
        const column = attributes.r === undefined ? cell.column + 1 : columnIndex(attributes.r);
        cell = { ref: attributes.r ?? `${columnName(column)}${row.line}`, column, type: attributes.t ?? 'n', style: Number(attributes.s ?? 0), value: '' };
        inline.take();
      } else if (name === 'v') inValue = true;
      else inline.open(name);
    },
    text(text) {
      if (inValue) cell.value = append(cell.value, text);
      else inline.text(text);
    },
    close(name) {
      if (name === 'v') inValue = false;
      else if (name === 'c') {
        const text = cellText();
        if (text === '') return;
        if (cell.column >= maxColumns) fail(`Buňka ${cell.ref} leží za posledním povoleným sloupcem (nejvýše ${maxColumns} sloupců).`, `column ${cell.column + 1} over ${maxColumns}`);
        while (row.cells.length < cell.column) row.cells.push('');
        row.cells[cell.column] = text;
      } else if (name === 'row') {
        if (row.cells.length === 0) return;
        if (rows.length === maxRows) fail(`Sešit má příliš mnoho řádků (nejvýše ${maxRows}).`, `more than ${maxRows} rows`);
        rows.push(row);
      } else inline.close(name);
    },
  });
  return { sheetName: first.name, rows };
}
