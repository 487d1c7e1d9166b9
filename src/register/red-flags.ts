/**
 * Red flags: signs that a record deserves a closer look, computed from its content alone (pure). A flag is not a
 * finding of wrongdoing; each carries a severity and a plain-Czech sentence. The methodology page (/metodika)
 * renders the same definitions and thresholds, so what is documented is what is computed.
 */
import { isValidIco } from '../shared/identifiers.ts';
import { decimalToHalere } from '../shared/money.ts';
import { daysBetween } from '../shared/dates.ts';
import type { StandardRecord } from '../standard/schema.ts';

export const RED_FLAG_CODES = ['price_missing', 'published_late', 'published_too_late', 'just_under_threshold', 'vat_mismatch', 'invalid_supplier_ico', 'dominant_supplier'] as const;
export type RedFlagCode = (typeof RED_FLAG_CODES)[number];
export type Severity = 'low' | 'medium' | 'high';

export interface RedFlagDefinition {
  code: RedFlagCode;
  severity: Severity;
  title: string;
  /** How the flag is computed, for the methodology page. */
  method: string;
}

export const RED_FLAGS: Record<RedFlagCode, RedFlagDefinition> = {
  price_missing: {
    code: 'price_missing',
    severity: 'medium',
    title: 'Cena neuvedena',
    method: 'Záznam neuvádí hodnotu bez DPH ani s DPH. Je-li uveden zákonný důvod (např. obchodní tajemství), je to zmíněno ve vysvětlení.',
  },
  published_late: {
    code: 'published_late',
    severity: 'medium',
    title: 'Zveřejněno pozdě',
    method: 'Smlouva byla zveřejněna více než 30 dní po uzavření (zákon č. 340/2015 Sb. ukládá zveřejnit ji do 30 dnů). Rozhoduje pole Datum zveřejnění, jinak den první publikace na tomto portálu.',
  },
  published_too_late: {
    code: 'published_too_late',
    severity: 'high',
    title: 'Zveřejněno po třech měsících',
    method:
      'Smlouva s hodnotou od 50 000 Kč bez DPH (nebo bez uvedené ceny) byla zveřejněna více než 3 měsíce po uzavření. Podle § 7 zákona č. 340/2015 Sb. se taková smlouva, podléhá-li zákonu o registru smluv, od počátku ruší.',
  },
  just_under_threshold: {
    code: 'just_under_threshold',
    severity: 'medium',
    title: 'Těsně pod limitem',
    method: 'Hodnota bez DPH leží do 10 % pod některým z limitů platných ke dni záznamu (tabulka limitů níže). Dělení zakázek pod limit je častý způsob, jak se vyhnout soutěži nebo zveřejnění.',
  },
  vat_mismatch: {
    code: 'vat_mismatch',
    severity: 'low',
    title: 'DPH nesedí na žádnou sazbu',
    method:
      'Poměr hodnoty s DPH a bez DPH neodpovídá žádné sazbě DPH, která v Česku platila (0, 5, 9, 10, 12, 14, 15, 19, 20, 21 %), s tolerancí zaokrouhlení 1 Kč. Vysvětlením může být více sazeb na jednom dokladu nebo překlep.',
  },
  invalid_supplier_ico: {
    code: 'invalid_supplier_ico',
    severity: 'medium',
    title: 'Neplatné IČO strany',
    method: 'IČO některé smluvní strany nemá 8 číslic nebo nesplňuje kontrolní součet (modulo 11), takže stranu nelze spolehlivě dohledat.',
  },
  dominant_supplier: {
    code: 'dominant_supplier',
    severity: 'low',
    title: 'Dominantní dodavatel',
    method:
      'Výdaje organizace za rok jsou silně koncentrované: Herfindahlův–Hirschmanův index (součet druhých mocnin procentních podílů dodavatelů na výdajích, 0–10 000) je vyšší než 2 500 a dodavatel záznamu má největší podíl. Počítá se ze smluv, objednávek a faktur organizace v daném roce.',
  },
};

/** Limits (in CZK without VAT) a value can be kept just under, with the day each applies from. */
export interface Threshold {
  amountCzk: number;
  from: string;
  to?: string;
  label: string;
}

export const THRESHOLDS: Threshold[] = [
  { amountCzk: 50_000, from: '2016-07-01', label: 'povinnost zveřejnit smlouvu v registru smluv (zákon č. 340/2015 Sb.)' },
  { amountCzk: 2_000_000, from: '2016-10-01', label: 'veřejná zakázka malého rozsahu na dodávky a služby (zákon č. 134/2016 Sb.)' },
  { amountCzk: 6_000_000, from: '2016-10-01', label: 'veřejná zakázka malého rozsahu na stavební práce (zákon č. 134/2016 Sb.)' },
  { amountCzk: 1_000_000, from: '2012-04-01', to: '2016-09-30', label: 'veřejná zakázka malého rozsahu na dodávky a služby (zákon č. 137/2006 Sb.)' },
  { amountCzk: 3_000_000, from: '2012-04-01', to: '2016-09-30', label: 'veřejná zakázka malého rozsahu na stavební práce (zákon č. 137/2006 Sb.)' },
];

