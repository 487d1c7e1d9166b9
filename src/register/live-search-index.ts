/**
 * Keeps the in-memory search index (search-index.ts) equal to the register: builds it in the background, then
 * before each answer applies the versions stored since (by this or any other process), and rebuilds it when
 * too many documents wait outside its inverted index or the red flags were recomputed (`om red-flags`). Until the
 * first build is done it answers null and the search falls back to SQL, which gives the same results, only slower.
 */
import { collectGarbage } from '../shared/memory.ts';
import type { Logger } from '../shared/log.ts';
import type { IndexDocumentRow, RegisterRepository } from './repository.ts';
import { SearchIndexBuilder, type IndexDocument, type SearchIndex } from './search-index.ts';

export interface LiveSearchIndexOptions {
  /** Rows read per query while building and catching up. */
  pageSize?: number;
  /** Rebuild once this many documents (and at least 5 % of all) are searched by scanning. */
  rebuildAfter?: number;
  /** Off: never builds, and every search is answered by SQL. */
  enabled?: boolean;
}

function toDocument(row: IndexDocumentRow): IndexDocument {
  return {
    id: row.id,
    organizationId: row.organization_id,
    type: row.type,
    quality: row.quality,
    currency: row.currency,
    hasAttachment: Number(row.has_attachment) === 1,
    redFlags: row.red_flags,
    primaryDate: row.primary_date,
    amount: row.amount,
    searchText: row.search_text,
    parties: row.parties.map((p) => ({ nameFolded: p.name_folded, ico: p.ico })),
  };
}

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs a stepwise computation, letting requests run between its steps. */
async function stepwise<T>(steps: Generator<void, T>): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await yieldToRequests();
  }
}

export class LiveSearchIndex {
  private index: SearchIndex | null = null;
  /** Every version up to this id is in the index. */
  private appliedVersion = 0;
  /** The register generation the index was last brought up to. */
  private appliedGeneration = '';
  /** The flags revision (see RegisterRepository.flagsRevision) the index was built with. */
  private builtFlagsRevision = '';
  /** Catch-ups and swaps run one after another. */
  private chain: Promise<void> = Promise.resolve();
  private building: Promise<void> | null = null;
  private readonly pageSize: number;
  private readonly rebuildAfter: number;
  private readonly enabled: boolean;

  constructor(
    private readonly repository: RegisterRepository,
    private readonly logger?: Logger,
    options: LiveSearchIndexOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 1000;
    this.rebuildAfter = options.rebuildAfter ?? 50_000;
    this.enabled = options.enabled ?? true;
  }

  /** 'off' when disabled, 'building' until the first build is done, then 'ready'. */
  get state(): 'off' | 'building' | 'ready' {
    return !this.enabled ? 'off' : this.index ? 'ready' : 'building';
  }

  /** Starts the first build, once; resolves when the index is ready (at once when disabled). */
  start(): Promise<void> {
    if (!this.enabled || this.index) return Promise.resolve();
    return this.building ?? this.rebuild();
  }

  /** The index, brought up to `generation` (the register's, read just before); null while the first build runs. */
  async current(generation: string): Promise<SearchIndex | null> {
    if (!this.index) {
      void this.start().catch(() => undefined);
      return null;
    }
    if (generation !== this.appliedGeneration) await this.serially(() => this.catchUp(generation));
    return this.index;
  }

  private rebuild(): Promise<void> {
    const building = (async () => {
      const started = performance.now();
      const flagsRevision = await this.repository.flagsRevision();
      const fromVersion = await this.repository.latestVersionId();
      const builder = new SearchIndexBuilder();
      let afterId = 0;
      for (;;) {
        const rows = await this.repository.indexDocuments(afterId, this.pageSize);
        for (const row of rows) builder.add(toDocument(row));
        if (rows.length < this.pageSize) break;
        afterId = rows[rows.length - 1]!.id;
        await yieldToRequests();
      }
      // Loading leaves hundreds of MB of garbage, collected here once before the postings are allocated (one pause of
      // the event loop per build). With the copies of long words (search-index.ts), the peak at 900,002 records fell
      // from ~1,020 MB to 825–900 MB.
      builder.close();
      collectGarbage();
      const index = await stepwise(builder.finish());
      await stepwise(index.warmUp());
      await this.serially(async () => {
        this.index = index;
        this.appliedVersion = fromVersion;
        this.builtFlagsRevision = flagsRevision;
        this.appliedGeneration = '';
      });
      this.logger?.info('search index built', { documents: index.documentCount, seconds: Math.round((performance.now() - started) / 100) / 10 });
    })();
    this.building = building;
    building.catch((error: unknown) => this.logger?.error('search index build failed', { error: (error as Error).message })).finally(() => {
      if (this.building === building) this.building = null;
    });
    return building;
  }

  /** Runs `work` after the catch-ups and swaps before it; a failed one (a database error) does not stop the next. */
  private serially(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async catchUp(generation: string): Promise<void> {
    const index = this.index;
    if (!index || generation === this.appliedGeneration) return;
    for (;;) {
      const versions = await this.repository.versionsAfter(this.appliedVersion, this.pageSize);
      if (versions.length === 0) break;
      const rows = await this.repository.indexDocumentsOf([...new Set(versions.map((v) => Number(v.record_id)))]);
      for (const row of rows) {
        if (row.status === 'published') index.put(toDocument(row));
        else index.remove(row.id);
      }
      this.appliedVersion = Number(versions[versions.length - 1]!.id);
    }
    this.appliedGeneration = generation;
    if (this.building) return;
    // Recomputed flags come without versions: the index is built again and answers with the old flags meanwhile.
    if (index.unindexedCount > Math.max(this.rebuildAfter, index.documentCount * 0.05) || (await this.repository.flagsRevision()) !== this.builtFlagsRevision) void this.rebuild();
  }
}
