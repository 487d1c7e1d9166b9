/**
 * Generates a contract register dump (schema 1.2 elements) for the import benchmark and tests: many publishers,
 * realistic lengths (~1.2 kB a record, like the real dumps), attachments, and one record in ten a later version of
 * an earlier contract. As in the register, records come in the order of publication (spread over two years here),
 * and a contract is concluded up to 30 days before it is published (the deadline of the register law).
 */
import { openSync, writeSync, closeSync } from 'node:fs';
import { icoWithCheckDigit } from '../shared/identifiers.ts';

const SUBJECTS = [
  'Smlouva o dílo na opravu místní komunikace včetně odvodnění a obnovy dopravního značení',
  'Kupní smlouva na dodávku výpočetní techniky pro základní školu a mateřskou školu',
  'Smlouva o poskytnutí dotace z rozpočtu města na činnost spolku v oblasti sportu mládeže',
  'Nájemní smlouva k nebytovým prostorám v budově radnice pro provoz pobočky pošty',
  'Smlouva o zajištění svozu a likvidace komunálního odpadu a tříděného odpadu',
];

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2023, 0, 1);

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function dumpRecord(n: number, publishers: number, records = 1_000_000): string {
  const isNewVersion = n % 10 === 9 && n > 20;
  const contractId = isNewVersion ? n - 9 : n;
  const publisher = contractId % publishers;
  const publisherIco = icoWithCheckDigit(String(2_000_000 + publisher));
  const supplierIco = icoWithCheckDigit(String(3_000_000 + (n % 20_000)));
  const published = FIRST_DAY + Math.floor((contractId / Math.max(records, 1)) * 730) * DAY_MS;
  const date = isoDay(published - ((contractId * 7919) % 31) * DAY_MS);
  const year = date.slice(0, 4);
  const without = 10_000 + ((contractId * 7919) % 5_000_000);
  const subject = `${SUBJECTS[contractId % SUBJECTS.length]} č. ${contractId}${isNewVersion ? ' (opravené znění)' : ''}`;
  return (
    `<zaznam><identifikator><idSmlouvy>${contractId}</idSmlouvy><idVerze>${n}</idVerze></identifikator>` +
    `<odkaz>https://smlouvy.example.cz/smlouva/${n}</odkaz><casZverejneni>${isoDay(published)}T10:00:00+01:00</casZverejneni>` +
    `<smlouva><subjekt><datovaSchranka>a${String(publisher).padStart(6, '0')}</datovaSchranka><nazev>${escape(`Obec Příkladov ${publisher}`)}</nazev>` +
    `<ico>${publisherIco}</ico><adresa>Náměstí Svobody ${1 + (publisher % 200)}, 600 00 Příkladov</adresa><platce>1</platce></subjekt>` +
    `<smluvniStrana><nazev>${escape(`Stavební a obchodní společnost ${n % 20_000} s.r.o.`)}</nazev><ico>${supplierIco}</ico>` +
    `<adresa>Průmyslová ${1 + (n % 300)}, 602 00 Brno</adresa><prijemce>1</prijemce></smluvniStrana>` +
    `<predmet>${escape(subject)}</predmet><datumUzavreni>${date}</datumUzavreni><cisloSmlouvy>${year}/${contractId}/OSM</cisloSmlouvy>` +
    `<hodnotaBezDph>${without}</hodnotaBezDph><hodnotaVcetneDph>${Math.round(without * 1.21)}</hodnotaVcetneDph></smlouva>` +
    `<prilohy><priloha><nazevSouboru>smlouva-${n}.pdf</nazevSouboru><hash algoritmus="sha256">${(n.toString(16).padStart(8, '0')).repeat(8)}</hash>` +
    `<odkaz>https://smlouvy.example.cz/soubor/${n}/smlouva-${n}.pdf</odkaz></priloha></prilohy>` +
    `<platnyZaznam>1</platnyZaznam></zaznam>\n`
  );
}

export function writeRegisterDump(path: string, records: number, publishers = 2000): number {
  const fd = openSync(path, 'w');
  let size = 0;
  const write = (text: string) => {
    size += writeSync(fd, text);
  };
  write('<?xml version="1.0" encoding="UTF-8"?>\n<dump xmlns="http://portal.gov.cz/rejstriky/ISRS/1.2/"><mesic>07</mesic><rok>2024</rok><casGenerovani>2024-08-01T00:05:00+02:00</casGenerovani><dokoncenyMesic>1</dokoncenyMesic>\n');
  let buffer = '';
  for (let n = 1; n <= records; n++) {
    buffer += dumpRecord(n, publishers, records);
    if (buffer.length > 1 << 20) {
      write(buffer);
      buffer = '';
    }
  }
  write(`${buffer}</dump>\n`);
  closeSync(fd);
  return size;
}
