/** @jsxImportSource hono/jsx */
/** The search page (/hledat), its result list and the pieces the supplier and record pages share with it. */
import { Layout } from './layout.tsx';
import { QualityBadge, amountOf } from './components.tsx';
import { formatDate, formatNumber, pluralCs } from '../shared/format.ts';
import { recordPath } from '../api/present.ts';
import { RECORD_TYPES, RECORD_TYPE_LABELS } from '../standard/schema.ts';
import { RED_FLAGS, RED_FLAG_CODES, SEVERITY_CS, type RedFlagCode } from '../register/red-flags.ts';
import { highlight, MAX_DOWNLOAD_ROWS, QUALITY_LEVELS, searchUrl, type QueryProblem, type SearchQuery } from '../register/search.ts';
import type { SearchHit, SearchResult } from '../register/search-service.ts';
import { QUALITY_TITLES } from './components.tsx';

export function Highlighted({ text, tokens }: { text: string; tokens: string[] }) {
  return (
    <>
      {highlight(text, tokens).map((segment) => (segment.mark ? <mark>{segment.text}</mark> : segment.text))}
    </>
  );
}

export function FlagBadges({ flags }: { flags: RedFlagCode[] }) {
  if (flags.length === 0) return null;
  return (
    <ul class="flags" aria-label="Varovné signály">
      {flags.map((code) => (
        <li>
          <a class={`flag sev-${RED_FLAGS[code].severity}`} href={`/metodika#${code}`} title={RED_FLAGS[code].method}>
            <span aria-hidden="true">⚑ </span>
            {RED_FLAGS[code].title}
            <span class="visually-hidden"> (závažnost {SEVERITY_CS[RED_FLAGS[code].severity]})</span>
          </a>
        </li>
      ))}
    </ul>
  );
}

export function HitList({ hits, tokens, partyTokens, showOrganization }: { hits: SearchHit[]; tokens: string[]; partyTokens: string[]; showOrganization: boolean }) {
  return (
    <ol class="hits">
      {hits.map((hit) => (
        <li class="hit">
          <h3>
            <a href={recordPath(hit.organizationIco, hit.id)}>
              <Highlighted text={hit.subject} tokens={tokens} />
            </a>
            {hit.status === 'withdrawn' ? <span class="muted"> (znepřístupněno)</span> : null}
          </h3>
          <p class="meta">
            <span>{RECORD_TYPE_LABELS[hit.type].one}</span> · <span>{formatDate(hit.date)}</span> · <strong>{amountOf(hit)}</strong>
            {hit.ownNumber ? (
              <>
                {' '}
                · č. <Highlighted text={hit.ownNumber} tokens={tokens} />
              </>
            ) : null}{' '}
            · <QualityBadge level={hit.quality} />
          </p>
          <p class="meta">
            {showOrganization ? (
              <>
                <a href={`/organizace/${hit.organizationIco}`}>{hit.organizationName}</a> →{' '}
              </>
            ) : null}
            {hit.parties.map((party, index) => (
              <>
                {index > 0 ? ', ' : ''}
                {party.ico ? (
                  <a href={`/subjekt/${party.ico}`}>
                    <Highlighted text={party.name} tokens={[...tokens, ...partyTokens]} />
                  </a>
                ) : (
                  <Highlighted text={party.name} tokens={[...tokens, ...partyTokens]} />
                )}
              </>
            ))}
          </p>
          <FlagBadges flags={hit.flags} />
        </li>
      ))}
    </ol>
  );
}

function FacetLink({ query, param, value, label, count, active }: { query: SearchQuery; param: string; value: string; label: string; count: number; active: boolean }) {
  const href = searchUrl('/hledat', query, { [param]: active ? undefined : value, stranka: undefined });
  return (
    <li>
      <a href={href} aria-current={active ? 'true' : undefined}>
        {active ? '✓ ' : ''}
        {label}
      </a>{' '}
      <span class="muted">({formatNumber(count)})</span>
    </li>
  );
}

