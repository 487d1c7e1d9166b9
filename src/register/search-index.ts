/**
 * An in-memory search index over the current versions of published records: what /hledat needs at a million
 * records (prefix full text, every filter, facet counts, sorting) in milliseconds, where the same query in SQL
 * scans and counts hundreds of thousands of rows. Pure: documents come in, answers go out; the search service
 * loads it from the register and keeps it current.
 *
 * Semantics are those of the SQL search (repository.ts), so either answers a query the same way:
 * - a text token matches a record when a word of its search text starts with it (`search_text like '% token%'`);
 *   relevance is the sum over tokens of the 1-based position of the first such word (`instr`);
 * - a party token matches when a word of a current party's folded name starts with it; a party IČO is exact.
 *
 * Layout, for memory and speed: a record is a document with an ordinal. Columns are typed arrays by ordinal.
 * The words of the documents present at build time are in an immutable inverted index (one sorted vocabulary
 * string, postings in CSR arrays); documents added later are searched by scanning their text, until the owner
 * rebuilds. A changed record gets a new ordinal and its old one is marked dead.
 */
import { RED_FLAG_CODES } from './red-flags.ts';
import { GenerationCache } from '../shared/generation-cache.ts';
import type { RecordFacets, RecordListFilter, RecordSearchSort } from './repository.ts';

export interface IndexDocument {
  id: number;
  organizationId: number;
  type: string;
  quality: string;
  currency: string;
  hasAttachment: boolean;
  /** The stored column, ` code code `. */
  redFlags: string | null;
  primaryDate: string;
  /** Haléře: with VAT where stated, else without; null when no amount is stated. */
  amount: number | null;
  /** Folded, space-separated, with a leading space (rules.ts). */
  searchText: string;
  /** Current parties: folded names and IČO. */
  parties: Array<{ nameFolded: string; ico: string | null }>;
}

const TYPES = ['smlouva', 'objednavka', 'faktura'] as const;
const QUALITIES = ['A', 'B', 'C'] as const;
/** Marks an IČO in the party vocabulary, so that it never meets a name word. */
const ICO_MARK = '\u0001';
const NO_AMOUNT = Number.NaN;
/** Postings placed between two yields of a build (about 20 ms). */
const PLACED_PER_STEP = 2_000_000;
const ATTACHMENT_BIT = 1 << 30;
const FLAG_BITS = ATTACHMENT_BIT - 1;

/** An immutable inverted index: a sorted vocabulary and, per word, the ordinals (ascending) and positions. */
class Postings {
  constructor(
    /** The sorted words joined into one string: few objects for the garbage collector to walk. */
    private readonly vocabulary: string,
    /** Word i is vocabulary.slice(wordStart[i], wordStart[i + 1]). */
    private readonly wordStart: Uint32Array,
    /** Postings of the i-th word in vocabulary order: postingStart[i] .. postingStart[i + 1]. */
    private readonly postingStart: Uint32Array,
    readonly ordinals: Int32Array,
    readonly positions: Uint16Array | null,
  ) {}

  get wordCount(): number {
    return this.wordStart.length - 1;
  }

  /** Compares word i with `prefix` on its first prefix.length characters. */
  private comparePrefix(i: number, prefix: string): number {
    const start = this.wordStart[i]!;
    const end = this.wordStart[i + 1]!;
    for (let k = 0; k < prefix.length; k++) {
      if (start + k >= end) return -1;
      const diff = this.vocabulary.charCodeAt(start + k) - prefix.charCodeAt(k);
      if (diff !== 0) return diff;
    }
    return 0;
  }

  /** The range of words [from, to) that start with `prefix`. */
  wordRange(prefix: string): [number, number] {
    let low = 0;
    let high = this.wordCount;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.comparePrefix(mid, prefix) < 0) low = mid + 1;
      else high = mid;
    }
    let end = low;
    let top = this.wordCount;
    while (end < top) {
      const mid = (end + top) >>> 1;
      if (this.comparePrefix(mid, prefix) <= 0) end = mid + 1;
      else top = mid;
    }
    return [low, end];
  }

  postingRange(from: number, to: number): [number, number] {
    return [this.postingStart[from]!, this.postingStart[to]!];
  }

  /** The word range of exactly `word`: the first word of its prefix range when it is no longer than `word`. */
  exactWord(word: string): [number, number] {
    const [from, to] = this.wordRange(word);
    if (from === to || this.wordStart[from + 1]! - this.wordStart[from]! !== word.length) return [from, from];
    return [from, from + 1];
  }

  wordAt(i: number): string {
    return this.vocabulary.slice(this.wordStart[i], this.wordStart[i + 1]);
  }

  /** Where `ordinal` is in the postings of word `word`, or -1 (binary search: postings are ascending). */
  find(word: number, ordinal: number): number {
    let low = this.postingStart[word]!;
    let high = this.postingStart[word + 1]!;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const value = this.ordinals[mid]!;
      if (value === ordinal) return mid;
      if (value < ordinal) low = mid + 1;
      else high = mid;
    }
    return -1;
  }
}

/** Collects (word, ordinal, position) triples and turns them into Postings. */
class PostingsBuilder {
  private readonly wordIds = new Map<string, number>();
  private words: string[] = [];
  private lastOrdinal = new Int32Array(1024).fill(-1);
  private pairWord = new Int32Array(1 << 16);
  private pairOrdinal = new Int32Array(1 << 16);
  private pairPosition: Uint16Array<ArrayBuffer> | null;
  private pairs = 0;
  private closed = false;
  private built = false;

