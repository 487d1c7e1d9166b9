/**
 * Demo data: real towns with their real IČO, names, data boxes and RÚIAN codes, and generated records that are
 * clearly marked: the organisation is flagged as demo (a banner on every page), ids start with DEMO-,
 * and each record carries a note saying it is generated.
 */
import type { AppContext } from '../context.ts';
import { icoWithCheckDigit } from '../shared/identifiers.ts';
import { halereToDecimal } from '../shared/money.ts';
import type { StandardRecord } from '../standard/schema.ts';
import type { OrganizationInput } from '../organizations/service.ts';

export const DEMO_TOWNS: OrganizationInput[] = [
  { ico: '00279978', name: 'Město Boskovice', kind: 'obec', ruianCode: '581372', dataBox: 'qmkbq7h', population: 11447 },
  { ico: '00241121', name: 'Město Černošice', kind: 'obec', ruianCode: '539139', dataBox: 'u46bwy4', population: 6758 },
  { ico: '00294900', name: 'Město Nové Město na Moravě', kind: 'obec', ruianCode: '596230', dataBox: 'y67bvir', population: 10015 },
  { ico: '00298077', name: 'Město Kopřivnice', kind: 'obec', ruianCode: '599565', dataBox: '42bb7zg', population: 22295 },
  { ico: '00286010', name: 'Statutární město Jihlava', kind: 'obec', ruianCode: '586846', dataBox: 'jw5bxb4', population: 49272 },
];

const SUBJECTS = [
  'Oprava chodníku v ulici Školní',
  'Rekonstrukce školní jídelny',
  'Dodávka kancelářského papíru',
  'Údržba veřejné zeleně',
  'Svoz a likvidace komunálního odpadu',
  'Oprava střechy kulturního domu',
  'Projektová dokumentace cyklostezky',
  'Výměna veřejného osvětlení',
  'Zimní údržba místních komunikací',
  'Servis výpočetní techniky úřadu',
  'Nákup hasičského vybavení',
  'Pronájem sálu pro zastupitelstvo',
];

const SUPPLIER_NAMES = ['Stavby Novák s.r.o.', 'Zahradnictví Dvořák s.r.o.', 'Papírnictví U Radnice s.r.o.', 'Technické služby Morava a.s.', 'Elektro Svoboda s.r.o.', 'Projekce Černý s.r.o.'];

/** A small deterministic generator, so that the demo looks the same on every machine. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

export function demoRecords(townIndex: number, count: number): StandardRecord[] {
  const next = random(1000 + townIndex);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const suppliers = SUPPLIER_NAMES.map((name, i) => ({ name, ico: icoWithCheckDigit(String(2700000 + townIndex * 100 + i).padStart(7, '0')) }));
  const records: StandardRecord[] = [];
  const contractIds: string[] = [];
  for (let i = 1; i <= count; i++) {
    const month = String(1 + Math.floor(next() * 12)).padStart(2, '0');
    const day = String(1 + Math.floor(next() * 28)).padStart(2, '0');
    const year = 2024 + Math.floor(next() * 2);
    const date = `${year}-${month}-${day}`;
    const supplier = pick(suppliers);
    const without = Math.round(5_000 + next() * 2_000_000) * 100;
    const common = {
      predmet: pick(SUBJECTS),
      hodnotaBezDph: halereToDecimal(without),
      hodnotaVcetneDph: halereToDecimal(Math.round(without * 1.21)),
      mena: 'CZK' as const,
      poznamka: 'Ukázkový záznam – vygenerováno pro předvedení portálu, neodpovídá skutečnosti.',
      strany: [{ nazev: supplier.name, ico: supplier.ico, typOsoby: 'pravnicka' as const, role: 'prijemce' as const }],
      prilohy: next() < 0.6 ? [{ nazev: `dokument-${i}.pdf`, typMedia: 'application/pdf' }] : undefined,
    };
    const kind = i % 3;
    if (kind === 0 || contractIds.length === 0) {
      const id = `DEMO-SML-${year}-${String(i).padStart(3, '0')}`;
      contractIds.push(id);
      // Most contracts are published within the register law's 30 days; some late, so the red flags have examples.
      const delayDays = next() < 0.1 ? 31 + Math.floor(next() * 40) : 1 + Math.floor(next() * 25);
      const published = new Date(Date.parse(`${date}T00:00:00Z`) + delayDays * 86_400_000).toISOString().slice(0, 10);
      records.push({ typ: 'smlouva', id, cisloSmlouvy: `${year}/${i}`, datumUzavreni: date, datumZverejneni: published, ...common });
    } else if (kind === 1) {
      records.push({ typ: 'objednavka', id: `DEMO-OBJ-${year}-${String(i).padStart(3, '0')}`, datumVystaveni: date, ...common });
    } else {
      records.push({ typ: 'faktura', id: `DEMO-FAK-${year}-${String(i).padStart(3, '0')}`, datumVystaveni: date, smlouva: pick(contractIds), ...common });
    }
  }
  return records.map((record) => JSON.parse(JSON.stringify(record)) as StandardRecord);
}

/** Loads the demo towns and their records; running it again changes nothing. */
export async function loadDemo(ctx: AppContext, recordsPerTown = 40): Promise<{ organizations: number; created: number }> {
  let created = 0;
  for (const [index, town] of DEMO_TOWNS.entries()) {
    const { organization } = await ctx.organizations.upsert({ ...town, isDemo: true });
    const items = demoRecords(index, recordsPerTown).map((data, i) => ({ line: i + 1, data }));
    const report = await ctx.register.publish(organization, items, { source: 'demo', keepOutcomes: 'problems' });
    created += report.created;
  }
  return { organizations: DEMO_TOWNS.length, created };
}
