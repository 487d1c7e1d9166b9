/**
 * Columns of clerks' spreadsheets: a header is the standard's own column (`hodnotaBezDph`, `strany.1.ico`),
 * its Czech title from the standard (`Hodnota bez DPH`), or a common alias (`IČ`, `Předmět smlouvy`,
 * `Cena bez DPH`). Matching ignores case, diacritics and punctuation. Pure.
 */
import { fieldsOf } from '../../standard/fields.ts';
import { RECORD_TYPES, type RecordType } from '../../standard/schema.ts';
import { planHeaders } from '../../standard/flat.ts';
import { foldText } from '../../shared/text.ts';

/** The column the rejected-rows file adds; it is ignored when that file comes back fixed. */
export const REJECTION_COLUMN = 'Důvod odmítnutí';

/** Aliases seen in town-hall exports, folded, mapped to the standard's CSV columns. */
const ALIASES: Record<string, string> = {
  'typ zaznamu': 'typ',
  druh: 'typ',
  'druh zaznamu': 'typ',
  identifikator: 'id',
  'id zaznamu': 'id',
  'evidencni cislo': 'id',
  'interni cislo': 'id',
  'predmet smlouvy': 'predmet',
  'predmet objednavky': 'predmet',
  'predmet faktury': 'predmet',
  'predmet plneni': 'predmet',
  popis: 'predmet',
  'popis plneni': 'predmet',
  'cislo smlouvy': 'cisloSmlouvy',
  'cislo objednavky': 'cisloObjednavky',
  'cislo faktury': 'cisloFaktury',
  'cislo dokladu': 'cisloFaktury',
  vs: 'variabilniSymbol',
  'var symbol': 'variabilniSymbol',
  'datum uzavreni smlouvy': 'datumUzavreni',
  'datum podpisu': 'datumUzavreni',
  'uzavreno dne': 'datumUzavreni',
  'datum objednani': 'datumVystaveni',
  'datum vystaveni faktury': 'datumVystaveni',
  duzp: 'datumUzp',
  'datum zdanitelneho plneni': 'datumUzp',
  splatnost: 'datumSplatnosti',
  'datum zaplaceni': 'datumUhrady',
  'uhrazeno dne': 'datumUhrady',
  'platnost do': 'platnostDo',
  'ucinnost od': 'platnostOd',
  'cena bez dph': 'hodnotaBezDph',
  'castka bez dph': 'hodnotaBezDph',
  'hodnota bez dph kc': 'hodnotaBezDph',
  'cena bez dph kc': 'hodnotaBezDph',
  'cena s dph': 'hodnotaVcetneDph',
  'cena vcetne dph': 'hodnotaVcetneDph',
  'cena vc dph': 'hodnotaVcetneDph',
  'castka s dph': 'hodnotaVcetneDph',
  'castka vcetne dph': 'hodnotaVcetneDph',
  'cena s dph kc': 'hodnotaVcetneDph',
  castka: 'hodnotaVcetneDph',
  'celkova castka': 'hodnotaVcetneDph',
  mena: 'mena',
  paragraf: 'paragraf',
  polozka: 'polozka',
  odkaz: 'odkaz',
  url: 'odkaz',
  poznamka: 'poznamka',
  dodavatel: 'strany.1.nazev',
  'nazev dodavatele': 'strany.1.nazev',
  'smluvni strana': 'strany.1.nazev',
  'nazev smluvni strany': 'strany.1.nazev',
  partner: 'strany.1.nazev',
  'obchodni partner': 'strany.1.nazev',
  ic: 'strany.1.ico',
  ico: 'strany.1.ico',
  'ic dodavatele': 'strany.1.ico',
  'ico dodavatele': 'strany.1.ico',
  'ic smluvni strany': 'strany.1.ico',
  'ico smluvni strany': 'strany.1.ico',
  dic: 'strany.1.dic',
  'dic dodavatele': 'strany.1.dic',
  adresa: 'strany.1.adresa',
  'adresa dodavatele': 'strany.1.adresa',
  'sidlo dodavatele': 'strany.1.adresa',
  priloha: 'prilohy.1.url',
  'odkaz na prilohu': 'prilohy.1.url',
  // CityVizor's invoice export, which many towns already produce.
  counterpartyid: 'strany.1.ico',
  counterpartyname: 'strany.1.nazev',
  description: 'predmet',
  amount: 'hodnotaVcetneDph',
  paragraph: 'paragraf',
  item: 'polozka',
  date: 'datumVystaveni',
};

export function foldHeader(header: string): string {
  return foldText(header)
    .replace(/[.,:;()[\]/\\_-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

let lookup: Map<string, string> | undefined;

function titleLookup(): Map<string, string> {
  if (lookup) return lookup;
  lookup = new Map(Object.entries(ALIASES));
  for (const type of RECORD_TYPES) {
    for (const field of fieldsOf(type)) {
      const folded = foldHeader(field.title);
      // Party and attachment titles name the first member; later members need the standard's column names.
      if (!lookup.has(folded)) lookup.set(folded, field.csvColumn);
      lookup.set(foldHeader(field.csvColumn), field.csvColumn);
    }
  }
  return lookup;
}

export interface TableColumns {
  /** For each header, the standard column it maps to, or null (unknown or ignored). */
  mapped: Array<string | null>;
  unknown: string[];
  duplicates: string[];
}

export function mapHeaders(headers: readonly string[]): TableColumns {
  const known = planHeaders(headers);
  const table = titleLookup();
  const mapped = headers.map((header, index) => {
    const column = known.columns[index]!;
    if (column.kind !== 'unknown') return header.trim();
    if (header.trim() === REJECTION_COLUMN) return null;
    return table.get(foldHeader(header)) ?? null;
  });
  const unknown = headers.filter((header, index) => mapped[index] === null && header.trim() !== '' && header.trim() !== REJECTION_COLUMN).map((h) => h.trim());
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const column of mapped) {
    if (column === null) continue;
    if (seen.has(column)) duplicates.push(column);
    seen.add(column);
  }
  return { mapped, unknown, duplicates };
}

/** Columns that only one record type has: a table without a `typ` column is of the type its columns name. */
export function inferType(columns: ReadonlyArray<string | null>): RecordType | undefined {
  const present = new Set(columns.filter((c): c is string => c !== null));
  if (present.has('typ')) return undefined;
  const votes = RECORD_TYPES.filter((type) => {
    const own = fieldsOf(type).map((f) => f.csvColumn);
    const others = RECORD_TYPES.filter((t) => t !== type).flatMap((t) => fieldsOf(t).map((f) => f.csvColumn));
    return own.some((column) => present.has(column) && !others.includes(column));
  });
  return votes.length === 1 ? votes[0] : undefined;
}
