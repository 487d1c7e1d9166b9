/**
 * Streams `zaznam` elements of a contract register dump (schema 1.2 up to 1.6) at constant memory, with the
 * streaming XML reader of shared/xml-stream.ts (measured 2.5 times faster than saxes on a dump, which decides the
 * speed of the whole import). DOCTYPE declarations are refused, so no entity is ever declared or resolved.
 */
import { createGunzip } from 'node:zlib';
import { AppError } from '../../errors.ts';
import { XmlStreamError, XmlStreamReader } from '../../shared/xml-stream.ts';
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

/** localName, remembered per name: the reader hands out one copy of each name, so the lookup is by identity. */
function localNames(): (name: string) => string {
  const known = new Map<string, string>();
  return (name) => {
    let local = known.get(name);
    if (local === undefined) {
      local = localName(name);
      if (known.size < 10_000) known.set(name, local);
    }
    return local;
  };
}

export async function* readRegisterDump(source: AsyncIterable<Uint8Array>, options: { gzip?: boolean } = {}): AsyncGenerator<RegisterEntry> {
  // Elements are identified by their local names (a prefix, where a producer uses one, is dropped).
  const pending: RegisterEntry[] = [];
  const path: string[] = [];
  let entry: RegisterEntry | null = null;
  let party: Record<string, string> | null = null;
  let attachment: Record<string, string> | null = null;
  let text = '';
  const localNameOf = localNames();
  const open = (tagName: string, attributes: Record<string, string>, line: number) => {
    const name = localNameOf(tagName);
    path.push(name);
    text = '';
    if (name === 'zaznam') entry = { line, subjekt: {}, smlouva: {}, smluvniStrany: [], prilohy: [] };
    else if (entry && name === 'smluvniStrana') party = {};
    else if (entry && name === 'priloha') attachment = {};
    else if (entry && name === 'ciziMena') entry.ciziMena = {};
    else if (attachment && name === 'hash') {
      attachment.hashAlgoritmus = (attributes.algoritmus ?? '').toLowerCase();
    }
  };
  const close = (tagName: string) => {
    const name = localNameOf(tagName);
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
    else if ((parent === 'zaznam' || parent === 'smlouva') && name === 'znepristupnitPredchoziZaznam') entry[name] = value;
    else if (parent === 'smlouva') entry.smlouva[name] = value;
    else if (parent === 'ciziMena' && entry.ciziMena) (entry.ciziMena as Record<string, string>)[name] = value;
    else if (parent === 'identifikator' && (name === 'idSmlouvy' || name === 'idVerze')) entry[name] = value;
    else if (parent === 'zaznam' && (name === 'odkaz' || name === 'casZverejneni' || name === 'platnyZaznam')) entry[name] = value;
  };
  const parser = new XmlStreamReader(
    {
      open,
      close,
      text: (value) => {
        text += value;
      },
    },
    { maxTextLength: MAX_TEXT },
  );

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
    if (error instanceof TypeError && /decode|encoded data/i.test(error.message)) {
      throw new AppError('unreadable_input', 'Soubor registru smluv není v kódování UTF-8.', `register dump is not valid UTF-8: ${error.message}`);
    }
    // A read error of the disk or stream is not the file's fault; it stays what it is.
    if (!(error instanceof XmlStreamError)) throw error;
    if (error.message.startsWith('DOCTYPE')) {
      throw new AppError('unreadable_input', 'Soubor XML obsahuje deklaraci DOCTYPE; z bezpečnostních důvodů se nezpracuje.', 'XML DOCTYPE refused');
    }
    throw new AppError('unreadable_input', `Soubor registru smluv nelze přečíst (řádek ${error.line}): ${error.czech}.`, `malformed register dump at line ${error.line}: ${error.message}`);
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