const VAT_RATES = [0, 5, 9, 10, 12, 14, 15, 19, 20, 21];
const HIGH_CONCENTRATION_HHI = 2500;
const MIN_RECORDS_FOR_CONCENTRATION = 3;
const REGISTER_LAW_MIN_HALERE = 50_000 * 100;

export interface RedFlag {
  code: RedFlagCode;
  severity: Severity;
  title: string;
  /** One plain-Czech sentence about this record. */
  sentence: string;
}

// Built once: constructing a NumberFormat per record cost more than all the other rules together.
const WHOLE_CROWNS = new Intl.NumberFormat('cs-CZ', { maximumFractionDigits: 0 });

function czk(halere: number): string {
  return `${WHOLE_CROWNS.format(Math.round(halere / 100))} Kč`;
}

function flag(code: RedFlagCode, sentence: string): RedFlag {
  const definition = RED_FLAGS[code];
  return { code, severity: definition.severity, title: definition.title, sentence };
}

function primaryDateOf(record: StandardRecord): string {
  return record.typ === 'smlouva' ? record.datumUzavreni : record.datumVystaveni;
}

/**
 * The record's own flags. `firstPublishedOn` is the day the record first appeared on this portal, used when the
 * record does not state where and when it was published first (datumZverejneni).
 */
export function redFlagsOf(record: StandardRecord, firstPublishedOn: string): RedFlag[] {
  const flags: RedFlag[] = [];
  const without = record.hodnotaBezDph === undefined ? null : decimalToHalere(record.hodnotaBezDph);
  const withVat = record.hodnotaVcetneDph === undefined ? null : decimalToHalere(record.hodnotaVcetneDph);
  const currency = record.mena ?? 'CZK';

  if (without === null && withVat === null) {
    flags.push(
      flag('price_missing', record.cenaNeuvedena && record.duvodNeuvedeniCeny ? `Cena není uvedena; uvedený důvod: ${record.duvodNeuvedeniCeny}.` : 'Cena není uvedena a záznam neuvádí důvod.'),
    );
  }

  if (record.typ === 'smlouva') {
    const basis = latenessBasis(record);
    const publishedOn = record.datumZverejneni ?? firstPublishedOn;
    const code = latenessCode(basis, publishedOn);
    const days = daysBetween(record.datumUzavreni, publishedOn);
    if (code === 'published_too_late') flags.push(flag(code, `Smlouva byla zveřejněna ${days} dní po uzavření, tedy po více než třech měsících.`));
    else if (code === 'published_late') flags.push(flag(code, `Smlouva byla zveřejněna ${days} dní po uzavření (lhůta je 30 dní).`));
  }

  if (currency === 'CZK' && without !== null && without > 0) {
    const date = primaryDateOf(record);
    for (const threshold of THRESHOLDS) {
      if (date < threshold.from || (threshold.to && date > threshold.to)) continue;
      const limit = threshold.amountCzk * 100;
      if (without < limit && without >= limit * 0.9) {
        flags.push(flag('just_under_threshold', `Hodnota ${czk(without)} bez DPH je těsně pod limitem ${czk(limit)}: ${threshold.label}.`));
        break;
      }
    }
  }

  if (without !== null && withVat !== null && without !== 0 && Math.sign(without) === Math.sign(withVat)) {
    // Tolerance: one crown of rounding, or a hundredth of a percent on large sums stated with rounded VAT.
    const tolerance = Math.max(100, Math.abs(without) / 10_000);
    const matches = VAT_RATES.some((rate) => Math.abs(without * (1 + rate / 100) - withVat) <= tolerance);
    if (!matches) {
      const percent = ((withVat / without - 1) * 100).toLocaleString('cs-CZ', { maximumFractionDigits: 2 });
      flags.push(flag('vat_mismatch', `Hodnota s DPH je o ${percent} % vyšší než bez DPH, což neodpovídá žádné sazbě DPH.`));
    }
  }

  const badIcos = record.strany.map((party) => party.ico).filter((ico): ico is string => ico !== undefined && !isValidIco(ico));
  if (badIcos.length > 0) {
    flags.push(flag('invalid_supplier_ico', `${badIcos.length === 1 ? 'IČO strany' : 'IČO stran'} ${badIcos.join(', ')} ${badIcos.length === 1 ? 'není platné' : 'nejsou platná'}.`));
  }
  return flags;
}

