/**
 * Reads one ISDOC 6.0.x invoice into a small element tree. An invoice is small, so the whole document is held in
 * memory, bounded by the caps below. DOCTYPE declarations are refused, so no entity (external or expanding) is
 * ever resolved: without one, only the five predefined XML entities exist.
 */
import { czechXmlReason } from '../../shared/xml-errors.ts';
import iconv from 'iconv-lite';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { AppError } from '../../errors.ts';

export const ISDOC_NAMESPACE = 'http://isdoc.cz/namespace/2013';
/** ISDOC 5.x, which this importer does not read. */
const OLD_ISDOC_NAMESPACE = 'http://isdoc.cz/namespace/invoice';

export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
/** ISDOC itself nests about eight levels; anything far deeper is an attack or garbage. */
const MAX_DEPTH = 64;
/** Bounds the tree's memory: a 20 MB file of empty tags would otherwise become millions of objects. */
const MAX_ELEMENTS = 500_000;
const MAX_TEXT = 1_000_000;

export interface IsdocElement {
  /** Local name; the namespace is kept apart, so prefixes never matter. */
  name: string;
  namespace: string;
  /** Attributes by local name, namespace declarations left out. */
  attributes: Record<string, string>;
  /** Trimmed text of a leaf; empty for elements with children (ISDOC has no mixed content). */
  text: string;
  children: IsdocElement[];
  line: number;
  /** Extensions and foreign-namespace elements (signatures): present in the tree, content not read. */
  opaque?: true;
}

export interface IsdocParse {
  root: IsdocElement;
  /** The encoding the bytes were decoded from, or 'string' when text was given. */
  encoding: string;
  /** The root's `version` attribute, e.g. "6.0.1". */
  version?: string;
}

function unreadable(czech: string, english: string): AppError {
  return new AppError('unreadable_input', czech, english);
}

/** Declared encodings we decode; the keys are lower-case names and aliases from XML prologs. */
const ENCODINGS: Record<string, string> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'us-ascii': 'utf-8',
  ascii: 'utf-8',
  'windows-1250': 'windows-1250',
  cp1250: 'windows-1250',
  'x-cp1250': 'windows-1250',
  'iso-8859-2': 'iso-8859-2',
  latin2: 'iso-8859-2',
  'windows-1252': 'windows-1252',
  'iso-8859-1': 'iso-8859-1',
};

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

function decodeStrict(bytes: Uint8Array, encoding: 'utf-8' | 'utf-16le' | 'utf-16be'): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw unreadable(
      `Soubor ISDOC obsahuje neplatné znaky ${encoding.toUpperCase()} (poškozené kódování).`,
      `invalid ${encoding} byte sequence in ISDOC document`,
    );
  }
}

function decode(bytes: Uint8Array): { text: string; encoding: string } {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    throw unreadable(
      'Soubor je archiv ZIP (zřejmě ISDOCX). Nahrajte prosím samotný soubor .isdoc, který archiv obsahuje.',
      'ZIP (ISDOCX) given where an ISDOC XML document was expected',
    );
  }
  // A byte order mark outranks the prolog, as the XML specification says.
  if (startsWith(bytes, [0xff, 0xfe])) return { text: decodeStrict(bytes, 'utf-16le'), encoding: 'utf-16le' };
  if (startsWith(bytes, [0xfe, 0xff])) return { text: decodeStrict(bytes, 'utf-16be'), encoding: 'utf-16be' };
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return { text: decodeStrict(bytes, 'utf-8'), encoding: 'utf-8' };
  // The prolog is ASCII in every encoding we accept, so reading it as latin1 is safe.
  const head = Buffer.from(bytes.subarray(0, 256)).toString('latin1');
  const declared = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([^"']+)["']/.exec(head)?.[1]?.trim().toLowerCase();
  const encoding = declared === undefined ? 'utf-8' : ENCODINGS[declared];
  if (encoding === undefined) {
    throw unreadable(
      `Kódování „${declared}“ uvedené v hlavičce XML není podporováno. Použijte UTF-8 nebo windows-1250.`,
      `unsupported declared XML encoding ${declared}`,
    );
  }
  if (encoding === 'utf-8') return { text: decodeStrict(bytes, 'utf-8'), encoding };
  return { text: iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding), encoding };
}

function checkRoot(name: string, namespace: string): void {
  if (name === 'Invoice' && namespace === ISDOC_NAMESPACE) return;
  if (namespace === OLD_ISDOC_NAMESPACE) {
    throw unreadable(
      'Soubor je ve starší verzi ISDOC (5.x). Načíst lze faktury ISDOC 6.0; vyexportujte ji prosím v novější verzi.',
      `ISDOC 5.x namespace ${namespace} is not supported`,
    );
  }
  if (name === 'Invoice') {
    throw unreadable(
      `Soubor není faktura ISDOC 6: element Invoice má jmenný prostor „${namespace || '(žádný)'}“ místo ${ISDOC_NAMESPACE}.`,
      `root Invoice in namespace "${namespace}", expected ${ISDOC_NAMESPACE}`,
    );
  }
  throw unreadable(`Soubor není faktura ISDOC: kořenový element je „${name}“, očekává se Invoice.`, `root element ${name} (${namespace}) is not an ISDOC Invoice`);
}

