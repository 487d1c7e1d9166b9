/** Example records of the standard: published under /standard/1.0/ and checked by tests against both schemas. */
import type { Contract, Invoice, Order } from './schema.ts';

export const EXAMPLE_CONTRACT: Contract = {
  typ: 'smlouva',
  id: 'SML-2024-015',
  predmet: 'Oprava chodníku v ulici Školní',
  cisloSmlouvy: '2024/015/OSM',
  datumUzavreni: '2024-03-15',
  platnostOd: '2024-04-01',
  platnostDo: '2024-09-30',
  hodnotaBezDph: '1250000.00',
  hodnotaVcetneDph: '1512500.00',
  mena: 'CZK',
  paragraf: '2219',
  polozka: '5171',
  strany: [
    {
      nazev: 'Stavby Novák s.r.o.',
      ico: '25596641',
      dic: 'CZ25596641',
      typOsoby: 'pravnicka',
      adresa: 'Nádražní 12, 680 01 Boskovice',
      role: 'prijemce',
    },
  ],
  prilohy: [
    {
      nazev: 'smlouva-2024-015.pdf',
      typMedia: 'application/pdf',
      sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      url: 'https://www.example.cz/smlouvy/2024-015.pdf',
    },
  ],
};

export const EXAMPLE_ORDER: Order = {
  typ: 'objednavka',
  id: 'OBJ-2024-0042',
  predmet: 'Dodávka kancelářského papíru',
  cisloObjednavky: 'OBJ-2024-0042',
  datumVystaveni: '2024-05-02',
  datumDodani: '2024-05-20',
  hodnotaBezDph: '18000.00',
  hodnotaVcetneDph: '21780.00',
  mena: 'CZK',
  strany: [{ nazev: 'Papírnictví U Radnice s.r.o.', ico: '27074358', typOsoby: 'pravnicka', role: 'prijemce' }],
  prilohy: [{ nazev: 'objednavka-0042.pdf', typMedia: 'application/pdf', url: 'https://www.example.cz/objednavky/0042.pdf' }],
};

export const EXAMPLE_INVOICE: Invoice = {
  typ: 'faktura',
  id: 'FAK-2024-1234',
  predmet: 'Oprava chodníku v ulici Školní – 1. etapa',
  cisloFaktury: 'FV2024001234',
  variabilniSymbol: '2024001234',
  datumVystaveni: '2024-06-10',
  datumUzp: '2024-06-10',
  datumSplatnosti: '2024-06-24',
  datumUhrady: '2024-06-20',
  smlouva: 'SML-2024-015',
  hodnotaBezDph: '625000.00',
  hodnotaVcetneDph: '756250.00',
  mena: 'CZK',
  paragraf: '2219',
  polozka: '5171',
  strany: [{ nazev: 'Stavby Novák s.r.o.', ico: '25596641', dic: 'CZ25596641', typOsoby: 'pravnicka', role: 'prijemce' }],
  prilohy: [{ nazev: 'faktura-FV2024001234.isdoc', typMedia: 'application/xml', url: 'https://www.example.cz/faktury/FV2024001234.isdoc' }],
};

export const EXAMPLES = { smlouva: EXAMPLE_CONTRACT, objednavka: EXAMPLE_ORDER, faktura: EXAMPLE_INVOICE } as const;