  constructor(withPositions: boolean) {
    this.pairPosition = withPositions ? new Uint16Array(1 << 16) : null;
  }

  /** Adds a word of a document; only its first occurrence in the document counts. */
  add(word: string, ordinal: number, position: number): void {
    if (this.closed) throw new Error('a word added to a closed postings builder');
    let id = this.wordIds.get(word);
    if (id === undefined) {
      id = this.words.length;
      // A word cut from a document's text may keep the whole text alive (V8 slices long strings); a copy does not.
      // At 900,002 records that lowered the build's peak by ~110 MB.
      const own = word.length >= 13 ? (word + ' ').slice(0, -1) : word;
      this.words.push(own);
      this.wordIds.set(own, id);
      if (id >= this.lastOrdinal.length) {
        const grown = new Int32Array(this.lastOrdinal.length * 2).fill(-1);
        grown.set(this.lastOrdinal);
        this.lastOrdinal = grown;
      }
    }
    if (this.lastOrdinal[id] === ordinal) return;
    this.lastOrdinal[id] = ordinal;
    if (this.pairs === this.pairWord.length) {
      this.pairWord = grow(this.pairWord);
      this.pairOrdinal = grow(this.pairOrdinal);
      if (this.pairPosition) this.pairPosition = grow(this.pairPosition);
    }
    this.pairWord[this.pairs] = id;
    this.pairOrdinal[this.pairs] = ordinal;
    if (this.pairPosition) this.pairPosition[this.pairs] = Math.min(position, 0xffff);
    this.pairs++;
  }

  /** Lets go of what only adding needs (the lookup map is the largest object of a build); no word can be added after. */
  close(): void {
    this.closed = true;
    this.wordIds.clear();
    this.lastOrdinal = new Int32Array(0);
  }

  /**
   * Builds the postings in steps: at each `yield` the caller may let other work run (a server answers requests
   * in between), since sorting two million words and placing twenty million postings take seconds in all.
   * Once only: the pairs are let go when placed.
   */
  *build(): Generator<void, Postings> {
    if (this.built) throw new Error('postings built twice');
    this.built = true;
    this.close();
    const words = this.words;
    // Sorted in buckets by the first two characters (their order is the strings' order), one bucket at a time.
    const buckets = new Map<number, number[]>();
    for (let id = 0; id < words.length; id++) {
      const word = words[id]!;
      const key = word.charCodeAt(0) * 65537 + (word.length > 1 ? word.charCodeAt(1) + 1 : 0);
      const bucket = buckets.get(key);
      if (bucket) bucket.push(id);
      else buckets.set(key, [id]);
    }
    const order: number[] = [];
    let sortedSinceYield = 0;
    for (const key of [...buckets.keys()].sort((a, b) => a - b)) {
      const bucket = buckets.get(key)!.sort((a, b) => (words[a]! < words[b]! ? -1 : words[a]! > words[b]! ? 1 : 0));
      for (const id of bucket) order.push(id);
      sortedSinceYield += bucket.length;
      if (sortedSinceYield > 100_000) {
        sortedSinceYield = 0;
        yield;
      }
    }
    const rankOf = new Int32Array(words.length);
    order.forEach((id, rank) => (rankOf[id] = rank));
    yield;
    const wordStart = new Uint32Array(words.length + 1);
    let length = 0;
    for (let rank = 0; rank < order.length; rank++) {
      wordStart[rank] = length;
      length += words[order[rank]!]!.length;
    }
    wordStart[order.length] = length;
    const vocabulary = order.map((id) => words[id]).join('');
    // Counting sort by word rank; ordinals stay ascending within a word because pairs came in ordinal order.
    yield;
    const postingStart = new Uint32Array(words.length + 1);
    for (let i = 0; i < this.pairs; i++) postingStart[rankOf[this.pairWord[i]!]! + 1]!++;
    for (let rank = 0; rank < words.length; rank++) postingStart[rank + 1]! += postingStart[rank]!;
    const fill = postingStart.slice(0, words.length);
    const ordinals = new Int32Array(this.pairs);
    const positions = this.pairPosition ? new Uint16Array(this.pairs) : null;
    for (let from = 0; from < this.pairs; from += PLACED_PER_STEP) {
      yield;
      const to = Math.min(this.pairs, from + PLACED_PER_STEP);
      for (let i = from; i < to; i++) {
        const at = fill[rankOf[this.pairWord[i]!]!]!++;
        ordinals[at] = this.pairOrdinal[i]!;
        if (positions) positions[at] = this.pairPosition![i]!;
      }
    }
    this.pairWord = new Int32Array(0);
    this.pairOrdinal = new Int32Array(0);
    if (this.pairPosition) this.pairPosition = new Uint16Array(0);
    return new Postings(vocabulary, wordStart, postingStart, ordinals, positions);
  }
}

type NumberArray = Int32Array<ArrayBuffer> | Uint32Array<ArrayBuffer> | Uint16Array<ArrayBuffer> | Float64Array<ArrayBuffer> | Uint8Array<ArrayBuffer>;