function attributesOf(tag: SaxesTagNS): Record<string, string> {
  const out: Record<string, string> = {};
  for (const attribute of Object.values(tag.attributes)) {
    if (attribute.prefix === 'xmlns' || attribute.name === 'xmlns') continue;
    out[attribute.local] = attribute.value;
  }
  return out;
}

function buildTree(text: string): IsdocElement {
  const parser = new SaxesParser({ xmlns: true, position: true });
  // null stands for an element inside an opaque one: counted for depth, never stored.
  const stack: Array<IsdocElement | null> = [];
  let root: IsdocElement | undefined;
  let count = 0;
  parser.on('doctype', () => {
    throw unreadable('Soubor XML obsahuje deklaraci DOCTYPE; z bezpečnostních důvodů se nezpracuje.', 'XML DOCTYPE refused');
  });
  parser.on('opentag', (tag) => {
    if (stack.length >= MAX_DEPTH) {
      throw unreadable(`Soubor XML je zanořený hlouběji než ${MAX_DEPTH} úrovní (řádek ${parser.line}).`, `XML nesting over ${MAX_DEPTH} at line ${parser.line}`);
    }
    const parent = stack[stack.length - 1];
    if (parent === null || parent?.opaque) {
      stack.push(null);
      return;
    }
    if (++count > MAX_ELEMENTS) {
      throw unreadable(`Soubor ISDOC má více než ${MAX_ELEMENTS} elementů.`, `ISDOC document over ${MAX_ELEMENTS} elements`);
    }
    const name = tag.local;
    const namespace = tag.uri;
    if (!parent) checkRoot(name, namespace);
    const element: IsdocElement = { name, namespace, attributes: attributesOf(tag), text: '', children: [], line: parser.line };
    if (namespace !== ISDOC_NAMESPACE || name === 'Extensions') element.opaque = true;
    if (parent) parent.children.push(element);
    else root = element;
    stack.push(element);
  });
  const onText = (value: string) => {
    const top = stack[stack.length - 1];
    if (!top || top.opaque) return;
    if (top.text.length + value.length > MAX_TEXT) {
      throw unreadable(`Element ${top.name} na řádku ${top.line} je delší než 1 MB.`, `XML text over 1 MB in ${top.name} at line ${top.line}`);
    }
    top.text += value;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const element = stack.pop();
    if (element) element.text = element.children.length > 0 ? '' : element.text.trim();
  });
  try {
    parser.write(text).close();
  } catch (error) {
    if (error instanceof AppError) throw error;
    const message = (error as Error).message;
    throw unreadable(`Soubor ISDOC není platný XML dokument (řádek ${parser.line}): ${czechXmlReason(message)}.`, `malformed ISDOC XML at line ${parser.line}: ${message}`);
  }
  if (!root) throw unreadable('Soubor ISDOC neobsahuje žádný element.', 'ISDOC document without a root element');
  return root;
}

export function parseIsdoc(xml: Uint8Array | string): IsdocParse {
  const size = typeof xml === 'string' ? xml.length : xml.byteLength;
  if (size > MAX_DOCUMENT_BYTES) {
    throw new AppError(
      'payload_too_large',
      `Soubor ISDOC je větší než ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB; tak velká faktura se nenačte.`,
      `ISDOC document of ${size} bytes over the ${MAX_DOCUMENT_BYTES} byte cap`,
    );
  }
  const { text, encoding } = typeof xml === 'string' ? { text: xml.replace(/^\uFEFF/, ''), encoding: 'string' } : decode(xml);
  const root = buildTree(text);
  return { root, encoding, version: root.attributes.version };
}

/** Lets the pure steps take either the parse result or its root element. */
export function rootOf(tree: IsdocElement | IsdocParse): IsdocElement {
  return 'root' in tree ? tree.root : tree;
}

/** ISDOC-namespace children called `name`. */
export function childrenNamed(element: IsdocElement, name: string): IsdocElement[] {
  return element.children.filter((child) => child.name === name && child.namespace === ISDOC_NAMESPACE);
}

/** The first element along a slash path of local names, e.g. 'LegalMonetaryTotal/TaxExclusiveAmount'. */
export function elementAt(element: IsdocElement, path: string): IsdocElement | undefined {
  let current: IsdocElement | undefined = element;
  for (const name of path.split('/')) {
    current = current.children.find((child) => child.name === name && child.namespace === ISDOC_NAMESPACE);
    if (!current) return undefined;
  }
  return current;
}

/** The text at a path, or undefined when the element is absent or empty. */
export function textAt(element: IsdocElement, path: string): string | undefined {
  const text = elementAt(element, path)?.text;
  return text ? text : undefined;
}
