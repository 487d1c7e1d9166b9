import { describe, expect, it } from 'vitest';
import { drain, SearchIndex, SearchIndexBuilder, type IndexDocument } from './search-index.ts';
import { RED_FLAG_CODES } from './red-flags.ts';
import type { RecordListFilter, RecordSearchSort } from './repository.ts';

/** A small deterministic random generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const WORDS = ['skola', 'skolni', 'skolka', 'jidelna', 'oprava', 'opravy', 'chodniku', 'c.', '2024/15/osm', '150007', '1500', 'dotace', 'sport', 'radnice', 's.r.o.', 'a', '😀'];
const NAMES = ['stavebni firma', 'skolni jidelna', 'oprava a udrzba', 'elektro svetlo', 'sport klub'];
const TYPES = ['smlouva', 'objednavka', 'faktura'];

/** Record ids as PostgreSQL hands them out after many upserts: sparse and beyond 32 bits. */
const sparseId = (n: number) => 3_000_000_000 + n * 7_919;

function makeDocument(id: number, next: () => number): IndexDocument {
  const pick = <T,>(values: readonly T[]) => values[Math.floor(next() * values.length)]!;
  const words = Array.from({ length: 1 + Math.floor(next() * 8) }, () => pick(WORDS));
  const flags = RED_FLAG_CODES.filter(() => next() < 0.15);
  return {
    id,
    organizationId: [1, 2, 3, 50_000_000, 4_000_000_000][Math.floor(next() * 5)]!,
    type: pick(TYPES),
    quality: pick(['A', 'B', 'C']),
    currency: pick(['CZK', 'CZK', 'EUR']),
    hasAttachment: next() < 0.5,
    redFlags: flags.length > 0 ? ` ${flags.join(' ')} ` : next() < 0.5 ? '' : null,
    primaryDate: `2024-${String(1 + Math.floor(next() * 12)).padStart(2, '0')}-${String(1 + Math.floor(next() * 28)).padStart(2, '0')}`,
    amount: next() < 0.2 ? null : Math.floor(next() * 20) * 100_000,
    searchText: ` ${words.join(' ')}`,
    parties: Array.from({ length: Math.floor(next() * 3) }, () => ({ nameFolded: pick(NAMES), ico: next() < 0.7 ? pick(['12345678', '1234567', '87654321', '123456789']) : null })),
  };
}