function grow<T extends NumberArray>(array: T): T {
  const grown = new (array.constructor as new (length: number) => T)(Math.max(16, array.length * 2));
  grown.set(array);
  return grown;
}

/** Calls `visit(word, position)` for each space-separated word of a folded text; position is instr's (1-based, of the space). */
function eachWord(text: string, visit: (word: string, position: number) => void): void {
  let start = 0;
  // instr and strpos count characters, JavaScript UTF-16 units: a character beyond the BMP is two units.
  let pairs = 0;
  let pairsAtStart = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i === text.length ? 32 : text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) pairs++;
    if (code === 32) {
      if (i > start) visit(text.slice(start, i), start - pairsAtStart);
      start = i + 1;
      pairsAtStart = pairs;
    }
  }
}

/** instr's 1-based character position of `needle` in `text`, 0 when absent. */
function characterPosition(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0) return 0;
  let pairs = 0;
  for (let i = 0; i < at; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) pairs++;
  }
  return at + 1 - pairs;
}

/** Party names as one text, each name with a leading space, so that a prefix scan starts at word boundaries. */
function partyText(parties: IndexDocument['parties']): string {
  return parties.map((p) => ` ${p.nameFolded}`).join('');
}

export interface IndexAnswer {
  /** Record ids of the requested page, in order. */
  ids: number[];
  facets: Omit<RecordFacets, 'organizations'> & { organizations: Array<{ organizationId: number; count: number }> };
}

export class SearchIndex {
  private size = 0;
  private recordId = new Float64Array(1024);
  private organization = new Int32Array(1024);
  /** Index into TYPES, QUALITIES (255 when other), the currency list. */
  private typeOf = new Uint8Array(1024);
  private qualityOf = new Uint8Array(1024);
  private currencyOf = new Uint16Array(1024);
  /** Bit i: RED_FLAG_CODES[i]; ATTACHMENT_BIT: has an attachment. Small integers, so that reads stay untagged. */
  private flagBits = new Int32Array(1024);
  private dateOf = new Int32Array(1024);

  private amountOf = new Float64Array(1024);
  private alive = new Uint8Array(1024);
  private readonly currencies: string[] = [];
  /** Organisations by a dense index (the column holds the index; ids may be large and sparse). */
  private readonly organizationIds: number[] = [];
  private readonly organizationIndex = new Map<number, number>();
  /** Facet counts of every live document, kept as documents come and go: the unfiltered search needs no count. */
  private readonly all = { types: new Uint32Array(256), qualities: new Uint32Array(256), flags: new Uint32Array(32), currencies: [] as number[], organizations: new Map<number, number>(), withAttachment: 0 };
  /** Ordinal by record id (ids may be sparse: a PostgreSQL upsert uses up sequence values). */
  private readonly ordinalOfRecord = new Map<number, number>();
  private mutations = 0;
  private readonly answers = new GenerationCache<IndexAnswer>(200);
  private text: Postings | null = null;
  private party: Postings | null = null;
  /** Documents past the inverted index: ordinal → texts to scan. */
  private readonly recent = new Map<number, { text: string; parties: string; icos: string[] }>();
  private liveCount = 0;
  // Scratch space of one query (queries run one at a time on the event loop).
  private matched = new Uint8Array(1024);
  private positionSum = new Uint32Array(1024);
  private lastPosition = new Uint16Array(1024);

  /** Builds an index of these documents; later changes go through `put` and `remove`. */
  static build(documents: Iterable<IndexDocument>): SearchIndex {
    const builder = new SearchIndexBuilder();
    for (const document of documents) builder.add(document);
    return drain(builder.finish());
  }

  /** For the builder: appends a document to the columns and returns its ordinal. */
  static appendTo(index: SearchIndex, document: IndexDocument): number {
    return index.append(document);
  }

  /** For the builder: the inverted indexes of every document so far. */
  static seal(index: SearchIndex, text: Postings, party: Postings): void {
    index.text = text;
    index.party = party;
  }

  /** Documents held, dead ones excluded. */
  get documentCount(): number {
    return this.liveCount;
  }

  /** Documents searched by scanning, not by the inverted index: the owner rebuilds when this grows. */
  get unindexedCount(): number {
    return this.recent.size;
  }

  /** Adds or replaces the document of a record. */
  put(document: IndexDocument): void {
    this.remove(document.id);
    const ordinal = this.append(document);
    this.recent.set(ordinal, { text: document.searchText, parties: partyText(document.parties), icos: document.parties.flatMap((p) => (p.ico ? [p.ico] : [])) });
  }

  /** Drops the record (withdrawn); nothing when it is not held. */
  remove(recordId: number): void {
    const ordinal = this.ordinalOfRecord.get(recordId);
    if (ordinal === undefined) return;
    this.alive[ordinal] = 0;
    this.liveCount--;
    this.countAll(ordinal, -1);
    this.mutations++;
    this.ordinalOfRecord.delete(recordId);
    this.recent.delete(ordinal);
  }

