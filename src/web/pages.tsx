/** @jsxImportSource hono/jsx */
import { Layout } from './layout.tsx';
import { ERROR_CODES } from '../errors.ts';
import { QualityBadge, RecordTable, amountOf } from './components.tsx';
import { formatDate, formatNumber, formatTimestamp, pluralCs } from '../shared/format.ts';
import { ORGANIZATION_KINDS } from '../organizations/rules.ts';
import type { Organization } from '../organizations/service.ts';
import type { OrganizationProfile, RecordDetail, RecordListItem, VersionView } from '../register/service.ts';
import { EmbedCode, OrganizationFigures } from './organization-figures.tsx';

type RecordLinks = Awaited<ReturnType<import('../register/service.ts').RegisterService['links']>>;
import { RECORD_TYPES, RECORD_TYPE_LABELS, STANDARD_VERSION, type RecordType } from '../standard/schema.ts';
import { fieldInfo, fieldsOf } from '../standard/fields.ts';
import { QUALITY_GAP_LABELS, type QualityGap } from '../standard/quality.ts';
import { ISSUE_MESSAGES } from '../standard/messages.ts';
import type { ValidationReport } from '../publishing/service.ts';
import type { HarvestLogEntry, HarvestSource } from '../harvest/service.ts';
import type { Child } from 'hono/jsx';
import { decimalToHalere } from '../shared/money.ts';
import { SEVERITY_CS, type RedFlag } from '../register/red-flags.ts';
import { recordPath } from '../api/present.ts';

type OrgWithStats = Organization & { recordCount: number; lastUpdatedAt: string | null };

function SearchForm({ q, type }: { q?: string; type?: string }) {
  return (
    <form class="search" action="/hledat" method="get" role="search">
      <label for="q" class="visually-hidden" style="position:absolute;left:-9999px">
        Hledat ve smlouvách, objednávkách a fakturách
      </label>
      <input id="q" type="search" name="q" value={q ?? ''} placeholder="Např. chodník, Školní, IČO dodavatele…" />
      <label for="type" style="position:absolute;left:-9999px">
        Typ záznamu
      </label>
      <select id="type" name="typ">
        <option value="">Všechny typy</option>
        {RECORD_TYPES.map((t) => (
          <option value={t} selected={type === t}>
            {RECORD_TYPE_LABELS[t].many}
          </option>
        ))}
      </select>
      <button type="submit">Hledat</button>
    </form>
  );
}

export function HomePage(props: { totals: { records: number; versions: number }; organizationCount: number; newest: RecordListItem[]; organizations: OrgWithStats[] }) {
  return (
    <Layout title="Úvod">
      <h1>Smlouvy, objednávky a faktury měst a obcí</h1>
      <p>
        Otevřená města zveřejňují, za co a komu platí. Všechny záznamy jsou podle jednoho <a href="/standard">standardu</a>, takže je lze
        porovnávat mezi obcemi, a jsou volně ke stažení přes <a href="/api">API</a>. Nic zveřejněného se nemaže: opravy vznikají jako nové verze
        a celá historie zůstává veřejná.
      </p>
      <SearchForm />
      <div class="cards">
        <div class="card">
          <div class="big">{formatNumber(props.totals.records)}</div>
          <div>zveřejněných záznamů</div>
        </div>
        <div class="card">
          <div class="big">{formatNumber(props.totals.versions)}</div>
          <div>verzí v historii</div>
        </div>
        <div class="card">
          <div class="big">{formatNumber(props.organizationCount)}</div>
          <div>organizací</div>
        </div>
      </div>
      <h2>Nejnovější záznamy</h2>
      {props.newest.length === 0 ? (
        <p>Zatím tu nejsou žádné záznamy. Obec je může zveřejnit přes API nebo příkazem <code>om publish</code>.</p>
      ) : (
        <RecordTable items={props.newest} showOrganization={true} caption="Deset nejnovějších záznamů podle data" />
      )}
      <h2>Organizace s nejčerstvějšími daty</h2>
      {props.organizations.length === 0 ? (
        <p>Zatím žádná organizace nezveřejnila data.</p>
      ) : (
        <ul>
          {props.organizations.map((o) => (
            <li>
              <a href={`/organizace/${o.ico}`}>{o.name}</a> – {formatNumber(o.recordCount)} {pluralCs(o.recordCount, 'záznam', 'záznamy', 'záznamů')}
              {o.isDemo ? <span class="muted"> (ukázková data)</span> : null}
            </li>
          ))}
        </ul>
      )}
      <h2>Jak se připojit</h2>
      <p>
        Obec nebo její organizace získá přístupový token a zveřejňuje soubory podle standardu (CSV z tabulky, JSON nebo NDJSON). Soubor si předem
        může zdarma ověřit ve <a href="/validator">validátoru</a>.
      </p>
    </Layout>
  );
}

