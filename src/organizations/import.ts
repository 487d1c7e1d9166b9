/**
 * Reading organisations from the register of public authorities (Seznam OVM XML) and from a plain CSV
 * (`ico;nazev;druh;kodObce;datovaSchranka;pocetObyvatel;icoNadrizene`). Parsers yield rows; the service stores them.
 */
import { czechXmlReason } from '../shared/xml-errors.ts';
import { SaxesParser } from 'saxes';
import { AppError } from '../errors.ts';
import { CsvParser, detectDelimiter } from '../shared/csv.ts';
import { decodeText } from '../shared/decode.ts';
import { cleanOvmName, kindFromOvm } from './rules.ts';
import type { OrganizationInput } from './service.ts';

export type OrganizationSourceRow = { line: number; input: OrganizationInput } | { line: number; error: string };

const CSV_COLUMNS = ['ico', 'nazev', 'druh', 'kodObce', 'datovaSchranka', 'pocetObyvatel', 'icoNadrizene'] as const;

export async function* readOrganizationCsv(source: AsyncIterable<Uint8Array> | Uint8Array): AsyncGenerator<OrganizationSourceRow> {
  const { chunks } = await decodeText(source);
  let parser: CsvParser | undefined;
  let header: string[] | undefined;
  let buffered = '';
  const rowsOf = function* (rows: Array<{ line: number; fields: string[] }>): Generator<OrganizationSourceRow> {
    for (const row of rows) {
      if (!header) {
        header = row.fields.map((field) => field.trim().replace(/^\uFEFF/, ''));
        const missing = ['ico', 'nazev', 'druh'].filter((column) => !header!.includes(column));
        if (missing.length > 0) {
          throw new AppError('unreadable_input', `V hlavičce CSV chybí sloupce: ${missing.join(', ')}. Očekávané sloupce: ${CSV_COLUMNS.join(';')}.`, `organization CSV header lacks ${missing.join(',')}`);
        }
        continue;
      }
      const value = (column: (typeof CSV_COLUMNS)[number]) => {
        const index = header!.indexOf(column);
        return index >= 0 ? (row.fields[index] ?? '').trim() : '';
      };
      const populationText = value('pocetObyvatel').replace(/\s/g, '');
      const population = populationText === '' ? null : Number(populationText);
      if (population !== null && !Number.isInteger(population)) {
        yield { line: row.line, error: `pocetObyvatel: „${value('pocetObyvatel')}“ není celé číslo` };
        continue;
      }
      yield {
        line: row.line,
        input: {
          ico: value('ico'),
          name: value('nazev'),
          kind: value('druh'),
          ruianCode: value('kodObce') || null,
          dataBox: value('datovaSchranka') || null,
          population,
          parentIco: value('icoNadrizene') || null,
        },
      };
    }
  };
  for await (const chunk of chunks) {
    if (!parser) {
      buffered += chunk;
      const newline = buffered.search(/\r?\n/);
      if (newline < 0 && buffered.length < 65536) continue;
      parser = new CsvParser(detectDelimiter(buffered.slice(0, newline < 0 ? undefined : newline)));
      yield* rowsOf(parser.push(buffered));
      buffered = '';
      continue;
    }
    yield* rowsOf(parser.push(chunk));
  }
  if (!parser && buffered) {
    parser = new CsvParser(detectDelimiter(buffered));
    yield* rowsOf(parser.push(buffered));
  }
  if (parser) yield* rowsOf(parser.end());
}

/** Streams `Subjekt` elements of a Seznam OVM file. saxes does not resolve external entities. */
export async function* readOvmXml(source: AsyncIterable<Uint8Array>): AsyncGenerator<OrganizationSourceRow> {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const pending: OrganizationSourceRow[] = [];
  const path: string[] = [];
  let current: Record<string, string> | null = null;
  let currentLine = 0;
  let text = '';
  let legalFormCode: string | undefined;
  parser.on('doctype', () => {
    throw new AppError('unreadable_input', 'Soubor XML obsahuje deklaraci DOCTYPE, která není povolena.', 'XML DOCTYPE refused');
  });
  parser.on('opentag', (tag) => {
    const name = tag.name.replace(/^.*:/, '');
    path.push(name);
    text = '';
    if (name === 'Subjekt') {
      current = {};
      currentLine = parser.line;
      legalFormCode = undefined;
    }
    if (current && name === 'PravniForma') legalFormCode = String(tag.attributes.type ?? '');
  });
  parser.on('text', (value) => {
    text += value;
  });
  parser.on('closetag', (tag) => {
    const name = tag.name.replace(/^.*:/, '');
    path.pop();
    if (!current) return;
    if (name === 'Subjekt') {
      const record = current;
      current = null;
      if (!record.ICO) {
        pending.push({ line: currentLine, error: `Subjekt „${record.Nazev ?? '?'}“ nemá IČO` });
        return;
      }
      pending.push({
        line: currentLine,
        input: {
          ico: record.ICO,
          name: cleanOvmName(record.Nazev ?? ''),
          kind: kindFromOvm(legalFormCode, record.TypSubjektu),
          ruianCode: record.ObecKod && (legalFormCode === '801' || legalFormCode === '811') ? record.ObecKod : null,
          dataBox: record.IdDS || null,
          population: null,
          parentIco: null,
        },
      });
      return;
    }
    const parent = path[path.length - 1];
    if (parent === 'Subjekt' || parent === 'AdresaUradu') current[name] = text.trim();
  });
  const { chunks } = await decodeText(source);
  for await (const chunk of chunks) {
    try {
      parser.write(chunk);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('unreadable_input', `Soubor XML je poškozený: ${czechXmlReason((error as Error).message)}.`, `malformed XML: ${(error as Error).message}`);
    }
    yield* pending.splice(0);
  }
  try {
    parser.close();
  } catch (error) {
    throw new AppError('unreadable_input', `Soubor XML je neúplný nebo poškozený: ${czechXmlReason((error as Error).message)}.`, `truncated XML: ${(error as Error).message}`);
  }
  yield* pending.splice(0);
}