  private append(document: IndexDocument): number {
    if (this.size === this.recordId.length) {
      this.recordId = grow(this.recordId);
      this.organization = grow(this.organization);
      this.typeOf = grow(this.typeOf);
      this.qualityOf = grow(this.qualityOf);
      this.currencyOf = grow(this.currencyOf);
      this.flagBits = grow(this.flagBits);
      this.dateOf = grow(this.dateOf);
      this.amountOf = grow(this.amountOf);
      this.alive = grow(this.alive);
      this.matched = grow(this.matched);
      this.positionSum = grow(this.positionSum);
      this.lastPosition = grow(this.lastPosition);
    }
    const ordinal = this.size++;
    this.recordId[ordinal] = document.id;
    let organization = this.organizationIndex.get(document.organizationId);
    if (organization === undefined) {
      organization = this.organizationIds.push(document.organizationId) - 1;
      this.organizationIndex.set(document.organizationId, organization);
    }
    this.organization[ordinal] = organization;
    this.typeOf[ordinal] = codeOf(TYPES, document.type);
    this.qualityOf[ordinal] = codeOf(QUALITIES, document.quality);
    let currency = this.currencies.indexOf(document.currency);
    if (currency < 0) currency = this.currencies.push(document.currency) - 1;
    this.currencyOf[ordinal] = currency;
    let bits = document.hasAttachment ? ATTACHMENT_BIT : 0;
    const flags = document.redFlags ?? '';
    RED_FLAG_CODES.forEach((code, bit) => {
      if (flags.includes(` ${code} `)) bits |= 1 << bit;
    });
    this.flagBits[ordinal] = bits;
    this.dateOf[ordinal] = dateNumber(document.primaryDate);
    this.amountOf[ordinal] = document.amount ?? NO_AMOUNT;
    this.alive[ordinal] = 1;
    this.liveCount++;
    this.countAll(ordinal, 1);
    this.mutations++;
    this.ordinalOfRecord.set(document.id, ordinal);
    return ordinal;
  }

  private countAll(ordinal: number, delta: 1 | -1): void {
    const all = this.all;
    all.types[this.typeOf[ordinal]!]! += delta;
    all.qualities[this.qualityOf[ordinal]!]! += delta;
    const currency = this.currencyOf[ordinal]!;
    all.currencies[currency] = (all.currencies[currency] ?? 0) + delta;
    const organizationId = this.organization[ordinal]!;
    all.organizations.set(organizationId, (all.organizations.get(organizationId) ?? 0) + delta);
    const bits = this.flagBits[ordinal]!;
    if (bits & ATTACHMENT_BIT) all.withAttachment += delta;
    for (let bit = 0; bit < RED_FLAG_CODES.length; bit++) if (bits & (1 << bit)) all.flags[bit]! += delta;
  }

  /**
   * The ordinals (any order, dead ones included) that satisfy every text and party condition, with relevance
   * position sums in `positionSum`; null when the filter has no such condition (every document qualifies).
   * Conditions run from the one with the fewest postings; once few candidates remain, each is looked up in the
   * postings by binary search instead of walking a long posting list.
   */
  private matchWords(filter: RecordListFilter): { ordinals: Int32Array; count: number } | null {
    const conditions = [
      ...(filter.tokens ?? []).map((token) => new WordCondition(this.text!, token, TEXT_WORD)),
      ...(filter.partyTokens ?? []).map((token) => new WordCondition(this.party!, token, PARTY_WORD)),
      ...(filter.partyIco ? [new WordCondition(this.party!, filter.partyIco, PARTY_ICO)] : []),
    ];
    if (conditions.length === 0) return null;
    conditions.sort((a, b) => a.postingCount - b.postingCount);
    const { matched, positionSum, lastPosition } = this;
    matched.fill(0, 0, this.size);
    let candidates = new Int32Array(0);
    let count = 0;
    for (let step = 0; step < conditions.length; step++) {
      const condition = conditions[step]!;
      const { postings, fromWord, toWord, postingCount } = condition;
      const relevance = condition.kind === TEXT_WORD ? 1 : 0;
      const positions = relevance === 1 && postings.positions ? postings.positions : NO_POSITIONS;
      if (step === 0) candidates = new Int32Array(postingCount + this.recent.size);
      if (step > 0 && count * (toWord - fromWord) * 24 < postingCount) {
        for (let c = 0; c < count; c++) {
          const ordinal = candidates[c]!;
          const entry = this.recent.get(ordinal);
          if (entry) this.matchRecent(condition, ordinal, entry, step);
          else lookUpCandidate(postings, positions, relevance, fromWord, toWord, ordinal, step, matched, positionSum);
        }
      } else {
        const [start, end] = postings.postingRange(fromWord, toWord);
        count = walkPostings(postings.ordinals, positions, relevance, start, end, step, matched, positionSum, lastPosition, candidates, count);
        for (const [ordinal, entry] of this.recent) {
          if (matched[ordinal] === step && this.matchRecent(condition, ordinal, entry, step) && step === 0) candidates[count++] = ordinal;
        }
        if (step === 0) continue;
      }
      count = keepMatched(candidates, count, matched, step + 1);
    }
    return { ordinals: candidates, count };
  }

  /** Matches a document added after the build by scanning its text; true when it matches. */
  private matchRecent(condition: WordCondition, ordinal: number, entry: RecentEntry, step: number): boolean {
    let position = 0;
    if (condition.kind === TEXT_WORD) position = characterPosition(entry.text, ` ${condition.word}`);
    else if (condition.kind === PARTY_WORD) position = entry.parties.indexOf(` ${condition.word}`) >= 0 ? 1 : 0;
    else position = entry.icos.includes(condition.word) ? 1 : 0;
    if (position <= 0) return false;
    this.matched[ordinal] = step + 1;
    const weight = condition.kind === TEXT_WORD ? Math.min(position, 0xffff) : 0;
    if (step === 0) this.positionSum[ordinal] = weight;
    else this.positionSum[ordinal]! += weight;
    return true;
  }

