/**
 * The publication standard, version 1.0: the single source of truth.
 * JSON Schema, CSV templates, the field reference in docs/standard and on /standard, the OpenAPI document
 * and the validator are all generated from these zod schemas.
 */
import { z } from 'zod';
import { ISO_4217_CODES } from './currencies.ts';
import { ISSUE_MESSAGES as M } from './messages.ts';

export const STANDARD_VERSION = '1.0';

import { RECORD_TYPES, type RecordType } from './record-types.ts';

export { RECORD_TYPES, type RecordType };

export const RECORD_TYPE_LABELS: Record<RecordType, { one: string; many: string }> = {
  smlouva: { one: 'Smlouva', many: 'Smlouvy' },
  objednavka: { one: 'Objednávka', many: 'Objednávky' },
  faktura: { one: 'Faktura', many: 'Faktury' },
};

const text = (max: number) => z.string({ error: M.invalid_type }).trim().min(1, { error: M.invalid_text }).max(max, { error: M.invalid_text });

const isoDate = () => z.iso.date({ error: M.invalid_date });

const AMOUNT_PATTERN = /^\d{1,15}(\.\d{1,2})?$/;
const SIGNED_AMOUNT_PATTERN = /^-?\d{1,15}(\.\d{1,2})?$/;

const amount = () =>
  z
    .string({ error: (issue) => (issue.input === undefined ? M.missing_field : M.invalid_amount) })
    .regex(AMOUNT_PATTERN, { error: (issue) => (typeof issue.input === 'string' && issue.input.startsWith('-') ? M.negative_amount : M.invalid_amount) });

const signedAmount = () => z.string({ error: M.invalid_amount }).regex(SIGNED_AMOUNT_PATTERN, { error: M.invalid_amount });

const budgetCode = () => z.string({ error: M.invalid_budget_code }).regex(/^\d{4}$/, { error: M.invalid_budget_code });

