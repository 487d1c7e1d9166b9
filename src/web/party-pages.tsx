/** @jsxImportSource hono/jsx */
/** The page of a party (supplier, customer) across all organisations: /subjekt/{ico}. */
import { Layout } from './layout.tsx';
import { BarChart } from './charts.tsx';
import { HitList } from './search-pages.tsx';
import { formatDate, formatMoney, formatNumber, pluralCs } from '../shared/format.ts';
import { RED_FLAGS, RED_FLAG_CODES } from '../register/red-flags.ts';
import { searchUrl, type SearchQuery } from '../register/search.ts';
import type { PartySummaryRow } from '../register/repository.ts';
import type { SearchResult } from '../register/search-service.ts';

export function PartyPage({ ico, summary, result, query }: { ico: string; summary: PartySummaryRow; result: SearchResult; query: SearchQuery }) {
  const total = summary.byYear.reduce((sum, y) => sum + y.amount, 0);
  const feed = searchUrl('/hledat.atom', query);
  const flagged = RED_FLAG_CODES.filter((code) => (summary.flags[code] ?? 0) > 0);
  const largestBuyer = summary.byBuyer[0];
  return (
    <Layout title={`${summary.name} (IČO ${ico})`} feed={{ href: feed, title: `Nové záznamy se subjektem ${summary.name}` }} description={`Smlouvy, objednávky a faktury měst a obcí se subjektem ${summary.name}, IČO ${ico}.`}>
      <p class="muted">Smluvní strana · IČO {ico}</p>
      <h1>{summary.name}</h1>
      <div class="cards">
        <div class="card">
          <div class="big">{formatNumber(summary.records)}</div>
          {pluralCs(summary.records, 'záznam', 'záznamy', 'záznamů')} u {formatNumber(summary.byBuyer.length)} {pluralCs(summary.byBuyer.length, 'organizace', 'organizací', 'organizací')}
        </div>
        <div class="card">
          <div class="big">{formatMoney(total)}</div>
          celkem v Kč (s DPH, kde je uvedeno)
        </div>
        <div class="card">
          <div class="big">{formatDate(summary.firstDate)}</div>
          první záznam; poslední {formatDate(summary.lastDate)}
        </div>
      </div>
      {largestBuyer && total > 0 ? (
        <p>
          Největší odběratel: <a href={`/organizace/${largestBuyer.ico}`}>{largestBuyer.name}</a> s {formatMoney(largestBuyer.amount)} (
          {Math.round((largestBuyer.amount / total) * 100)} % částek).
        </p>
      ) : null}
      <h2>Varovné signály</h2>
      {flagged.length === 0 ? (
        <p>Žádný záznam s tímto subjektem nemá varovný signál.</p>
      ) : (
        <ul>
          {flagged.map((code) => (
            <li>
              <a href={searchUrl('/hledat', { ...query, flag: code, page: 1 })}>{RED_FLAGS[code].title}</a>: {formatNumber(summary.flags[code] ?? 0)}{' '}
              {pluralCs(summary.flags[code] ?? 0, 'záznam', 'záznamy', 'záznamů')} <span class="muted">– {RED_FLAGS[code].method}</span>
            </li>
          ))}
        </ul>
      )}
      <h2>Částky podle let</h2>
      <BarChart
        id="by-year"
        title="Částky v Kč podle roku záznamu"
        summary={summary.byYear.map((y) => `${y.year}: ${formatMoney(y.amount)}, ${formatNumber(y.count)} záznamů`).join('; ')}
        rows={[...summary.byYear].reverse().map((y) => ({ label: y.year, value: y.amount, display: `${formatMoney(y.amount)} (${formatNumber(y.count)})` }))}
      />
      <h2>Podle odběratele</h2>
      <BarChart
        id="by-buyer"
        title="Částky v Kč podle organizace"
        summary={summary.byBuyer
          .slice(0, 10)
          .map((b) => `${b.name}: ${formatMoney(b.amount)}`)
          .join('; ')}
        rows={summary.byBuyer.slice(0, 10).map((b) => ({ label: b.name, value: b.amount, display: formatMoney(b.amount) }))}
      />
      {summary.byBuyer.length > 10 ? <p class="muted">Graf ukazuje 10 největších z {formatNumber(summary.byBuyer.length)} organizací.</p> : null}
      <h2>Záznamy</h2>
      <p class="tools">
        <a href={searchUrl('/hledat', query)}>Hledat a filtrovat v záznamech tohoto subjektu</a> · Stáhnout: <a href={searchUrl('/hledat.csv', query)}>CSV</a> ·{' '}
        <a href={searchUrl('/hledat.json', query)}>JSON</a> · <a href={feed}>Odebírat nové záznamy (Atom)</a>
      </p>
      <HitList hits={result.hits} tokens={[]} partyTokens={[]} showOrganization={true} />
      {result.total > result.hits.length ? (
        <p>
          <a href={searchUrl('/hledat', { ...query, page: 2 })}>Další záznamy ({formatNumber(result.total - result.hits.length)})</a>
        </p>
      ) : null}
    </Layout>
  );
}