  /**
   * The page [offset, offset + limit) of the filtered documents in the given order, and the facet counts of all
   * of them. Organisation ids are given as a filter already (subordinates resolved by the caller).
   */
  query(filter: RecordListFilter, sort: RecordSearchSort, offset: number, limit: number): IndexAnswer {
    // Paging and re-sorting repeat a query; any change to the documents starts a new generation of answers.
    const key = JSON.stringify([filter, sort, offset, limit]);
    const generation = String(this.mutations);
    const cached = this.answers.get(key, generation);
    if (cached) return cached;
    const answer = this.compute(filter, sort, offset, limit);
    if (offset + limit <= 1000) this.answers.set(key, generation, answer);
    return answer;
  }

  /**
   * Runs each kind of query a few times, so that the compiler has optimised the loops before the first visitor
   * comes (the first unoptimised run of a query over a million documents takes several times longer).
   */
  *warmUp(): Generator<void, void> {
    const text = this.text;
    const words = text?.wordCount ?? 0;
    // A rare word (the last of the vocabulary) and a common prefix (the first letters of the middle word).
    const rare = (text && words > 0 ? text.wordAt(words - 1) : '') || 'a';
    const common = (text && words > 0 ? text.wordAt(Math.floor(words / 2)) : '').slice(0, 2) || 'a';
    const organizationId = this.organizationIds[0] ?? 0;
    const filters: RecordListFilter[] = [
      {},
      { tokens: [common] },
      { tokens: [rare, common] },
      { tokens: [common, common + 'a'] },
      { organizationIds: [organizationId] },
      { organizationIds: [organizationId], tokens: [common] },
      { dateFrom: '2000-01-01', dateTo: '2100-12-31', type: 'smlouva' },
      { amountFrom: 100, quality: 'A', withAttachment: true },
      { flag: RED_FLAG_CODES[0], currency: 'CZK' },
      { partyTokens: [common] },
    ];
    for (let round = 0; round < 5; round++) {
      for (const filter of filters) {
        for (const sort of ['date_desc', 'date_asc', 'relevance', 'amount_desc'] as const) this.compute(filter, sort, 0, 20);
        yield;
      }
    }
  }

  private compute(filter: RecordListFilter, sort: RecordSearchSort, offset: number, limit: number): IndexAnswer {
    const words = this.matchWords(filter);
    const organizations = filter.organizationIds ? new Set(filter.organizationIds) : null;
    const type = filter.type === undefined ? -1 : codeOf(TYPES, filter.type);
    const quality = filter.quality === undefined ? -1 : codeOf(QUALITIES, filter.quality);
    const currency = filter.currency === undefined ? -1 : this.currencies.indexOf(filter.currency);
    const flagBit = filter.flag === undefined ? 0 : RED_FLAG_CODES.indexOf(filter.flag as (typeof RED_FLAG_CODES)[number]);
    const flagMask = filter.flag === undefined ? 0 : flagBit < 0 ? -1 : 1 << flagBit;
    const attachmentMask = filter.withAttachment ? ATTACHMENT_BIT : 0;
    const dateFrom = filter.dateFrom ? dateNumber(filter.dateFrom) : -Infinity;
    const dateTo = filter.dateTo ? dateNumber(filter.dateTo) : Infinity;
    const amountFrom = filter.amountFrom ?? -Infinity;
    const amountTo = filter.amountTo ?? Infinity;
    const amountFiltered = filter.amountFrom !== undefined || filter.amountTo !== undefined;
    const impossible = (filter.type !== undefined && type === 255) || (filter.quality !== undefined && quality === 255) || (filter.currency !== undefined && currency < 0) || flagMask === -1;

    const typeCounts = new Uint32Array(256);
    const qualityCounts = new Uint32Array(256);
    const flagCounts = new Uint32Array(32);
    const currencyCounts = new Uint32Array(this.currencies.length);
    const organizationCounts = new Uint32Array(this.organizationIds.length);
    const { alive } = this;
    const keep = offset + limit;
    // The page is chosen during the scan by a heap of offset + limit entries on numeric keys (downloads too).
    const order = sortOrder(sort, (filter.tokens ?? []).length > 0);
    const top = new TopByKey(Math.max(0, Math.min(keep, this.liveCount)));
    const keySign = sort === 'date_asc' ? -1 : 1;
    let total = 0;
    let withAttachment = 0;
    const unfiltered = !words && !impossible && type < 0 && quality < 0 && currency < 0 && flagMask === 0 && attachmentMask === 0 && !filter.dateFrom && !filter.dateTo && !amountFiltered && !organizations;
    if (unfiltered) {
      for (let i = 0; i < this.size; i++) {
        const ordinal = keySign > 0 ? this.size - 1 - i : i;
        if (alive[ordinal] === 0) continue;
        const date = keySign * this.dateOf[ordinal]!;
        if (order !== ORDER_DATE || date >= top.floor) offerSorted(top, order, ordinal, keySign, this.dateOf, this.amountOf, this.positionSum, this.recordId);
        total++;
      }
      const all = this.all;
      typeCounts.set(all.types);
      qualityCounts.set(all.qualities);
      flagCounts.set(all.flags);
      all.currencies.forEach((count, i) => (currencyCounts[i] = count));
      for (const [organization, count] of all.organizations) organizationCounts[organization] = count;
      withAttachment = all.withAttachment;
    }
    if (!impossible && !unfiltered) {
      let organizationMask = new Uint8Array(0);
      if (organizations) {
        organizationMask = new Uint8Array(this.organizationIds.length);
        for (const id of organizations) {
          const organization = this.organizationIndex.get(id);
          if (organization !== undefined) organizationMask[organization] = 1;
        }
      }
      const scan = new Scan(
        this.alive, this.typeOf, this.qualityOf, this.currencyOf, this.flagBits, this.dateOf, this.amountOf, this.organization,
        type, quality, currency, flagMask, attachmentMask, dateFrom, dateTo, amountFiltered ? 1 : 0, amountFrom, amountTo, organizations ? 1 : 0, organizationMask,
        top, order, keySign, this.positionSum, this.recordId, typeCounts, qualityCounts, currencyCounts, organizationCounts, flagCounts,
      );
      if (words) scan.run(words.ordinals, words.count, 1);
      else scan.run(new Int32Array(0), this.size, 0);
      total = scan.total;
      withAttachment = scan.withAttachment;
    }
    const page = top.sorted().slice(offset, keep);
    return {
      ids: page.map((ordinal) => this.recordId[ordinal]!),
      facets: {
        total,
        types: Object.fromEntries(TYPES.map((t, i) => [t, typeCounts[i]!])),
        qualities: Object.fromEntries(QUALITIES.map((q, i) => [q, qualityCounts[i]!])),
        flags: Object.fromEntries(RED_FLAG_CODES.map((code, i) => [code, flagCounts[i]!])),
        withAttachment,
        currencies: this.currencies
          .map((code, i) => ({ currency: code, count: currencyCounts[i]! }))
          .filter((c) => c.count > 0)
          .sort((a, b) => b.count - a.count || (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0)),
        organizations: Array.from(organizationCounts).flatMap((count, organization) => (count > 0 ? [{ organizationId: this.organizationIds[organization]!, count }] : [])),
      },
    };
  }
}