/** What decides whether a contract was published late, apart from the day it was published. */
export interface LatenessBasis {
  concludedOn: string;
  /** Whether the register law's three-month rule applies (value from 50,000 CZK without VAT, or unknown). */
  underRegisterLaw: boolean;
}

export function latenessBasis(record: Extract<StandardRecord, { typ: 'smlouva' }>): LatenessBasis {
  const without = record.hodnotaBezDph === undefined ? null : decimalToHalere(record.hodnotaBezDph);
  const currency = record.mena ?? 'CZK';
  return { concludedOn: record.datumUzavreni, underRegisterLaw: currency !== 'CZK' || without === null || Math.abs(without) >= REGISTER_LAW_MIN_HALERE };
}

export function latenessCode(basis: LatenessBasis, publishedOn: string): 'published_late' | 'published_too_late' | null {
  if (publishedOn > addMonths(basis.concludedOn, 3) && basis.underRegisterLaw) return 'published_too_late';
  if (daysBetween(basis.concludedOn, publishedOn) > 30) return 'published_late';
  return null;
}

/**
 * The stored flags of a corrected record that states no publication date: lateness counts from the record's first
 * publication here, not from the correction.
 */
export function withLatenessFrom(column: string, basis: LatenessBasis, firstPublishedOn: string): string {
  const others = parseFlagColumn(column).filter((code) => code !== 'published_late' && code !== 'published_too_late');
  const lateness = latenessCode(basis, firstPublishedOn);
  const codes: RedFlagCode[] = lateness ? [...others, lateness] : others;
  codes.sort((a, b) => RED_FLAG_CODES.indexOf(a) - RED_FLAG_CODES.indexOf(b));
  return flagColumn(codes.map((code) => ({ code })));
}

/** The same day `months` later (the last day of a shorter month), on the date strings themselves. */
function addMonths(isoDate: string, months: number): string {
  const year = Number(isoDate.slice(0, 4));
  const monthIndex = Number(isoDate.slice(5, 7)) - 1 + months;
  const targetYear = year + Math.floor(monthIndex / 12);
  const targetMonth = (monthIndex % 12) + 1;
  const leap = targetYear % 4 === 0 && (targetYear % 100 !== 0 || targetYear % 400 === 0);
  const lastDay = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][targetMonth - 1]!;
  const day = Math.min(Number(isoDate.slice(8, 10)), lastDay);
  return `${targetYear}-${String(targetMonth).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Stored form of a record's flag codes: space-separated between spaces, so one code is `LIKE '% code %'`. */
export function flagColumn(flags: ReadonlyArray<{ code: RedFlagCode }>): string {
  return flags.length === 0 ? '' : ` ${flags.map((f) => f.code).join(' ')} `;
}

export function parseFlagColumn(value: string | null): RedFlagCode[] {
  return (value ?? '').split(' ').filter((code): code is RedFlagCode => (RED_FLAG_CODES as readonly string[]).includes(code));
}

/** Spending of one organisation in one year by supplier (haléře), largest first. */
export interface SupplierShare {
  key: string;
  name: string;
  ico: string | null;
  amount: number;
  records: number;
}

export interface Concentration {
  /** Herfindahl–Hirschman index of the shares in percent (0–10,000). */
  hhi: number;
  total: number;
  largest: SupplierShare | null;
  largestShare: number;
  highlyConcentrated: boolean;
}

export function concentration(shares: SupplierShare[]): Concentration {
  const positive = shares.filter((s) => s.amount > 0);
  const total = positive.reduce((sum, s) => sum + s.amount, 0);
  if (total === 0) return { hhi: 0, total: 0, largest: null, largestShare: 0, highlyConcentrated: false };
  const hhi = Math.round(positive.reduce((sum, s) => sum + ((s.amount / total) * 100) ** 2, 0));
  const largest = positive.reduce((a, b) => (b.amount > a.amount ? b : a));
  // A year of one or two purchases says nothing about a market.
  const records = positive.reduce((sum, s) => sum + s.records, 0);
  return { hhi, total, largest, largestShare: largest.amount / total, highlyConcentrated: hhi > HIGH_CONCENTRATION_HHI && records >= MIN_RECORDS_FOR_CONCENTRATION };
}

export function dominantSupplierFlag(year: string, c: Concentration): RedFlag {
  const share = Math.round(c.largestShare * 100);
  return flag('dominant_supplier', `V roce ${year} připadá na dodavatele ${c.largest?.name ?? ''} ${share} % výdajů organizace (HHI ${c.hhi.toLocaleString('cs-CZ')}).`);
}

export const SEVERITY_CS: Record<Severity, string> = { low: 'nízká', medium: 'střední', high: 'vysoká' };