const url = () => z.url({ protocol: /^https?$/, error: M.invalid_url }).regex(/^https?:\/\//, { error: M.invalid_url }).max(2000, { error: M.invalid_url });

export const partySchema = z
  .strictObject({
    nazev: text(500).meta({ title: 'Název / jméno', description: 'Obchodní firma, název nebo jméno smluvní strany.', examples: ['Stavby Novák s.r.o.'] }),
    ico: z
      .string({ error: M.invalid_type })
      .trim()
      .max(100, { error: M.invalid_text })
      .optional()
      .meta({
        title: 'IČO',
        description:
          'Identifikační číslo osoby (8 číslic; kratší se doplní nulami zleva). Neplatná kontrolní číslice je varování, ne chyba. Rodné číslo sem nepatří: je-li zde, uloží se skrytě a nezveřejní.',
        examples: ['25596641'],
      }),
    zahranicniId: text(100)
      .optional()
      .meta({ title: 'Zahraniční identifikátor', description: 'Identifikátor zahraniční osoby (např. zahraniční DIČ nebo registrační číslo), pokud nemá IČO.', examples: ['DE811569869'] }),
    dic: text(20)
      .optional()
      .meta({
        title: 'DIČ',
        description: 'Daňové identifikační číslo (CZ a 8–10 číslic, nebo zahraniční s kódem země). DIČ fyzické osoby obsahuje rodné číslo: takové se uloží skrytě a nezveřejní.',
        examples: ['CZ25596641'],
      }),
    datovaSchranka: text(20).optional().meta({ title: 'Datová schránka', description: 'Identifikátor datové schránky (7 znaků).', examples: ['qmkbq7h'] }),
    typOsoby: z
      .enum(['pravnicka', 'fyzicka-podnikajici', 'fyzicka'], { error: M.invalid_value })
      .optional()
      .meta({
        title: 'Typ osoby',
        description: 'pravnicka = právnická osoba; fyzicka-podnikajici = podnikající fyzická osoba s IČO; fyzicka = nepodnikající fyzická osoba (nemá IČO).',
        examples: ['pravnicka'],
      }),
    adresa: text(500).optional().meta({ title: 'Adresa', description: 'Sídlo nebo adresa smluvní strany.', examples: ['Masarykovo náměstí 1, 680 01 Boskovice'] }),
    role: z
      .enum(['platce', 'prijemce'], { error: M.invalid_value })
      .optional()
      .meta({
        title: 'Role',
        description: 'platce = strana platí; prijemce = strana přijímá plnění v penězích. Není-li uvedeno, platí, že protistrana peníze přijímá (prijemce) a publikující organizace platí.',
        examples: ['prijemce'],
      }),
  })
  .meta({ title: 'Smluvní strana', description: 'Protistrana záznamu. Publikující organizace se mezi strany neuvádí.' });

export const attachmentSchema = z
  .strictObject({
    nazev: text(500).meta({ title: 'Název přílohy', description: 'Název souboru nebo dokumentu.', examples: ['smlouva-2024-015.pdf'] }),
    typMedia: z
      .string({ error: M.invalid_media_type })
      .regex(/^[a-z]+\/[a-z0-9.+-]+$/i, { error: M.invalid_media_type })
      .optional()
      .meta({ title: 'Typ média', description: 'Typ obsahu (MIME), např. application/pdf.', examples: ['application/pdf'] }),
    sha256: z
      .string({ error: M.invalid_sha256 })
      .regex(/^[0-9a-fA-F]{64}$/, { error: M.invalid_sha256 })
      .optional()
      .meta({ title: 'Otisk SHA-256', description: 'Otisk obsahu souboru (64 šestnáctkových znaků).', examples: ['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'] }),
    url: url().optional().meta({ title: 'Adresa přílohy', description: 'Veřejná adresa, odkud lze přílohu stáhnout.', examples: ['https://www.example.cz/smlouvy/2024-015.pdf'] }),
  })
  .meta({ title: 'Příloha', description: 'Dokument připojený k záznamu.' });

/** Fields every record type shares. The order here is the column order of the CSV templates. */
const commonHead = {
  id: text(200).meta({
    title: 'Identifikátor záznamu',
    description: 'Vlastní identifikátor záznamu u publikující organizace. Spolu s IČO organizace jednoznačně určuje záznam; opravy se publikují pod stejným identifikátorem.',
    examples: ['SML-2024-015'],
  }),
  predmet: text(2000).meta({ title: 'Předmět', description: 'Stručný a výstižný popis předmětu plnění.', examples: ['Oprava chodníku v ulici Školní'] }),
};

const commonTail = {
  hodnotaBezDph: amount().optional().meta({ title: 'Hodnota bez DPH', description: 'Částka bez DPH s desetinnou tečkou, jako text.', examples: ['125000.00'] }),
  hodnotaVcetneDph: amount().optional().meta({ title: 'Hodnota včetně DPH', description: 'Částka včetně DPH. Obě hodnoty se nikdy nesčítají.', examples: ['151250.00'] }),
  mena: z
    .enum(ISO_4217_CODES, { error: M.invalid_currency })
    .optional()
    .meta({ title: 'Měna', description: 'Kód měny podle ISO 4217. Výchozí je CZK.', examples: ['CZK'] }),
  cenaNeuvedena: z
    .boolean({ error: M.invalid_boolean })
    .optional()
    .meta({ title: 'Cena neuvedena', description: 'true, pokud cena záměrně není uvedena (např. obchodní tajemství). Vyžaduje důvod.', examples: [false] }),
  duvodNeuvedeniCeny: text(1000)
    .optional()
    .meta({ title: 'Důvod neuvedení ceny', description: 'Zákonný důvod, proč cena není uvedena.', examples: ['obchodní tajemství podle § 504 občanského zákoníku'] }),
  paragraf: budgetCode().optional().meta({ title: 'Paragraf', description: 'Paragraf rozpočtové skladby (odvětvové třídění), 4 číslice.', examples: ['2219'] }),
  polozka: budgetCode().optional().meta({ title: 'Položka', description: 'Položka rozpočtové skladby (druhové třídění), 4 číslice.', examples: ['5171'] }),
  odkaz: url().optional().meta({ title: 'Odkaz na zdroj', description: 'Adresa, kde záznam zveřejnil jeho původní zdroj (např. registr smluv).', examples: ['https://smlouvy.example.cz/smlouva/123'] }),
  datumZverejneni: isoDate().optional().meta({ title: 'Datum zveřejnění', description: 'Kdy organizace záznam poprvé zveřejnila jinde (např. v registru smluv). Chybí-li, platí datum první publikace zde.', examples: ['2024-03-20'] }),
  poznamka: text(2000).optional().meta({ title: 'Poznámka', description: 'Doplňující informace pro veřejnost.', examples: ['Uzavřeno na základě výběrového řízení VZ-2024-03.'] }),
  strany: z
    .array(partySchema, { error: M.invalid_type })
    .min(1, { error: M.at_least_one_party })
    .max(100)
    .meta({ title: 'Smluvní strany', description: 'Protistrany záznamu (alespoň jedna). V CSV sloupce strany.1.nazev, strany.1.ico, … strany.2.nazev …' }),
  prilohy: z
    .array(attachmentSchema, { error: M.invalid_type })
    .max(100)
    .optional()
    .meta({ title: 'Přílohy', description: 'Dokumenty záznamu. V CSV sloupce prilohy.1.nazev, prilohy.1.url, …' }),
};

export const contractSchema = z
  .strictObject({
    typ: z.literal('smlouva', { error: M.invalid_record_type }).meta({ title: 'Typ záznamu', description: 'Vždy „smlouva“.' }),
    ...commonHead,
    cisloSmlouvy: text(200).optional().meta({ title: 'Číslo smlouvy', description: 'Číslo smlouvy v evidenci organizace.', examples: ['2024/015/OSM'] }),
    datumUzavreni: isoDate().meta({ title: 'Datum uzavření', description: 'Den, kdy byla smlouva uzavřena (podpis poslední strany).', examples: ['2024-03-15'] }),
    platnostOd: isoDate().optional().meta({ title: 'Platnost od', description: 'Počátek účinnosti nebo platnosti.', examples: ['2024-04-01'] }),
    platnostDo: isoDate().optional().meta({ title: 'Platnost do', description: 'Konec platnosti; u smluv na dobu neurčitou se neuvádí.', examples: ['2024-12-31'] }),
    dodatekKSmlouve: text(200)
      .optional()
      .meta({ title: 'Dodatek ke smlouvě', description: 'Je-li záznam dodatkem, identifikátor (pole id) smlouvy, kterou mění.', examples: ['SML-2023-101'] }),
    registrSmluvIdSmlouvy: text(50).optional().meta({ title: 'ID smlouvy v registru smluv', description: 'idSmlouvy záznamu v registru smluv.', examples: ['1234567'] }),
    registrSmluvIdVerze: text(50).optional().meta({ title: 'ID verze v registru smluv', description: 'idVerze záznamu v registru smluv.', examples: ['1345678'] }),
    ...commonTail,
  })
  .meta({ title: 'Smlouva', description: 'Smlouva uzavřená publikující organizací (standard Otevřená města 1.0).' });

export const orderSchema = z
  .strictObject({
    typ: z.literal('objednavka', { error: M.invalid_record_type }).meta({ title: 'Typ záznamu', description: 'Vždy „objednavka“.' }),
    ...commonHead,
    cisloObjednavky: text(200).optional().meta({ title: 'Číslo objednávky', description: 'Číslo objednávky v evidenci organizace.', examples: ['OBJ-2024-0042'] }),
    datumVystaveni: isoDate().meta({ title: 'Datum vystavení', description: 'Den vystavení objednávky.', examples: ['2024-05-02'] }),
    datumDodani: isoDate().optional().meta({ title: 'Datum dodání', description: 'Požadovaný nebo skutečný den dodání.', examples: ['2024-05-20'] }),
    smlouva: text(200).optional().meta({ title: 'Smlouva', description: 'Identifikátor (pole id) rámcové smlouvy, na jejímž základě je objednávka vystavena.', examples: ['SML-2024-015'] }),
    ...commonTail,
  })
  .meta({ title: 'Objednávka', description: 'Objednávka vystavená publikující organizací (standard Otevřená města 1.0).' });

export const invoiceSchema = z
  .strictObject({
    typ: z.literal('faktura', { error: M.invalid_record_type }).meta({ title: 'Typ záznamu', description: 'Vždy „faktura“.' }),
    ...commonHead,
    cisloFaktury: text(200).optional().meta({ title: 'Číslo faktury', description: 'Číslo dokladu dodavatele.', examples: ['FV2024001234'] }),
    variabilniSymbol: z
      .string({ error: M.invalid_type })
      .regex(/^\d{1,10}$/, { error: 'Variabilní symbol má 1 až 10 číslic.' })
      .optional()
      .meta({ title: 'Variabilní symbol', description: 'Variabilní symbol platby (1–10 číslic).', examples: ['2024001234'] }),
    uuid: text(100).optional().meta({ title: 'UUID dokladu', description: 'Jednoznačný identifikátor dokladu (např. UUID z formátu ISDOC).', examples: ['2b0f3fde-46c1-4b7c-9a8d-2d6f5a1e0c11'] }),
    datumVystaveni: isoDate().meta({ title: 'Datum vystavení', description: 'Den vystavení faktury.', examples: ['2024-06-10'] }),
    datumUzp: isoDate().optional().meta({ title: 'Datum uskutečnění zdanitelného plnění', description: 'DUZP podle zákona o DPH.', examples: ['2024-06-10'] }),
    datumSplatnosti: isoDate().optional().meta({ title: 'Datum splatnosti', description: 'Den splatnosti.', examples: ['2024-06-24'] }),
    datumUhrady: isoDate().optional().meta({ title: 'Datum úhrady', description: 'Den, kdy byla faktura uhrazena.', examples: ['2024-06-20'] }),
    smlouva: text(200).optional().meta({ title: 'Smlouva', description: 'Identifikátor (pole id) smlouvy, na jejímž základě je fakturováno.', examples: ['SML-2024-015'] }),
    objednavka: text(200).optional().meta({ title: 'Objednávka', description: 'Identifikátor (pole id) objednávky, na jejímž základě je fakturováno.', examples: ['OBJ-2024-0042'] }),
    ...commonTail,
    hodnotaBezDph: signedAmount()
      .optional()
      .meta({ title: 'Hodnota bez DPH', description: 'Částka bez DPH s desetinnou tečkou, jako text. U dobropisu záporná.', examples: ['10000.00'] }),
    hodnotaVcetneDph: signedAmount()
      .optional()
      .meta({ title: 'Hodnota včetně DPH', description: 'Částka včetně DPH. U dobropisu záporná. Obě hodnoty se nikdy nesčítají.', examples: ['12100.00'] }),
  })
  .meta({ title: 'Faktura', description: 'Faktura přijatá nebo vystavená publikující organizací (standard Otevřená města 1.0).' });

export const recordSchema = z
  .discriminatedUnion('typ', [contractSchema, orderSchema, invoiceSchema], { error: M.invalid_record_type })
  .meta({ title: 'Záznam', description: 'Smlouva, objednávka nebo faktura podle standardu Otevřená města 1.0.' });

export const SCHEMAS_BY_TYPE = { smlouva: contractSchema, objednavka: orderSchema, faktura: invoiceSchema } as const;

export type Contract = z.output<typeof contractSchema>;
export type Order = z.output<typeof orderSchema>;
export type Invoice = z.output<typeof invoiceSchema>;
export type StandardRecord = z.output<typeof recordSchema>;
export type Party = z.output<typeof partySchema>;
export type Attachment = z.output<typeof attachmentSchema>;

/** The date that places a record in time: conclusion for contracts, issue for orders and invoices. */
export function primaryDate(record: StandardRecord): string {
  return record.typ === 'smlouva' ? record.datumUzavreni : record.datumVystaveni;
}

export function ownNumber(record: StandardRecord): string | undefined {
  if (record.typ === 'smlouva') return record.cisloSmlouvy;
  if (record.typ === 'objednavka') return record.cisloObjednavky;
  return record.cisloFaktury;
}