/**
 * The filter-and-count loop of a query, apart from `query` so that it compiles once for every shape of filter
 * (a loop inside a function that sees many filter object shapes is deoptimised again and again).
 */
class Scan {
  total = 0;
  withAttachment = 0;

  constructor(
    private readonly alive: Uint8Array,
    private readonly typeOf: Uint8Array,
    private readonly qualityOf: Uint8Array,
    private readonly currencyOf: Uint16Array,
    private readonly flagBits: Int32Array,
    private readonly dateOf: Int32Array,
    private readonly amountOf: Float64Array,
    private readonly organizationOf: Int32Array,
    private readonly type: number,
    private readonly quality: number,
    private readonly currency: number,
    private readonly flagMask: number,
    private readonly attachmentMask: number,
    private readonly dateFrom: number,
    private readonly dateTo: number,
    private readonly amountFiltered: number,
    private readonly amountFrom: number,
    private readonly amountTo: number,
    private readonly organizationFiltered: number,
    private readonly organizationMask: Uint8Array,
    private readonly top: TopByKey,
    /** The ORDER_ of the page heap. */
    private readonly order: number,
    private readonly keySign: number,
    private readonly positionSum: Uint32Array,
    private readonly recordId: Float64Array,
    private readonly typeCounts: Uint32Array,
    private readonly qualityCounts: Uint32Array,
    private readonly currencyCounts: Uint32Array,
    private readonly organizationCounts: Uint32Array,
    private readonly flagCounts: Uint32Array,
  ) {}

