/**
 * Use-cases of searching the register: a page of results with facet counts, the whole result as rows for a
 * download (streamed, capped), and the newest records of a result for a feed.
 */
import type { Organization, OrganizationService } from '../organizations/service.ts';
import { toListItem, type RecordListItem } from './service.ts';
import { parseFlagColumn, RED_FLAG_CODES, type RedFlagCode } from './red-flags.ts';
import type { PartyRow, PartySummaryRow, RecordFacets, RecordListFilter, RecordListRow, RecordSearchSort, RegisterRepository } from './repository.ts';
import { GenerationCache } from '../shared/generation-cache.ts';
import { LiveSearchIndex } from './live-search-index.ts';
import type { SearchIndex } from './search-index.ts';
import type { Logger } from '../shared/log.ts';
import { MAX_DOWNLOAD_ROWS, SEARCH_PAGE_SIZE, type SearchQuery, type SearchSort } from './search.ts';

export interface SearchHit extends RecordListItem {
  firstPublishedAt: string;
  flags: RedFlagCode[];
  parties: Array<{ name: string; ico: string | null; role: string }>;
}

export interface SearchResult {
  hits: SearchHit[];
  total: number;
  facets: RecordFacets;
  page: number;
  pageCount: number;
  /** The organisation filter, when it names a known organisation. */
  organization: Organization | null;
  /** Set when the organisation filter names no known organisation: the result is then empty. */
  unknownOrganization: boolean;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Organisations listed in the facets, by count. */
const FACET_ORGANIZATIONS = 10;

const SORT_COLUMNS: Record<SearchSort, RecordSearchSort> = {
  relevance: 'relevance',
  datum: 'date_desc',
  'datum-vzestupne': 'date_asc',
  castka: 'amount_desc',
  'castka-vzestupne': 'amount_asc',
};

function toHit(row: RecordListRow, parties: PartyRow[]): SearchHit {
  return {
    ...toListItem(row),
    firstPublishedAt: row.first_published_at,
    flags: parseFlagColumn(row.red_flags),
    parties: parties.map((p) => ({ name: p.name, ico: p.ico, role: p.role })),
  };
}

export class RecordSearchService {
  /**
   * Facet counts by filter, kept while the register is unchanged: paging through a result or switching its sort
   * asks for the same counts, which take up to seconds at a million records.
   */
  private readonly facetCache = new GenerationCache<RecordFacets>(500);
  private readonly organizationLabels = new GenerationCache<Map<number, { ico: string; name: string }>>(1);
  /** Answers searches in memory once built; SQL answers until then (and for the API's lists). */
  readonly index: LiveSearchIndex;
  private readonly logger?: Logger;

  constructor(
    private readonly repository: RegisterRepository,
    private readonly organizations: OrganizationService,
    options: { logger?: Logger; indexed?: boolean } = {},
  ) {
    this.logger = options.logger;
    this.index = new LiveSearchIndex(repository, options.logger, { enabled: options.indexed ?? true });
  }

  /** The filter a query means; null when its organisation does not exist (nothing can match). */
  private async filterOf(query: SearchQuery): Promise<{ filter: RecordListFilter; organization: Organization | null } | null> {
    let organization: Organization | null = null;
    let organizationIds: number[] | undefined;
    if (query.organizationIco) {
      organization = (await this.organizations.findByIco(query.organizationIco)) ?? null;
      if (!organization) return null;
      organizationIds = [organization.id];
      if (query.withSubordinates) {
        // Subordinate organisations nest (a town, its school, the school's canteen); walk all levels.
        let level = [organization];
        const seen = new Set(organizationIds);
        while (level.length > 0) {
          const next: Organization[] = [];
          for (const parent of level) for (const child of await this.organizations.children(parent)) if (!seen.has(child.id)) {
            seen.add(child.id);
            next.push(child);
          }
          level = next;
        }
        organizationIds = [...seen];
      }
    }
    return {
      organization,
      filter: {
        organizationIds,
        type: query.type,
        tokens: query.tokens,
        partyIco: query.partyIco,
        partyTokens: query.partyTokens,
        dateFrom: query.dateFrom,
        dateTo: query.dateTo,
        amountFrom: query.amountFrom,
        amountTo: query.amountTo,
        currency: query.currency,
        quality: query.quality,
        flag: query.flag,
        withAttachment: query.withAttachment,
      },
    };
  }