function Facets({ result, query }: { result: SearchResult; query: SearchQuery }) {
  const f = result.facets;
  return (
    <aside class="facets" aria-labelledby="facets-heading">
      <h2 id="facets-heading">Zúžit výsledky</h2>
      <h3>Typ</h3>
      <ul>
        {RECORD_TYPES.map((t) => (
          <FacetLink query={query} param="typ" value={t} label={RECORD_TYPE_LABELS[t].many} count={f.types[t] ?? 0} active={query.type === t} />
        ))}
      </ul>
      <h3>Varovné signály</h3>
      <ul>
        {RED_FLAG_CODES.filter((code) => code !== 'dominant_supplier').map((code) => (
          <FacetLink query={query} param="signal" value={code} label={RED_FLAGS[code].title} count={f.flags[code] ?? 0} active={query.flag === code} />
        ))}
      </ul>
      <h3>Kvalita</h3>
      <ul>
        {QUALITY_LEVELS.map((level) => (
          <FacetLink query={query} param="kvalita" value={level} label={QUALITY_TITLES[level] ?? level} count={f.qualities[level] ?? 0} active={query.quality === level} />
        ))}
      </ul>
      <h3>Přílohy</h3>
      <ul>
        <FacetLink query={query} param="priloha" value="1" label="jen s přílohou" count={f.withAttachment} active={query.withAttachment} />
      </ul>
      {f.currencies.length > 0 ? (
        <>
          <h3>Měna</h3>
          <ul>
            {f.currencies.map((c) => (
              <FacetLink query={query} param="mena" value={c.currency} label={c.currency} count={c.count} active={query.currency === c.currency} />
            ))}
          </ul>
        </>
      ) : null}
      {f.organizations.length > 0 ? (
        <>
          <h3>Organizace</h3>
          <ul>
            {f.organizations.map((o) => (
              <FacetLink query={query} param="organizace" value={o.ico} label={o.name} count={o.count} active={query.organizationIco === o.ico} />
            ))}
          </ul>
        </>
      ) : null}
    </aside>
  );
}

const SORT_LABELS: Record<string, string> = {
  relevance: 'relevance',
  datum: 'od nejnovějšího',
  'datum-vzestupne': 'od nejstaršího',
  castka: 'od nejvyšší částky',
  'castka-vzestupne': 'od nejnižší částky',
};

function amountInput(halere: number | undefined): string {
  return halere === undefined ? '' : new Intl.NumberFormat('cs-CZ', { maximumFractionDigits: 2, useGrouping: false }).format(halere / 100);
}