  /** Visits `ordinals[0..count)` (or 0..count when `fromList` is 0). */
  run(ordinals: Int32Array, count: number, fromList: number): void {
    const { alive, typeOf, qualityOf, currencyOf, flagBits, dateOf, amountOf, organizationOf, type, quality, currency, flagMask, attachmentMask, dateFrom, dateTo } = this;
    // Ordinals grow with record ids, roughly with dates: newest first, few documents beat the page's floor.
    const backwards = this.keySign > 0 ? 1 : 0;
    const { amountFiltered, amountFrom, amountTo, organizationFiltered, organizationMask, top, order, keySign, positionSum, recordId, typeCounts, qualityCounts, currencyCounts, organizationCounts, flagCounts } = this;
    let total = 0;
    let withAttachment = 0;
    const dateFiltered = dateFrom > -Infinity || dateTo < Infinity ? 1 : 0;
    // The cheapest and most selective checks first: a rejected document should cost as few column reads as can be.
    for (let i = 0; i < count; i++) {
      const n = backwards === 1 ? count - 1 - i : i;
      const ordinal = fromList === 1 ? ordinals[n]! : n;
      if (alive[ordinal] === 0) continue;
      if (organizationFiltered === 1 && organizationMask[organizationOf[ordinal]!] !== 1) continue;
      if (dateFiltered === 1) {
        const date = dateOf[ordinal]!;
        if (date < dateFrom || date > dateTo) continue;
      }
      if (amountFiltered === 1) {
        const amount = amountOf[ordinal]!;
        if (!(amount >= amountFrom && amount <= amountTo)) continue;
      }
      if (type >= 0 && typeOf[ordinal] !== type) continue;
      if (quality >= 0 && qualityOf[ordinal] !== quality) continue;
      if (currency >= 0 && currencyOf[ordinal] !== currency) continue;
      const bits = flagBits[ordinal]!;
      if (flagMask > 0 && (bits & flagMask) === 0) continue;
      if (attachmentMask !== 0 && (bits & attachmentMask) === 0) continue;
      const organizationId = organizationOf[ordinal]!;
      if (order === ORDER_DATE) {
        // Most documents fall below the page's floor by date alone.
        const key = keySign * dateOf[ordinal]!;
        if (key >= top.floor) top.offer(ordinal, key, keySign * recordId[ordinal]!, 0);
      } else offerSorted(top, order, ordinal, keySign, dateOf, amountOf, positionSum, recordId);
      total++;
      typeCounts[typeOf[ordinal]!]!++;
      qualityCounts[qualityOf[ordinal]!]!++;
      currencyCounts[currencyOf[ordinal]!]!++;
      organizationCounts[organizationId]!++;
      if (bits & ATTACHMENT_BIT) withAttachment++;
      if ((bits & FLAG_BITS) !== 0) for (let bit = 0; bit < 30; bit++) if (bits & (1 << bit)) flagCounts[bit]!++;
    }
    this.total = total;
    this.withAttachment = withAttachment;
  }
}

const ORDER_DATE = 1;
const ORDER_RELEVANCE = 2;
const ORDER_AMOUNT_DESC = 3;
const ORDER_AMOUNT_ASC = 4;

function sortOrder(sort: RecordSearchSort, hasTokens: boolean): number {
  if (sort === 'relevance' && hasTokens) return ORDER_RELEVANCE;
  if (sort === 'amount_desc') return ORDER_AMOUNT_DESC;
  if (sort === 'amount_asc') return ORDER_AMOUNT_ASC;
  return ORDER_DATE;
}

/**
 * Offers a document to the page heap under the SQL order as three numbers, larger first: relevance (position sum
 * ascending, then date and id descending), amount (records without one last, ties by id descending), date (date,
 * then id, both descending or both ascending).
 */
function offerSorted(top: TopByKey, order: number, ordinal: number, keySign: number, dateOf: Int32Array, amountOf: Float64Array, positionSum: Uint32Array, recordId: Float64Array): void {
  if (order === ORDER_RELEVANCE) top.offer(ordinal, -positionSum[ordinal]!, dateOf[ordinal]!, recordId[ordinal]!);
  else if (order === ORDER_AMOUNT_DESC || order === ORDER_AMOUNT_ASC) {
    const amount = amountOf[ordinal]!;
    top.offer(ordinal, Number.isNaN(amount) ? -Infinity : order === ORDER_AMOUNT_DESC ? amount : -amount, recordId[ordinal]!, 0);
  } else top.offer(ordinal, keySign * dateOf[ordinal]!, keySign * recordId[ordinal]!, 0);
}


interface RecentEntry {
  text: string;
  parties: string;
  icos: string[];
}

const TEXT_WORD = 1;
const PARTY_WORD = 2;
const PARTY_ICO = 3;
const NO_POSITIONS = new Uint16Array(0);

/** One text or party condition of a query and the vocabulary range it covers. */
class WordCondition {
  readonly fromWord: number;
  readonly toWord: number;
  readonly postingCount: number;

  constructor(
    readonly postings: Postings,
    readonly word: string,
    readonly kind: number,
  ) {
    const [fromWord, toWord] = kind === PARTY_ICO ? postings.exactWord(ICO_MARK + word) : postings.wordRange(word);
    const [start, end] = postings.postingRange(fromWord, toWord);
    this.fromWord = fromWord;
    this.toWord = toWord;
    this.postingCount = end - start;
  }
}

/*
 * The hot loops of word matching, as functions of numbers and typed arrays only: each compiles once, whatever
 * the shape of the query that calls it (a loop inside a method that sees many shapes is deoptimised again and
 * again, and then walks half a million postings in the interpreter).
 */

/** Walks postings [start, end): documents at `step` move to step + 1 (the first step lists them as candidates). */
function walkPostings(ordinals: Int32Array, positions: Uint16Array, relevance: number, start: number, end: number, step: number, matched: Uint8Array, positionSum: Uint32Array, lastPosition: Uint16Array, candidates: Int32Array, count: number): number {
  const next = step + 1;
  for (let i = start; i < end; i++) {
    const ordinal = ordinals[i]!;
    const state = matched[ordinal]!;
    const position = relevance === 1 ? positions[i]! : 0;
    if (state === step) {
      matched[ordinal] = next;
      if (step === 0) {
        candidates[count++] = ordinal;
        positionSum[ordinal] = position;
      } else positionSum[ordinal]! += position;
      lastPosition[ordinal] = position;
    } else if (state === next && position < lastPosition[ordinal]!) {
      // A second word with the prefix, earlier in the text: the first occurrence counts.
      positionSum[ordinal]! -= lastPosition[ordinal]! - position;
      lastPosition[ordinal] = position;
    }
  }
  return count;
}

