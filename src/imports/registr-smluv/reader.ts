/**
 * Streams `zaznam` elements of a contract register dump (schema 1.2 up to 1.6) with a SAX parser at constant
 * memory. DOCTYPE declarations are refused, so no entity (external or expanding) is ever resolved.
 */
import { createGunzip } from 'node:zlib';
import { SaxesParser } from 'saxes';
import { AppError } from '../../errors.ts';
import type { RegisterEntry } from './mapping.ts';

const MAX_TEXT = 1_000_000;

export interface DumpHeader {
  year?: string;
  month?: string;
  day?: string;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

export async function* readRegisterDump(source: AsyncIterable<Uint8Array>, options: { gzip?: boolean } = {}): AsyncGenerator<RegisterEntry> {
  // Namespace processing is off: it cost a fifth of the parse, and the dump's elements are identified by their
  // local names (a prefix, where a producer uses one, is dropped).
  const parser = new SaxesParser({ position: true });
  const pending: RegisterEntry[] = [];
  const path: string[] = [];
  let entry: RegisterEntry | null = null;
  let party: Record<string, string> | null = null;
  let attachment: Record<string, string> | null = null;
  let text = '';
  parser.on('doctype', () => {
    throw new AppError('unreadable_input', 'Soubor XML obsahuje deklaraci DOCTYPE; z bezpečnostních důvodů se nezpracuje.', 'XML DOCTYPE refused');
  });
  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    path.push(name);
    text = '';
    if (name === 'zaznam') entry = { line: parser.line, subjekt: {}, smlouva: {}, smluvniStrany: [], prilohy: [] };
    else if (entry && name === 'smluvniStrana') party = {};
    else if (entry && name === 'priloha') attachment = {};
    else if (entry && name === 'ciziMena') entry.ciziMena = {};
    else if (attachment && name === 'hash') {
      const algorithm = tag.attributes.algoritmus;
      attachment.hashAlgoritmus = typeof algorithm === 'string' ? algorithm.toLowerCase() : '';
    }
  });
  parser.on('text', (value) => {
    if (text.length + value.length > MAX_TEXT) {
      throw new AppError('unreadable_input', `Element na řádku ${parser.line} je delší než 1 MB.`, `XML text over 1 MB at line ${parser.line}`);
    }
    text += value;
  });
  parser.on('closetag', (tag) => {
    const name = localName(tag.name);
    path.pop();
    const parent = path[path.length - 1];
    const value = text.trim();
    text = '';
    if (!entry) return;
    if (name === 'zaznam') {
      pending.push(entry);
      entry = null;
    } else if (name === 'smluvniStrana') {
      if (party) entry.smluvniStrany.push(party);
      party = null;
    } else if (name === 'priloha') {
      if (attachment) entry.prilohy.push(attachment);
      attachment = null;
    } else if (party && parent === 'smluvniStrana') party[name] = value;
    else if (attachment && parent === 'priloha') attachment[name] = value;
    else if (parent === 'subjekt') entry.subjekt[name] = value;
    else if (parent === 'smlouva') entry.smlouva[name] = value;
    else if (parent === 'ciziMena' && entry.ciziMena) (entry.ciziMena as Record<string, string>)[name] = value;
    else if (parent === 'identifikator' && (name === 'idSmlouvy' || name === 'idVerze')) entry[name] = value;
    else if (parent === 'zaznam' && (name === 'odkaz' || name === 'casZverejneni' || name === 'platnyZaznam')) entry[name] = value;
  });

  const input = options.gzip ? gunzip(source) : source;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of input) {
      parser.write(decoder.decode(chunk, { stream: true }));
      yield* pending.splice(0);
    }
    parser.write(decoder.decode());
    parser.close();
  } catch (error) {
    if (error instanceof AppError) throw error;
    const message = (error as Error).message;
    throw new AppError('unreadable_input', `Soubor registru smluv nelze přečíst (řádek ${parser.line}): ${message}`, `malformed register dump at line ${parser.line}: ${message}`);
  }
  yield* pending.splice(0);
}

async function* gunzip(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const stream = createGunzip();
  const pump = (async () => {
    try {
      for await (const chunk of source) if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve));
      stream.end();
    } catch (error) {
      stream.destroy(error as Error);
    }
  })();
  try {
    for await (const chunk of stream) yield chunk as Uint8Array;
  } catch (error) {
    throw new AppError('unreadable_input', 'Soubor .gz je poškozený nebo neúplný.', `gzip: ${(error as Error).message}`);
  }
  await pump;
}
