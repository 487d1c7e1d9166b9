/** Generates CSV files under the standard for benchmarks: realistic field lengths, Czech text, valid IČO. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { csvColumns, flattenRecord } from '../src/standard/flat.ts';
import { csvLine } from '../src/shared/csv.ts';
import { icoWithCheckDigit } from '../src/shared/identifiers.ts';
import { halereToDecimal } from '../src/shared/money.ts';
import type { StandardRecord } from '../src/standard/schema.ts';

const SUBJECTS = ['Oprava chodníku v ulici Školní', 'Rekonstrukce školní jídelny', 'Údržba veřejné zeleně v parku', 'Dodávka kancelářského papíru a tonerů', 'Výměna veřejného osvětlení na náměstí'];

export function benchRecord(n: number, salt = ''): StandardRecord {
  const without = 10_000 + ((n * 7919) % 5_000_000) * 100;
  return {
    typ: 'smlouva',
    id: `BENCH-${n}`,
    predmet: `${SUBJECTS[n % SUBJECTS.length]} č. ${n}${salt}`,
    cisloSmlouvy: `${2020 + (n % 6)}/${n}`,
    datumUzavreni: `${2020 + (n % 6)}-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`,
    hodnotaBezDph: halereToDecimal(without),
    hodnotaVcetneDph: halereToDecimal(Math.round(without * 1.21)),
    mena: 'CZK',
    paragraf: '2219',
    polozka: '5171',
    strany: [{ nazev: `Dodavatel ${n % 5000} s.r.o.`, ico: icoWithCheckDigit(String(1_000_000 + (n % 5000))), typOsoby: 'pravnicka', role: 'prijemce' }],
    prilohy: n % 2 === 0 ? [{ nazev: `smlouva-${n}.pdf`, typMedia: 'application/pdf', url: `https://www.example.cz/smlouvy/${n}.pdf` }] : undefined,
  } as StandardRecord;
}

export async function writeBenchCsv(path: string, rows: number): Promise<void> {
  const columns = csvColumns('smlouva');
  const out = createWriteStream(path);
  out.write(csvLine(columns));
  for (let n = 1; n <= rows; n++) {
    const record = JSON.parse(JSON.stringify(benchRecord(n))) as StandardRecord;
    if (!out.write(csvLine(flattenRecord(record, columns)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
