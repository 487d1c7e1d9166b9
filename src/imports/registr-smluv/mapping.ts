/**
 * Pure mapping of one `zaznam` of the national contract register (Registr smluv) dump to a contract of the
 * standard. The register's quirks, handled here:
 *  - `subjekt.platce` 1 means the publisher pays; `smluvniStrana.prijemce` 1 means that party receives;
 *  - `hodnotaBezDph` and `hodnotaVcetneDph` may both be present and are never added;
 *  - `ico` is free text: spaces, short numbers, foreign VAT ids, birth numbers. The value is kept as given
 *    (the standard's validation normalises, warns, and hides birth numbers); foreign ids go to zahranicniId.
 */
import { normalizeCzechDecimal } from '../../shared/money.ts';

/** A `zaznam` as read from XML: element paths to text, repeated elements as lists. */
export interface RegisterEntry {
  line: number;
  idSmlouvy?: string;
  idVerze?: string;
  odkaz?: string;
  casZverejneni?: string;
  platnyZaznam?: string;
  znepristupnitPredchoziZaznam?: string;
  subjekt: Record<string, string>;
  smlouva: Record<string, string>;
  smluvniStrany: Array<Record<string, string>>;
  prilohy: Array<Record<string, string>>;
  ciziMena?: { hodnota?: string; mena?: string };
}

export interface RegisterPublisher {
  ico?: string;
  dataBox?: string;
  name: string;
  address?: string;
}

const MEDIA_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  odt: 'application/vnd.oasis.opendocument.text',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  rtf: 'application/rtf',
  txt: 'text/plain',
  htm: 'text/html',
  html: 'text/html',
  xml: 'application/xml',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  zip: 'application/zip',
};

function mediaTypeOf(fileName: string): string | undefined {
  const extension = /\.([a-z0-9]{2,5})$/i.exec(fileName)?.[1]?.toLowerCase();
  return extension ? MEDIA_TYPES[extension] : undefined;
}

function amount(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  // The register writes a decimal point; a comma or spaces appear in old records. Invalid values stay as they
  // are, so that validation rejects the record with a reason instead of silently dropping the price.
  return normalizeCzechDecimal(raw.replace('.', ',')) ?? raw.trim();
}

function identifiers(rawIco: string | undefined): { ico?: string; zahranicniId?: string } {
  const value = rawIco?.trim();
  if (!value) return {};
  if (/^[A-Z]{2}[A-Z0-9]{2,14}$/i.test(value.replace(/\s/g, '')) && !/^\d/.test(value)) return { zahranicniId: value };
  return { ico: value };
}

export function publisherOf(entry: RegisterEntry): RegisterPublisher {
  return {
    ico: entry.subjekt.ico?.trim() || undefined,
    dataBox: entry.subjekt.datovaSchranka?.trim() || undefined,
    name: entry.subjekt.nazev?.trim() || 'neuvedeno',
    address: entry.subjekt.adresa?.trim() || undefined,
  };
}

function notes(entry: RegisterEntry, linkedContract: string | undefined): string | undefined {
  const parts: string[] = [];
  const link = entry.smlouva.navazanyZaznam?.trim();
  if (link && !linkedContract) parts.push(`Navazuje na záznam registru smluv s ID verze ${link}.`);
  if (entry.znepristupnitPredchoziZaznam === '1' || entry.znepristupnitPredchoziZaznam === 'true') parts.push('V registru smluv byla předchozí verze této smlouvy znepřístupněna.');
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** The contract of the standard for one register entry (validation comes after, as for any input). */
/**
 * `linkedContract` is the idSmlouvy of the version that `navazanyZaznam` names, when the import has seen it.
 * Otherwise the link is kept in words, since the standard's amendment link names a contract, not a version.
 */
export function contractOf(entry: RegisterEntry, linkedContract?: string): Record<string, unknown> {
  const publisherPays = entry.subjekt.platce === undefined ? undefined : entry.subjekt.platce === '1';
  const strany = entry.smluvniStrany.map((party) => {
    const role = party.prijemce === '1' ? 'prijemce' : publisherPays === true ? 'prijemce' : publisherPays === false ? 'platce' : undefined;
    // Schema 1.6 adds `identifikace` for parties without an IČO (foreign registration numbers).
    const ids = identifiers(party.ico);
    const other = party.identifikace?.trim();
    return {
      nazev: party.nazev?.trim() || 'neuvedeno',
      ...ids,
      ...(other && !ids.ico && !ids.zahranicniId ? { zahranicniId: other } : {}),
      datovaSchranka: party.datovaSchranka?.trim() || undefined,
      adresa: party.adresa?.trim() || undefined,
      role,
    };
  });
  const prilohy = entry.prilohy.map((attachment) => ({
    nazev: attachment.nazevSouboru?.trim() || 'příloha',
    typMedia: mediaTypeOf(attachment.nazevSouboru ?? ''),
    sha256: attachment.hashAlgoritmus === 'sha256' ? attachment.hash?.trim() : undefined,
    url: attachment.odkaz?.trim() || undefined,
  }));
  const withoutVat = amount(entry.smlouva.hodnotaBezDph);
  const withVat = amount(entry.smlouva.hodnotaVcetneDph);
  const foreign = entry.ciziMena?.hodnota !== undefined && withoutVat === undefined && withVat === undefined;
  const priceHidden = entry.smlouva.cenaNeuvedena === '1' || entry.smlouva.cenaNeuvedena === 'true';
  return {
    typ: 'smlouva',
    id: entry.idSmlouvy,
    predmet: entry.smlouva.predmet?.trim(),
    cisloSmlouvy: entry.smlouva.cisloSmlouvy?.trim() || undefined,
    datumUzavreni: entry.smlouva.datumUzavreni?.trim(),
    dodatekKSmlouve: linkedContract,
    registrSmluvIdSmlouvy: entry.idSmlouvy,
    registrSmluvIdVerze: entry.idVerze,
    // A foreign-currency value (ciziMena) does not say whether it includes VAT; it is taken as the total.
    hodnotaBezDph: foreign ? undefined : withoutVat,
    hodnotaVcetneDph: foreign ? amount(entry.ciziMena?.hodnota) : withVat,
    mena: foreign ? entry.ciziMena?.mena?.trim().toUpperCase() : 'CZK',
    cenaNeuvedena: priceHidden || undefined,
    duvodNeuvedeniCeny: priceHidden ? 'cena neuvedena v registru smluv' : undefined,
    odkaz: entry.odkaz?.trim() || undefined,
    // Schema 1.6: the publisher asked the register to hide the previous version. Versions here are never rewritten,
    // so the request is recorded with this version.
    poznamka: notes(entry, linkedContract),
    datumZverejneni: entry.casZverejneni?.slice(0, 10),
    strany: strany.length > 0 ? strany : undefined,
    prilohy: prilohy.length > 0 ? prilohy : undefined,
  };
}