/** The SQL search's meaning (repository.ts), written plainly over an array. */
function reference(documents: IndexDocument[], filter: RecordListFilter, sort: RecordSearchSort) {
  const tokens = filter.tokens ?? [];
  const rows = documents.filter((d) => {
    if (filter.organizationIds && !filter.organizationIds.includes(d.organizationId)) return false;
    if (filter.type && d.type !== filter.type) return false;
    if (filter.dateFrom && d.primaryDate < filter.dateFrom) return false;
    if (filter.dateTo && d.primaryDate > filter.dateTo) return false;
    if (filter.amountFrom !== undefined && (d.amount === null || d.amount < filter.amountFrom)) return false;
    if (filter.amountTo !== undefined && (d.amount === null || d.amount > filter.amountTo)) return false;
    if (!tokens.every((t) => d.searchText.includes(` ${t}`))) return false;
    if (filter.currency && d.currency !== filter.currency) return false;
    if (filter.quality && d.quality !== filter.quality) return false;
    if (filter.flag && !(d.redFlags ?? '').includes(` ${filter.flag} `)) return false;
    if (filter.withAttachment && !d.hasAttachment) return false;
    if (!(filter.partyTokens ?? []).every((t) => d.parties.some((p) => ` ${p.nameFolded}`.includes(` ${t}`)))) return false;
    if (filter.partyIco && !d.parties.some((p) => p.ico === filter.partyIco)) return false;
    return true;
  });
  // instr counts characters: the spread string counts a character beyond the BMP once.
  const relevance = (d: IndexDocument) => tokens.reduce((sum, t) => sum + [...d.searchText.slice(0, Math.max(0, d.searchText.indexOf(` ${t}`)))].length + (d.searchText.includes(` ${t}`) ? 1 : 0), 0);
  const byDateDesc = (a: IndexDocument, b: IndexDocument) => (a.primaryDate < b.primaryDate ? 1 : a.primaryDate > b.primaryDate ? -1 : b.id - a.id);
  const compare: (a: IndexDocument, b: IndexDocument) => number =
    sort === 'relevance' && tokens.length > 0
      ? (a, b) => relevance(a) - relevance(b) || byDateDesc(a, b)
      : sort === 'amount_desc' || sort === 'amount_asc'
        ? (a, b) => Number(a.amount === null) - Number(b.amount === null) || (a.amount !== null && b.amount !== null ? (sort === 'amount_desc' ? b.amount - a.amount : a.amount - b.amount) : 0) || b.id - a.id
        : sort === 'date_asc'
          ? (a, b) => (a.primaryDate < b.primaryDate ? -1 : a.primaryDate > b.primaryDate ? 1 : a.id - b.id)
          : byDateDesc;
  const count = (predicate: (d: IndexDocument) => boolean) => rows.filter(predicate).length;
  const organizations = new Map<number, number>();
  for (const d of rows) organizations.set(d.organizationId, (organizations.get(d.organizationId) ?? 0) + 1);
  const currencies = new Map<string, number>();
  for (const d of rows) currencies.set(d.currency, (currencies.get(d.currency) ?? 0) + 1);
  return {
    sorted: [...rows].sort(compare).map((d) => d.id),
    facets: {
      total: rows.length,
      types: Object.fromEntries(TYPES.map((t) => [t, count((d) => d.type === t)])),
      qualities: Object.fromEntries(['A', 'B', 'C'].map((q) => [q, count((d) => d.quality === q)])),
      flags: Object.fromEntries(RED_FLAG_CODES.map((code) => [code, count((d) => (d.redFlags ?? '').includes(` ${code} `))])),
      withAttachment: count((d) => d.hasAttachment),
      currencies: [...currencies].map(([currency, n]) => ({ currency, count: n })).sort((a, b) => b.count - a.count || a.currency.localeCompare(b.currency)),
      organizations: [...organizations].map(([organizationId, n]) => ({ organizationId, count: n })).sort((a, b) => a.organizationId - b.organizationId),
    },
  };
}

function randomFilter(next: () => number): RecordListFilter {
  const maybe = <T,>(value: () => T, chance = 0.25): T | undefined => (next() < chance ? value() : undefined);
  const prefixes = ['sk', 'skol', 'skolni', 'opr', 'c', '2024', '150', '1500', 'a', 'spo', 'x', 'jidelna'];
  const filter: RecordListFilter = {
    tokens: maybe(() => Array.from({ length: 1 + Math.floor(next() * 2) }, () => prefixes[Math.floor(next() * prefixes.length)]!), 0.6),
    partyTokens: maybe(() => [['sk', 'jid', 'firma', 'o', 'svetlo'][Math.floor(next() * 5)]!], 0.2),
    partyIco: maybe(() => ['12345678', '1234567', '123456789', '00000000'][Math.floor(next() * 4)]!, 0.15),
    type: maybe(() => TYPES[Math.floor(next() * 3)]!),
    quality: maybe(() => ['A', 'B', 'C', 'D'][Math.floor(next() * 4)]!, 0.15),
    currency: maybe(() => ['CZK', 'EUR', 'USD'][Math.floor(next() * 3)]!, 0.15),
    flag: maybe(() => RED_FLAG_CODES[Math.floor(next() * RED_FLAG_CODES.length)]!, 0.15),
    withAttachment: next() < 0.2 ? true : undefined,
    dateFrom: maybe(() => '2024-04-01'),
    dateTo: maybe(() => '2024-09-30'),
    amountFrom: maybe(() => 500_000, 0.2),
    amountTo: maybe(() => 1_500_000, 0.2),
    organizationIds: maybe(() => [1, 50_000_000, 99], 0.2),
  };
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)) as RecordListFilter;
}

const SORTS: RecordSearchSort[] = ['relevance', 'date_desc', 'date_asc', 'amount_desc', 'amount_asc'];