function SearchFilters({ query, currencies }: { query: SearchQuery; currencies: string[] }) {
  return (
    <form class="filters" action="/hledat" method="get" role="search" aria-label="Hledání a filtry">
      <div class="field wide">
        <label for="f-q">Hledaný text</label>
        <input id="f-q" type="search" name="q" value={query.q} aria-describedby="f-q-help" />
        <span id="f-q-help" class="hint">
          Předmět, strany, čísla. Na diakritice a velikosti písmen nezáleží, stačí začátek slova.
        </span>
      </div>
      <div class="field">
        <label for="f-typ">Typ</label>
        <select id="f-typ" name="typ">
          <option value="">všechny</option>
          {RECORD_TYPES.map((t) => (
            <option value={t} selected={query.type === t}>
              {RECORD_TYPE_LABELS[t].many}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="f-org">Organizace (IČO)</label>
        <input id="f-org" name="organizace" value={query.organizationIco ?? ''} inputmode="numeric" pattern="[0-9]{8}" autocomplete="off" />
        <span class="check">
          <input id="f-sub" type="checkbox" name="podrizene" value="1" checked={query.withSubordinates} />
          <label for="f-sub">i podřízené organizace</label>
        </span>
      </div>
      <div class="field">
        <label for="f-subjekt">Dodavatel / strana (název nebo IČO)</label>
        <input id="f-subjekt" name="subjekt" value={query.partyText} autocomplete="off" />
      </div>
      <div class="field">
        <label for="f-od">Datum od</label>
        <input id="f-od" type="date" name="od" value={query.dateFrom ?? ''} />
      </div>
      <div class="field">
        <label for="f-do">Datum do</label>
        <input id="f-do" type="date" name="do" value={query.dateTo ?? ''} />
      </div>
      <div class="field">
        <label for="f-castkaOd">Částka od (Kč)</label>
        <input id="f-castkaOd" name="castkaOd" value={amountInput(query.amountFrom)} inputmode="decimal" />
      </div>
      <div class="field">
        <label for="f-castkaDo">Částka do (Kč)</label>
        <input id="f-castkaDo" name="castkaDo" value={amountInput(query.amountTo)} inputmode="decimal" />
      </div>
      <div class="field">
        <label for="f-mena">Měna</label>
        <select id="f-mena" name="mena">
          <option value="">všechny</option>
          {[...new Set([...currencies, ...(query.currency ? [query.currency] : [])])].map((c) => (
            <option value={c} selected={query.currency === c}>
              {c}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="f-kvalita">Kvalita</label>
        <select id="f-kvalita" name="kvalita">
          <option value="">všechny</option>
          {QUALITY_LEVELS.map((level) => (
            <option value={level} selected={query.quality === level}>
              {QUALITY_TITLES[level] ?? level}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="f-signal">Varovný signál</label>
        <select id="f-signal" name="signal">
          <option value="">bez omezení</option>
          {RED_FLAG_CODES.filter((code) => code !== 'dominant_supplier').map((code) => (
            <option value={code} selected={query.flag === code}>
              {RED_FLAGS[code].title}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <span class="check">
          <input id="f-priloha" type="checkbox" name="priloha" value="1" checked={query.withAttachment} />
          <label for="f-priloha">jen s přílohou</label>
        </span>
      </div>
      <div class="field">
        <label for="f-razeni">Řazení</label>
        <select id="f-razeni" name="razeni">
          {Object.entries(SORT_LABELS).map(([value, label]) => (
            <option value={value} selected={query.sort === value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div class="field actions">
        <button type="submit">Hledat</button> <a href="/hledat">Zrušit filtry</a>
      </div>
    </form>
  );
}

function Pagination({ query, page, pageCount }: { query: SearchQuery; page: number; pageCount: number }) {
  if (pageCount <= 1) return null;
  const pages = [...new Set([1, page - 2, page - 1, page, page + 1, page + 2, pageCount])].filter((p) => p >= 1 && p <= pageCount).sort((a, b) => a - b);
  return (
    <nav class="pagination" aria-label="Stránkování výsledků">
      <ul>
        {page > 1 ? (
          <li>
            <a href={searchUrl('/hledat', { ...query, page: page - 1 })} rel="prev">
              ← Předchozí
            </a>
          </li>
        ) : null}
        {pages.map((p) => (
          <li>
            {p === page ? (
              <span aria-current="page">{p}</span>
            ) : (
              <a href={searchUrl('/hledat', { ...query, page: p })} aria-label={`Stránka ${p}`}>
                {p}
              </a>
            )}
          </li>
        ))}
        {page < pageCount ? (
          <li>
            <a href={searchUrl('/hledat', { ...query, page: page + 1 })} rel="next">
              Další →
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

export function SearchPage({ query, result, problems }: { query: SearchQuery; result: SearchResult; problems: QueryProblem[] }) {
  const heading = query.q ? `Hledání „${query.q}“` : 'Hledání ve smlouvách, objednávkách a fakturách';
  const feed = searchUrl('/hledat.atom', { ...query, page: 1 });
  const download = (ext: string) => searchUrl(`/hledat.${ext}`, { ...query, page: 1 });
  return (
    <Layout title={heading} feed={{ href: feed, title: `Nové záznamy: ${heading}` }}>
      <h1>{heading}</h1>
      <SearchFilters query={query} currencies={result.facets.currencies.map((c) => c.currency)} />
      {problems.length > 0 ? (
        <div class="banner" role="alert">
          <p style="margin:0">Některé filtry nešlo použít:</p>
          <ul>
            {problems.map((p) => (
              <li>{p.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {result.unknownOrganization ? (
        <p class="banner" role="note">
          Organizace s IČO {query.organizationIco} na portálu nepublikuje. Zkontrolujte IČO nebo ji najděte v <a href="/organizace">seznamu organizací</a>.
        </p>
      ) : null}
      <div class="search-layout">
        <section aria-labelledby="results-heading" class="results">
          <h2 id="results-heading" role="status">
            {formatNumber(result.total)} {pluralCs(result.total, 'záznam', 'záznamy', 'záznamů')}
            {result.organization ? ` organizace ${result.organization.name}` : ''}
          </h2>
          <p class="tools">
            Stáhnout výsledek: <a href={download('csv')}>CSV</a> · <a href={download('json')}>JSON</a>
            {result.total > MAX_DOWNLOAD_ROWS ? <span class="muted"> (prvních {formatNumber(MAX_DOWNLOAD_ROWS)} záznamů)</span> : null} ·{' '}
            <a href={feed}>Odebírat nové záznamy (Atom)</a>
          </p>
          {result.hits.length === 0 ? (
            <div class="empty">
              <p>
                <strong>Nic jsme nenašli.</strong>
              </p>
              <ul>
                <li>Zkuste kratší začátek slova (např. „chodn“ najde chodník i chodníky).</li>
                <li>Uvolněte filtry: datum, částku nebo typ záznamu.</li>
                <li>
                  Hledáte organizaci? Projděte <a href="/organizace">seznam organizací</a>.
                </li>
              </ul>
            </div>
          ) : (
            <HitList hits={result.hits} tokens={query.tokens} partyTokens={query.partyTokens} showOrganization={true} />
          )}
          <Pagination query={query} page={result.page} pageCount={result.pageCount} />
        </section>
        <Facets result={result} query={query} />
      </div>
    </Layout>
  );
}