function pageLink(params: Record<string, string | undefined>, cursor: string): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  search.set('cursor', cursor);
  return `?${search.toString()}`;
}

export function OrganizationsPage(props: { organizations: OrgWithStats[] }) {
  return (
    <Layout title="Organizace">
      <h1>Organizace</h1>
      {props.organizations.length === 0 ? (
        <p>V registru zatím není žádná organizace. Správce ji přidá příkazem <code>om organizations import</code>.</p>
      ) : (
        <div class="table-scroll" tabindex={0} role="region" aria-label="Posouvatelná tabulka">
          <table>
            <caption class="muted" style="text-align:left">Organizace seřazené podle posledních dat</caption>
            <thead>
              <tr>
                <th scope="col">Název</th>
                <th scope="col">IČO</th>
                <th scope="col">Druh</th>
                <th scope="col" class="num">Záznamů</th>
                <th scope="col">Poslední změna</th>
              </tr>
            </thead>
            <tbody>
              {props.organizations.map((o) => (
                <tr>
                  <td>
                    <a href={`/organizace/${o.ico}`}>{o.name}</a>
                  </td>
                  <td>{o.ico}</td>
                  <td>{ORGANIZATION_KINDS[o.kind]}</td>
                  <td class="num">{formatNumber(o.recordCount)}</td>
                  <td>{formatTimestamp(o.lastUpdatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

export function OrganizationPage(props: {
  organization: Organization;
  parent?: Organization;
  children: Organization[];
  items: RecordListItem[];
  total: number;
  nextCursor: string | null;
  type?: string;
  /** The harvest section, or a slot for it (page-cache.ts). */
  harvest: Child;
  profile: OrganizationProfile;
  baseUrl: string;
}) {
  const o = props.organization;
  const feed = `/hledat.atom?organizace=${o.ico}`;
  return (
    <Layout title={o.name} demo={o.isDemo} feed={{ href: feed, title: `Nové záznamy: ${o.name}` }}>
      <h1>{o.name}</h1>
      <dl class="fields">
        <dt>IČO</dt>
        <dd>{o.ico}</dd>
        <dt>Druh</dt>
        <dd>{ORGANIZATION_KINDS[o.kind]}</dd>
        {o.dataBox ? (
          <>
            <dt>Datová schránka</dt>
            <dd>{o.dataBox}</dd>
          </>
        ) : null}
        {o.population !== null ? (
          <>
            <dt>Počet obyvatel</dt>
            <dd>{formatNumber(o.population)}</dd>
          </>
        ) : null}
        {props.parent ? (
          <>
            <dt>Nadřízená organizace</dt>
            <dd>
              <a href={`/organizace/${props.parent.ico}`}>{props.parent.name}</a>
            </dd>
          </>
        ) : null}
        <dt>Otevřená data</dt>
        <dd>
          <a href={`/api/v1/organizations/${o.ico}/records`}>záznamy v JSON (API)</a> · <a href={`/hledat.csv?organizace=${o.ico}`}>CSV</a> ·{' '}
          <a href={`/hledat.json?organizace=${o.ico}`}>JSON</a> · <a href={feed}>odběr nových záznamů (Atom)</a> ·{' '}
          <a href={`/hledat?organizace=${o.ico}`}>hledat v záznamech</a> · <a href={`/otevrena-data/${o.ico}`}>hromadné soubory a katalog pro NKOD</a>
        </dd>
      </dl>
      <OrganizationFigures organization={o} profile={props.profile} />
      {props.children.length > 0 ? (
        <>
          <h2>Podřízené organizace</h2>
          <ul>
            {props.children.map((child) => (
              <li>
                <a href={`/organizace/${child.ico}`}>{child.name}</a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>Záznamy</h2>
      <nav aria-label="Typ záznamů">
        <ul style="list-style:none;padding:0;display:flex;gap:1rem;flex-wrap:wrap">
          <li>{props.type ? <a href={`/organizace/${o.ico}`}>Vše</a> : <strong aria-current="page">Vše</strong>}</li>
          {RECORD_TYPES.map((t) => (
            <li>{props.type === t ? <strong aria-current="page">{RECORD_TYPE_LABELS[t].many}</strong> : <a href={`/organizace/${o.ico}?type=${t}`}>{RECORD_TYPE_LABELS[t].many}</a>}</li>
          ))}
        </ul>
      </nav>
      <p>
        {formatNumber(props.total)} {pluralCs(props.total, 'záznam', 'záznamy', 'záznamů')}.
      </p>
      {props.items.length === 0 ? (
        <p>Organizace zatím nezveřejnila žádné záznamy tohoto druhu.</p>
      ) : (
        <RecordTable items={props.items} showOrganization={false} caption={`Záznamy organizace ${o.name}, nejnovější první`} />
      )}
      {props.nextCursor ? (
        <p>
          <a href={pageLink({ type: props.type }, props.nextCursor)}>Další stránka</a>
        </p>
      ) : null}
      {props.harvest}
      <EmbedCode organization={o} baseUrl={props.baseUrl} />
    </Layout>
  );
}

export function HarvestSection(props: { sources: HarvestSource[]; log: HarvestLogEntry[] }) {
  return (
    <section aria-labelledby="sklizen">
      <h2 id="sklizen">Sklizeň z webu organizace</h2>
      {props.sources.length === 0 ? (
        <p>Organizace nemá zaregistrovanou adresu, ze které by portál data pravidelně stahoval. Data nahrává jinak (import souborů nebo API).</p>
      ) : (
        <>
          <p>Portál pravidelně stahuje soubory podle standardu z těchto adres a nahrává jen to, co se změnilo:</p>
          <ul>
            {props.sources.map((source) => (
              <li>
                <a href={source.url}>{source.url}</a> (naposledy zkontrolováno {source.lastCheckedAt ? formatTimestamp(source.lastCheckedAt) : 'zatím nikdy'})
              </li>
            ))}
          </ul>
        </>
      )}
      {props.log.length > 0 ? (
        <table>
          <caption>Protokol sklizně, nejnovější první</caption>
          <thead>
            <tr>
              <th scope="col">Kdy</th>
              <th scope="col">Adresa</th>
              <th scope="col">Výsledek</th>
              <th scope="col">Nové záznamy</th>
              <th scope="col">Nové verze</th>
              <th scope="col">Odmítnuto</th>
              <th scope="col">Poznámka</th>
            </tr>
          </thead>
          <tbody>
            {props.log.map((run) => (
              <tr>
                <td>{formatTimestamp(run.startedAt)}</td>
                <td>{run.url}</td>
                <td>{run.outcomeLabel}</td>
                <td>{formatNumber(run.created)}</td>
                <td>{formatNumber(run.newVersions)}</td>
                <td>{formatNumber(run.rejected)}</td>
                <td>{run.message ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : props.sources.length > 0 ? (
        <p>Sklizeň zatím neproběhla.</p>
      ) : null}
    </section>
  );
}

function FieldLabel({ type, path }: { type: RecordType; path: string }) {
  const info = fieldInfo(type, path);
  if (!info) return <>{path}</>;
  // The explanation shows on hover and on keyboard focus, and screen readers read it as the term's description.
  const id = `tip-${path.replace(/[^a-zA-Z0-9]/g, '-')}`;
  return (
    <span class="help" tabindex={0} aria-describedby={id}>
      {info.title}
      <span class="tip" role="tooltip" id={id}>
        {info.description}
      </span>
    </span>
  );
}

const DATE_KEYS = new Set(['datumUzavreni', 'platnostOd', 'platnostDo', 'datumVystaveni', 'datumDodani', 'datumUzp', 'datumSplatnosti', 'datumUhrady', 'datumZverejneni']);

function displayValue(key: string, value: unknown, currency: string): string {
  if (typeof value === 'boolean') return value ? 'ano' : 'ne';
  if (DATE_KEYS.has(key) && typeof value === 'string') return formatDate(value);
  if ((key === 'hodnotaBezDph' || key === 'hodnotaVcetneDph') && typeof value === 'string') {
    const halere = decimalToHalere(value);
    return halere === null ? value : amountOf({ amountWithVat: null, amountWithoutVat: halere, currency }).replace(' bez DPH', '');
  }
  return String(value);
}

function VersionChanges({ version }: { version: VersionView }) {
  if (version.change === 'withdrawn') return <p>Záznam byl znepřístupněn. Důvod: {version.note}</p>;
  if (version.changes.length === 0) return <p class="muted">První verze.</p>;
  return (
    <div class="table-scroll" tabindex={0} role="region" aria-label="Posouvatelná tabulka">
      <table>
        <caption class="muted" style="text-align:left">Změny oproti předchozí verzi</caption>
        <thead>
          <tr>
            <th scope="col">Pole</th>
            <th scope="col">Předtím</th>
            <th scope="col">Nově</th>
          </tr>
        </thead>
        <tbody>
          {version.changes.map((change) => (
            <tr>
              <td>
                <FieldLabel type={version.content.typ} path={change.path} /> <span class="muted">({change.path})</span>
              </td>
              <td>{change.before === null ? <span class="muted">—</span> : <del>{change.before}</del>}</td>
              <td>{change.after === null ? <span class="muted">—</span> : <ins>{change.after}</ins>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const CHANGE_LABELS = { created: 'zveřejněno', corrected: 'opraveno', withdrawn: 'znepřístupněno' } as const;

const LINK_LABELS: Record<string, string> = {
  dodatekKSmlouve: 'Dodatek ke smlouvě',
  smlouva: 'Na základě smlouvy',
  objednavka: 'Na základě objednávky',
};

const LINKED_FROM_LABELS: Record<string, string> = {
  dodatekKSmlouve: 'dodatek',
  smlouva: 'navazující',
  objednavka: 'fakturováno k objednávce',
};

export function RecordPage({ detail, flags, links }: { detail: RecordDetail; flags: RedFlag[]; links: RecordLinks }) {
  return (
    <Layout title={detail.current.content.predmet} demo={detail.organization.isDemo}>
      <RecordBody detail={detail} flags={flags} links={links} />
    </Layout>
  );
}

/** The record as the public sees it; also the workspace's preview of a record not yet published. */
export function RecordBody({ detail, flags, links }: { detail: RecordDetail; flags: RedFlag[]; links: RecordLinks }) {
  const record = detail.current.content;
  const type = detail.type;
  const currency = record.mena ?? 'CZK';
  const plain = Object.entries(record).filter(([, value]) => !Array.isArray(value) && value !== undefined);
  const redacted = new Set(detail.current.redactedPaths);
  return (
    <>
      <p class="muted">
        {RECORD_TYPE_LABELS[type].one} · <a href={`/organizace/${detail.organization.ico}`}>{detail.organization.name}</a>
      </p>
      <h1>{record.predmet}</h1>
      {detail.status === 'withdrawn' ? (
        <p class="banner error" role="note">
          <strong>Záznam byl znepřístupněn</strong> {formatTimestamp(detail.withdrawnAt)}. Důvod: {detail.withdrawalReason}. Historie zůstává veřejná.
        </p>
      ) : null}
      <p>
        <QualityBadge level={detail.current.quality} /> · verze {detail.current.versionNo} · zveřejněno poprvé {formatTimestamp(detail.firstPublishedAt)}
      </p>
      {detail.current.qualityGaps.length > 0 ? (
        <div class="banner" role="note">
          <p style="margin:0">Do úrovně kvality A chybí:</p>
          <ul>
            {detail.current.qualityGaps.map((gap) => (
              <li>{QUALITY_GAP_LABELS[gap as QualityGap]}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <h2 id="signaly">Varovné signály</h2>
      {flags.length === 0 ? (
        <p>Záznam nemá žádný varovný signál podle <a href="/metodika">metodiky</a>.</p>
      ) : (
        <ul class="flag-list">
          {flags.map((flag) => (
            <li>
              <span class={`flag sev-${flag.severity}`}>
                <span aria-hidden="true">⚑ </span>
                {flag.title}
              </span>{' '}
              <span class="muted">(závažnost {SEVERITY_CS[flag.severity]})</span>: {flag.sentence} <a href={`/metodika#${flag.code}`}>Jak se počítá</a>
            </li>
          ))}
        </ul>
      )}
      {links.to.length > 0 || links.from.length > 0 ? (
        <>
          <h2>Související záznamy</h2>
          <ul>
            {links.to.map((link) => (
              <li>
                {LINK_LABELS[link.kind]}:{' '}
                {link.exists ? <a href={recordPath(detail.organization.ico, link.key)}>{link.subject ?? link.key}</a> : <span>{link.key} <span class="muted">(na portálu nezveřejněno)</span></span>}
              </li>
            ))}
            {links.from.map((item) => (
              <li>
                {RECORD_TYPE_LABELS[item.type as RecordType].one} ({LINKED_FROM_LABELS[item.linkKind] ?? item.linkKind}): <a href={recordPath(item.organizationIco, item.id)}>{item.subject}</a>{' '}
                <span class="muted">
                  {formatDate(item.date)}, {amountOf(item)}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {record.odkaz ? (
        <p>
          Zdroj: <a href={record.odkaz}>{record.typ === 'smlouva' && record.registrSmluvIdVerze ? 'záznam v registru smluv' : 'původní zveřejnění'}</a>
        </p>
      ) : null}
      <h2>Údaje</h2>
      <dl class="fields">
        {plain.map(([key, value]) => (
          <>
            <dt>
              <FieldLabel type={type} path={key} />
            </dt>
            <dd>{key === 'odkaz' ? <a href={String(value)}>{String(value)}</a> : displayValue(key, value, currency)}</dd>
          </>
        ))}
      </dl>
      <h2>Smluvní strany</h2>
      <div class="table-scroll" tabindex={0} role="region" aria-label="Posouvatelná tabulka">
        <table>
          <caption class="muted" style="text-align:left">Protistrany záznamu</caption>
          <thead>
            <tr>
              <th scope="col">Název</th>
              <th scope="col">IČO / identifikátor</th>
              <th scope="col">Role</th>
              <th scope="col">Adresa</th>
            </tr>
          </thead>
          <tbody>
            {record.strany.map((party, index) => (
              <tr>
                <td>{party.ico && /^\d{8}$/.test(party.ico) && !redacted.has(`strany.${index + 1}.ico`) ? <a href={`/subjekt/${party.ico}`}>{party.nazev}</a> : party.nazev}</td>
                <td>
                  {redacted.has(`strany.${index + 1}.ico`) ? <span class="muted">skryto (osobní údaj)</span> : (party.ico ?? party.zahranicniId ?? '—')}
                  {party.dic ? <span class="muted"> · DIČ {party.dic}</span> : null}
                </td>
                <td>{party.role === 'platce' ? 'plátce' : 'příjemce'}</td>
                <td>{party.adresa ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Přílohy</h2>
      {(record.prilohy ?? []).length === 0 ? (
        <p>Záznam nemá přílohy.</p>
      ) : (
        <ul>
          {(record.prilohy ?? []).map((attachment) => (
            <li>
              {attachment.url ? <a href={attachment.url}>{attachment.nazev}</a> : attachment.nazev}
              {attachment.typMedia ? <span class="muted"> ({attachment.typMedia})</span> : null}
            </li>
          ))}
        </ul>
      )}
      {detail.current.warnings.length > 0 ? (
        <>
          <h2>Upozornění validace</h2>
          <ul>
            {detail.current.warnings.map((w) => (
              <li>
                {w.path ? <code>{w.path}</code> : null} {w.message}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>Historie verzí</h2>
      <ol reversed>
        {[...detail.versions].reverse().map((version) => (
          <li>
            <h3 style="font-size:1.05rem;margin:.75rem 0 .25rem">
              Verze {version.versionNo}: {CHANGE_LABELS[version.change]} {formatTimestamp(version.publishedAt)}
            </h3>
            {version.note && version.change !== 'withdrawn' ? <p>Poznámka: {version.note}</p> : null}
            <VersionChanges version={version} />
          </li>
        ))}
      </ol>
      <p>
        <a href={`/api/v1/organizations/${detail.organization.ico}/records/${encodeURIComponent(detail.id)}`}>Tento záznam v JSON (API)</a>
      </p>
    </>
  );
}

export function StandardPage({ baseUrl }: { baseUrl: string }) {
  const root = `/standard/${STANDARD_VERSION}`;
  return (
    <Layout title={`Standard ${STANDARD_VERSION}`}>
      <h1>Standard zveřejňování smluv, objednávek a faktur, verze {STANDARD_VERSION}</h1>
      <p>
        Standard popisuje, jak obec zveřejní smlouvu, objednávku nebo fakturu tak, aby šla porovnat s ostatními. Názvy polí vycházejí z registru
        smluv. Každý záznam má vlastní identifikátor (<code>id</code>); oprava se publikuje pod stejným identifikátorem a vznikne nová verze.
      </p>
      <h2>Soubory ke stažení</h2>
      <ul>
        {RECORD_TYPES.map((type) => (
          <li>
            {RECORD_TYPE_LABELS[type].one}: <a href={`${root}/${type}.schema.json`}>JSON Schema</a>, <a href={`${root}/${type}.csv`}>šablona CSV</a>,{' '}
            <a href={`${root}/${type}-popisky.csv`}>šablona CSV s popisky</a>, <a href={`${root}/priklad-${type}.json`}>příklad JSON</a>,{' '}
            <a href={`${root}/priklad-${type}.csv`}>příklad CSV</a>
          </li>
        ))}
        <li>
          Libovolný záznam: <a href={`${root}/zaznam.schema.json`}>zaznam.schema.json</a>; soubor záznamů: <a href={`${root}/soubor.schema.json`}>soubor.schema.json</a>
        </li>
      </ul>
      <p class="muted">Adresy schémat jsou stálé: {baseUrl + root}/…</p>
      <h2>Formáty</h2>
      <ul>
        <li>JSON: záznam, pole záznamů, nebo objekt <code>{'{"typ": "smlouva", "zaznamy": […]}'}</code>, kde společný typ platí pro všechny záznamy.</li>
        <li>NDJSON: jeden záznam JSON na řádek (vhodné pro velké soubory).</li>
        <li>
          CSV: jeden záznam na řádek, první řádek je hlavička s názvy polí. Smluvní strany a přílohy mají číslované sloupce (<code>strany.1.nazev</code>,{' '}
          <code>strany.2.ico</code>, <code>prilohy.1.url</code>). Kódování UTF-8 nebo windows-1250, oddělovač čárka, středník nebo tabulátor.
        </li>
        <li>Částky se zapisují jako text s desetinnou tečkou a nejvýše dvěma desetinnými místy (<code>"12500.50"</code>), data jako RRRR-MM-DD.</li>
      </ul>
      <h2>Úrovně kvality</h2>
      <dl class="fields">
        <dt>C – minimum</dt>
        <dd>Záznam prošel validací: má povinná pole a žádnou chybu.</dd>
        <dt>B – ceny a strany</dt>
        <dd>Navíc je uvedena cena (nebo příznak cenaNeuvedena s důvodem) a každá strana má platné IČO, zahraniční identifikátor, nebo je označena jako fyzická osoba.</dd>
        <dt>A – úplný záznam</dt>
        <dd>Navíc má alespoň jednu přílohu ve strojově čitelném formátu, faktura odkazuje na smlouvu nebo objednávku a záznam nemá žádné varování.</dd>
      </dl>
      <h2>Chyby a varování</h2>
      <p>Chyba záznam odmítne; varování jej ponechá, označí a sníží jeho kvalitu. Kódy jsou stálé a vrací je API i validátor.</p>
      <div class="table-scroll" tabindex={0} role="region" aria-label="Posouvatelná tabulka">
        <table>
          <caption class="muted" style="text-align:left">Kódy problémů</caption>
          <thead>
            <tr>
              <th scope="col">Kód</th>
              <th scope="col">Význam</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(ISSUE_MESSAGES).map(([code, message]) => (
              <tr>
                <td>
                  <code>{code}</code>
                </td>
                <td>{message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {RECORD_TYPES.map((type) => (
        <>
          <h2 id={`pole-${type}`}>Pole: {RECORD_TYPE_LABELS[type].one}</h2>
          <div class="table-scroll" tabindex={0} role="region" aria-label="Posouvatelná tabulka">
            <table>
              <caption class="muted" style="text-align:left">Pole záznamu typu {type}</caption>
              <thead>
                <tr>
                  <th scope="col">Pole</th>
                  <th scope="col">Název</th>
                  <th scope="col">Povinné</th>
                  <th scope="col">Pravidlo</th>
                  <th scope="col">Popis</th>
                  <th scope="col">Příklad</th>
                </tr>
              </thead>
              <tbody>
                {fieldsOf(type).map((field) => (
                  <tr>
                    <td>
                      <code>{field.key}</code>
                    </td>
                    <td>{field.title}</td>
                    <td>{field.required ? 'ano' : 'ne'}</td>
                    <td>{field.rule}</td>
                    <td>{field.description}</td>
                    <td>
                      <code>{field.example}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ))}
    </Layout>
  );
}

export function ValidatorPage({ report, error, fileName }: { report?: ValidationReport; error?: string; fileName?: string }) {
  return (
    <Layout title="Validátor">
      <h1>Validátor souborů podle standardu</h1>
      <p>Nahrajte soubor CSV, JSON nebo NDJSON. Validátor ověří každý záznam a ukáže chyby po řádcích a polích. Nic se neukládá ani nezveřejňuje.</p>
      <form action="/validator" method="post" enctype="multipart/form-data">
        <p>
          <label for="soubor">Soubor</label>
          <br />
          <input id="soubor" name="soubor" type="file" required accept=".csv,.json,.ndjson,.jsonl,.txt" />
        </p>
        <p>
          <label for="typ">Typ záznamů bez sloupce typ</label>
          <br />
          <select id="typ" name="typ">
            <option value="">uvedeno v souboru</option>
            {RECORD_TYPES.map((t) => (
              <option value={t}>{RECORD_TYPE_LABELS[t].many}</option>
            ))}
          </select>
        </p>
        <button type="submit">Zkontrolovat</button>
      </form>
      {error ? (
        <div class="banner error" role="alert">
          <strong>Soubor nelze přečíst.</strong> {error}
        </div>
      ) : null}
      {report ? <ValidationReportView report={report} fileName={fileName} /> : null}
      <p>
        Totéž je k dispozici jako <code>POST /api/v1/validate</code> v <a href="/api">API</a> a jako příkaz <code>om validate SOUBOR</code>.
      </p>
    </Layout>
  );
}

function ValidationReportView({ report, fileName }: { report: ValidationReport; fileName?: string }) {
  const s = report.summary;
  const problems = report.rows.filter((row) => row.issues.length > 0);
  return (
    <section aria-labelledby="protokol">
      <h2 id="protokol">Protokol shody{fileName ? `: ${fileName}` : ''}</h2>
      <div class={`banner ${s.rejected > 0 ? 'error' : 'ok'}`} role="status">
        Přečteno {formatNumber(s.read)} {pluralCs(s.read, 'záznam', 'záznamy', 'záznamů')}: {formatNumber(s.valid)} v pořádku, {formatNumber(s.rejected)} odmítnuto,{' '}
        {formatNumber(s.withWarnings)} s varováním. Kvalita A: {formatNumber(s.quality.A)}, B: {formatNumber(s.quality.B)}, C: {formatNumber(s.quality.C)}. Formát{' '}
        {report.format.toUpperCase()}, kódování {report.encoding}.
      </div>
      {report.fileIssues.length > 0 ? (
        <ul>
          {report.fileIssues.map((f) => (
            <li>{f.message}</li>
          ))}
        </ul>
      ) : null}
      {problems.length === 0 ? (
        <p>Žádné chyby ani varování.</p>
      ) : (
        <div class="table-scroll" tabindex={0} role="region" aria-label="Posouvatelná tabulka">
          <table>
            <caption class="muted" style="text-align:left">Záznamy s chybou nebo varováním</caption>
            <thead>
              <tr>
                <th scope="col">Řádek</th>
                <th scope="col">Záznam</th>
                <th scope="col">Výsledek</th>
                <th scope="col">Pole</th>
                <th scope="col">Problém</th>
              </tr>
            </thead>
            <tbody>
              {problems.flatMap((row) =>
                row.issues.map((issue) => (
                  <tr>
                    <td class="num">{row.line}</td>
                    <td>{row.id ?? '—'}</td>
                    <td>{issue.severity === 'error' ? 'Chyba' : 'Varování'}</td>
                    <td>
                      <code>{issue.path || '—'}</code>
                    </td>
                    <td>{issue.message}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      )}
      {report.rowsTruncated ? <p class="muted">Protokol ukazuje prvních 10 000 záznamů; souhrn počítá všechny.</p> : null}
      {s.read > 0 ? (
        <p>
          Kvalita jednotlivých záznamů:{' '}
          {report.rows.slice(0, 50).map((row) => (row.quality ? <QualityBadge level={row.quality} /> : null))}
        </p>
      ) : null}
    </section>
  );
}

type ApiOperation = { summary: string; parameters?: Array<{ name: string; in: string; description?: string }>; responses?: Record<string, { description?: string }> };

export function ApiPage({ doc }: { doc: { paths: Record<string, Record<string, ApiOperation>> } }) {
  return (
    <Layout title="API" description="REST API registru smluv, objednávek a faktur: OpenAPI, stránkování, CSV, ETag, limity a kódy chyb.">
      <h1>API pro vývojáře</h1>
      <p>
        Úplný popis je ve formátu OpenAPI 3.1: <a href="/api/openapi.json">/api/openapi.json</a>; tato stránka se z něj generuje. Čtení je volné a povolené
        odkudkoli (CORS), zápis vyžaduje token organizace v hlavičce <code>Authorization: Bearer …</code>.
      </p>
      <h2>Jak API funguje</h2>
      <ul>
        <li>
          <strong>Stránkování kurzorem</strong>: odpověď seznamu nese <code>nextCursor</code>; další stránku získáte parametrem <code>cursor</code>. Kurzor
          je stabilní i při souběžném zveřejňování.
        </li>
        <li>
          <strong>Výběr polí a CSV</strong>: <code>fields=id,subject,date</code> vrátí jen tato pole; <code>format=csv</code> (nebo{' '}
          <code>Accept: text/csv</code>) vrátí stránku jako CSV a další stránku v hlavičce <code>Link</code>.
        </li>
        <li>
          <strong>Podmíněné požadavky</strong>: každá odpověď GET nese <code>ETag</code>; s hlavičkou <code>If-None-Match</code> dostanete při beze změny
          odpověď 304 bez těla.
        </li>
        <li>
          <strong>Limity</strong>: počet požadavků na klienta (token, jinak adresu) je omezen; hlavičky <code>RateLimit-Limit</code> a{' '}
          <code>RateLimit-Remaining</code> ukazují stav, po překročení přijde 429 s <code>Retry-After</code>.
        </li>
        <li>
          <strong>Zrcadlení</strong>: <code>/api/v1/changes?since=…</code> vypisuje změny v pořadí uložení; uložte si <code>nextSince</code> a ptejte se
          znovu. Celá data najednou jsou v <a href="/otevrena-data">hromadných souborech</a>.
        </li>
      </ul>
      <h2>Kódy chyb</h2>
      <p>
        Chyba má tvar <code>{'{"error": {"code": …, "message": …, "details": …}}'}</code>. Kód je stabilní, zpráva je česky pro lidi.
      </p>
      <div class="table-scroll" tabindex={0} role="region" aria-label="Kódy chyb">
        <table>
          <caption class="visually-hidden">Kódy chyb API a jejich význam</caption>
          <thead>
            <tr>
              <th scope="col">Kód</th>
              <th scope="col" class="num">
                HTTP
              </th>
              <th scope="col">Význam</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(ERROR_CODES).map(([code, info]) => (
              <tr>
                <td>
                  <code>{code}</code>
                </td>
                <td class="num">{info.status}</td>
                <td>{info.cs}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Koncové body</h2>
      {Object.entries(doc.paths).map(([path, methods]) => (
        <>
          {Object.entries(methods).map(([method, operation]) => (
            <section>
              <h3 style="font-size:1.1rem">
                <code>
                  {method.toUpperCase()} {path}
                </code>
              </h3>
              <p>{operation.summary}</p>
              {operation.parameters && operation.parameters.length > 0 ? (
                <ul>
                  {operation.parameters.map((p) => (
                    <li>
                      <code>{p.name}</code> ({p.in === 'path' ? 'v cestě' : 'v dotazu'}){p.description ? ` – ${p.description}` : ''}
                    </li>
                  ))}
                </ul>
              ) : null}
              {operation.responses ? (
                <p class="muted">
                  Odpovědi:{' '}
                  {Object.entries(operation.responses)
                    .map(([status, response]) => `${status} ${response.description ?? ''}`.trim())
                    .join(' · ')}
                </p>
              ) : null}
            </section>
          ))}
        </>
      ))}
    </Layout>
  );
}

export function ErrorPage({ status, message }: { status: number; message: string }) {
  const title = status === 404 ? 'Stránka nenalezena' : status >= 500 ? 'Chyba serveru' : 'Požadavek nelze vyřídit';
  return (
    <Layout title={title}>
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        Pokračujte na <a href="/">úvodní stránku</a> nebo <a href="/hledat">hledání v záznamech</a>.
      </p>
    </Layout>
  );
}