describe('the in-memory search index', () => {
  it('answers every filter, facet and order as the SQL search does, also after additions, corrections and withdrawals', () => {
    const next = random(20261127);
    const live = new Map<number, IndexDocument>();
    for (let n = 1; n <= 300; n++) live.set(sparseId(n), makeDocument(sparseId(n), next));
    const index = SearchIndex.build(live.values());
    // Later changes: new records, corrections of indexed and of recent records, withdrawals.
    for (let step = 0; step < 150; step++) {
      const roll = next();
      const id = sparseId(roll < 0.4 ? 301 + step : 1 + Math.floor(next() * (300 + step)));
      if (roll > 0.9) {
        index.remove(id);
        live.delete(id);
      } else {
        const document = makeDocument(id, next);
        index.put(document);
        live.set(id, document);
      }
    }
    expect(index.documentCount).toBe(live.size);
    expect(index.unindexedCount).toBeGreaterThan(0);
    const documents = [...live.values()];
    for (let round = 0; round < 400; round++) {
      const filter = randomFilter(next);
      const sort = SORTS[round % SORTS.length]!;
      const offset = round % 7 === 0 ? 10 : 0;
      const expected = reference(documents, filter, sort);
      const answer = index.query(filter, sort, offset, 20);
      const context = JSON.stringify({ filter, sort, offset });
      expect(answer.ids, context).toEqual(expected.sorted.slice(offset, offset + 20));
      expect({ ...answer.facets, organizations: [...answer.facets.organizations].sort((a, b) => a.organizationId - b.organizationId) }, context).toEqual(expected.facets);
    }
    // Whole results in order (the downloads): the full sort, not the page heap.
    const everything = index.query({}, 'date_desc', 0, 100_000);
    expect(everything.ids).toEqual(reference(documents, {}, 'date_desc').sorted);
  });

  it('refuses a document after the builder was closed, and a second build', () => {
    const next = random(7);
    const builder = new SearchIndexBuilder();
    builder.add(makeDocument(1, next));
    builder.close();
    expect(() => builder.add(makeDocument(2, next))).toThrow(/closed/);
    expect(drain(builder.finish()).documentCount).toBe(1);
    expect(() => drain(builder.finish())).toThrow(/twice/);
  });

  it('matches a party IČO exactly and word prefixes only at word starts', () => {
    const document = (id: number, searchText: string, ico: string): IndexDocument => ({
      id, organizationId: 1, type: 'smlouva', quality: 'A', currency: 'CZK', hasAttachment: false, redFlags: null, primaryDate: '2024-01-01', amount: 1, searchText, parties: [{ nameFolded: 'skolni jidelna', ico }],
    });
    const index = SearchIndex.build([document(1, ' rekonstrukce skolni jidelny', '12345678'), document(2, ' oprava chodniku u skolni ulice', '123456789')]);
    index.put(document(3, ' pomucky pro skolku', '1234567'));
    expect(index.query({ partyIco: '12345678' }, 'date_desc', 0, 10).ids).toEqual([1]);
    expect(index.query({ partyIco: '1234567' }, 'date_desc', 0, 10).ids).toEqual([3]);
    expect(index.query({ tokens: ['kolni'] }, 'date_desc', 0, 10).ids).toEqual([]);
    expect(index.query({ tokens: ['skol'] }, 'relevance', 0, 10).ids).toEqual([3, 1, 2]);
    expect(index.query({ tokens: ['skolni'], partyTokens: ['jid'] }, 'date_desc', 0, 10).ids).toEqual([2, 1]);
  });

  it('looks a few candidates up in a long posting list instead of walking it, with the first position of a word', () => {
    const documents = Array.from({ length: 500 }, (_, i): IndexDocument => ({
      id: i + 1, organizationId: 1, type: 'smlouva', quality: 'A', currency: 'CZK', hasAttachment: false, redFlags: null, primaryDate: '2024-01-01', amount: 1,
      searchText: i % 100 === 7 ? ' vzacne slovo bezne bezne' : ' bezne slovo', parties: [],
    }));
    const index = SearchIndex.build(documents);
    index.put({ ...documents[0]!, id: 1000, searchText: ' bezne a pak vzacne' });
    const answer = index.query({ tokens: ['vzac', 'bez'] }, 'relevance', 0, 10);
    expect(answer.facets.total).toBe(6);
    // Relevance sums the positions: 1 + 14 for the indexed records, 1 + 13 for the record added later.
    expect(answer.ids).toEqual([1000, 408, 308, 208, 108, 8]);
  });
});