  private async withParties(rows: RecordListRow[], known?: PartyRow[]): Promise<SearchHit[]> {
    const parties = known ?? (await this.repository.currentParties(rows.map((r) => r.id)));
    const byRecord = new Map<number, PartyRow[]>();
    for (const party of parties) byRecord.set(party.record_id, [...(byRecord.get(party.record_id) ?? []), party]);
    return rows.map((row) => toHit(row, byRecord.get(row.id) ?? []));
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const resolved = await this.filterOf(query);
    if (!resolved) {
      const facets: RecordFacets = { total: 0, types: {}, qualities: {}, flags: {}, withAttachment: 0, currencies: [], organizations: [] };
      return { hits: [], total: 0, facets, page: 1, pageCount: 0, organization: null, unknownOrganization: true };
    }
    const offset = (query.page - 1) * SEARCH_PAGE_SIZE;
    const started = performance.now();
    const generation = await this.repository.generation();
    const index = await this.index.current(generation);
    const caughtUp = performance.now();
    const [rows, facets, parties] = index
      ? await this.fromIndex(index, generation, resolved.filter, SORT_COLUMNS[query.sort], offset, SEARCH_PAGE_SIZE)
      : [...(await Promise.all([this.repository.search(resolved.filter, SORT_COLUMNS[query.sort], offset, SEARCH_PAGE_SIZE), this.facets(resolved.filter, generation)])), undefined] as const;
    const answered = performance.now();
    const hits = await this.withParties(rows, parties);
    this.logger?.debug('search answered', {
      engine: index ? 'index' : 'sql',
      generationMs: round(caughtUp - started),
      answerMs: round(answered - caughtUp),
      partiesMs: round(performance.now() - answered),
      total: facets.total,
    });
    return {
      hits,
      total: facets.total,
      facets,
      page: query.page,
      pageCount: Math.ceil(facets.total / SEARCH_PAGE_SIZE),
      organization: resolved.organization,
      unknownOrganization: false,
    };
  }

  /** A page and the facets from the in-memory index; the rows themselves come from the register. */
  private async fromIndex(index: SearchIndex, generation: string, filter: RecordListFilter, sort: RecordSearchSort, offset: number, limit: number): Promise<[RecordListRow[], RecordFacets, PartyRow[]]> {
    const answer = index.query(filter, sort, offset, limit);
    // The page's ids are known, so its rows and parties are read together.
    const [rows, parties, labels] = await Promise.all([this.repository.listRowsByIds(answer.ids), this.repository.currentParties(answer.ids), this.labels(generation)]);
    const organizations = answer.facets.organizations
      .flatMap(({ organizationId, count }) => {
        const label = labels.get(organizationId);
        return label ? [{ ico: label.ico, name: label.name, count }] : [];
      })
      .sort((a, b) => b.count - a.count || (a.ico < b.ico ? -1 : a.ico > b.ico ? 1 : 0))
      .slice(0, FACET_ORGANIZATIONS);
    return [rows, { ...answer.facets, organizations }, parties];
  }

  private async labels(generation: string): Promise<Map<number, { ico: string; name: string }>> {
    const cached = this.organizationLabels.get('all', generation);
    if (cached) return cached;
    const labels = new Map((await this.repository.organizationLabels()).map((o) => [Number(o.id), { ico: o.ico, name: o.name }]));
    this.organizationLabels.set('all', generation, labels);
    return labels;
  }

  private async facets(filter: RecordListFilter, generation: string): Promise<RecordFacets> {
    const key = JSON.stringify(filter);
    const cached = this.facetCache.get(key, generation);
    if (cached) return cached;
    const facets = await this.repository.facets(filter, RED_FLAG_CODES, FACET_ORGANIZATIONS);
    this.facetCache.set(key, generation, facets);
    return facets;
  }

  /** One ordered page of a query's hits, from the index when it is ready. */
  private async page(filter: RecordListFilter, sort: RecordSearchSort, offset: number, limit: number): Promise<RecordListRow[]> {
    const index = await this.index.current(await this.repository.generation());
    if (!index) return this.repository.search(filter, sort, offset, limit);
    return this.repository.listRowsByIds(index.query(filter, sort, offset, limit).ids);
  }

  /** Every hit of a query in its order, up to 100,000, fetched in pages so memory stays flat. */
  async *download(query: SearchQuery, pageSize = 1000): AsyncGenerator<SearchHit[]> {
    const resolved = await this.filterOf(query);
    if (!resolved) return;
    const sort = SORT_COLUMNS[query.sort];
    const index = await this.index.current(await this.repository.generation());
    if (index) {
      // The order is taken once, so a write during the download cannot shift rows between pages.
      const ids = index.query(resolved.filter, sort, 0, MAX_DOWNLOAD_ROWS).ids;
      for (let offset = 0; offset < ids.length; offset += pageSize) yield await this.withParties(await this.repository.listRowsByIds(ids.slice(offset, offset + pageSize)));
      return;
    }
    for (let offset = 0; offset < MAX_DOWNLOAD_ROWS; offset += pageSize) {
      const rows = await this.repository.search(resolved.filter, sort, offset, Math.min(pageSize, MAX_DOWNLOAD_ROWS - offset));
      if (rows.length === 0) return;
      yield await this.withParties(rows);
      if (rows.length < pageSize) return;
    }
  }

  /** Everything any organisation contracted with the party of this IČO; null when no published record names it. */
  party(ico: string): Promise<PartySummaryRow | null> {
    return this.repository.partySummary(ico, RED_FLAG_CODES);
  }

  /** The newest records of a query (newest publication first), for its Atom feed. */
  async newest(query: SearchQuery, limit = 50): Promise<SearchHit[]> {
    const resolved = await this.filterOf(query);
    if (!resolved) return [];
    return this.withParties(await this.page(resolved.filter, 'date_desc', 0, limit));
  }
}