/** Looks one candidate up in the posting lists of words [fromWord, toWord) by binary search. */
function lookUpCandidate(postings: Postings, positions: Uint16Array, relevance: number, fromWord: number, toWord: number, ordinal: number, step: number, matched: Uint8Array, positionSum: Uint32Array): void {
  let best = -1;
  for (let word = fromWord; word < toWord; word++) {
    const at = postings.find(word, ordinal);
    if (at < 0) continue;
    const position = relevance === 1 ? positions[at]! : 0;
    if (best < 0 || position < best) best = position;
  }
  if (best >= 0) {
    matched[ordinal] = step + 1;
    positionSum[ordinal]! += best;
  }
}

/** Keeps the candidates that reached `state`; returns how many. */
function keepMatched(candidates: Int32Array, count: number, matched: Uint8Array, state: number): number {
  let kept = 0;
  for (let c = 0; c < count; c++) {
    const ordinal = candidates[c]!;
    if (matched[ordinal] === state) candidates[kept++] = ordinal;
  }
  return kept;
}

/** The `size` entries with the largest (primary, secondary, tertiary) keys, kept in a min-heap on typed arrays. */
class TopByKey {
  private readonly keys: Float64Array;
  private readonly ordinals: Int32Array;
  private length = 0;
  /** Primary keys below this cannot enter: -Infinity until the heap is full, then its smallest primary key. */
  floor = -Infinity;

  constructor(private readonly size: number) {
    this.keys = new Float64Array(size * 3);
    this.ordinals = new Int32Array(size);
  }

  /** Compares entry i with the key (p, s, t): negative when the entry is smaller. */
  private compare(i: number, p: number, s: number, t: number): number {
    const k = this.keys;
    return k[3 * i]! - p || k[3 * i + 1]! - s || k[3 * i + 2]! - t;
  }

  private place(i: number, ordinal: number, p: number, s: number, t: number): void {
    this.keys[3 * i] = p;
    this.keys[3 * i + 1] = s;
    this.keys[3 * i + 2] = t;
    this.ordinals[i] = ordinal;
  }

  private move(from: number, to: number): void {
    const k = this.keys;
    this.place(to, this.ordinals[from]!, k[3 * from]!, k[3 * from + 1]!, k[3 * from + 2]!);
  }

  offer(ordinal: number, p: number, s: number, t: number): void {
    if (this.size === 0) return;
    const k = this.keys;
    if (this.length < this.size) {
      let i = this.length++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (this.compare(parent, p, s, t) <= 0) break;
        this.move(parent, i);
        i = parent;
      }
      this.place(i, ordinal, p, s, t);
      if (this.length === this.size) this.floor = k[0]!;
      return;
    }
    if (this.compare(0, p, s, t) >= 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.length) break;
      const right = left + 1;
      const child = right < this.length && this.compare(right, k[3 * left]!, k[3 * left + 1]!, k[3 * left + 2]!) < 0 ? right : left;
      if (this.compare(child, p, s, t) >= 0) break;
      this.move(child, i);
      i = child;
    }
    this.place(i, ordinal, p, s, t);
    this.floor = k[0]!;
  }

  /** Ordinals by key, largest first. */
  sorted(): number[] {
    const k = this.keys;
    const order = Array.from({ length: this.length }, (_, i) => i).sort((a, b) => k[3 * b]! - k[3 * a]! || k[3 * b + 1]! - k[3 * a + 1]! || k[3 * b + 2]! - k[3 * a + 2]!);
    return order.map((i) => this.ordinals[i]!);
  }
}

function codeOf(values: readonly string[], value: string): number {
  const index = values.indexOf(value);
  return index < 0 ? 255 : index;
}

/** YYYY-MM-DD as the number YYYYMMDD (order-preserving). */
function dateNumber(date: string): number {
  return Number(date.slice(0, 4)) * 10000 + Number(date.slice(5, 7)) * 100 + Number(date.slice(8, 10));
}

/** Builds a SearchIndex from documents given one by one (e.g. page by page from the database). */
export class SearchIndexBuilder {
  private readonly index = new SearchIndex();
  private readonly text = new PostingsBuilder(true);
  private readonly party = new PostingsBuilder(false);
  private closed = false;

  add(document: IndexDocument): void {
    if (this.closed) throw new Error('a document added to a closed search index builder');
    const ordinal = SearchIndex.appendTo(this.index, document);
    eachWord(document.searchText, (word, position) => this.text.add(word, ordinal, position));
    for (const p of document.parties) {
      eachWord(p.nameFolded, (word) => this.party.add(word, ordinal, 0));
      if (p.ico) this.party.add(ICO_MARK + p.ico, ordinal, 0);
    }
  }

  /**
   * Ends the adding: what only adding needs is let go, so that a collection before `finish` can free it while the
   * postings have not been allocated yet.
   */
  close(): void {
    this.closed = true;
    this.text.close();
    this.party.close();
  }

  /** The index, built in steps (see PostingsBuilder.build); `drain` runs them all at once. */
  *finish(): Generator<void, SearchIndex> {
    const text = yield* this.text.build();
    const party = yield* this.party.build();
    SearchIndex.seal(this.index, text, party);
    return this.index;
  }
}

/** Runs a stepwise computation to its end without pausing. */
export function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
