/** @jsxImportSource hono/jsx */
/** Open data: the bulk files with their checksums, the catalogs for the national catalog, and how a town registers one. */
import { Layout } from './layout.tsx';
import { formatNumber, formatTimestamp } from '../shared/format.ts';
import { FORMAT_LABELS, type ExportFileEntry, type ExportIndex } from '../exports/rules.ts';
import { RECORD_TYPE_LABELS } from '../standard/schema.ts';
import { catalogIri } from '../catalog/rules.ts';
import type { Organization } from '../organizations/service.ts';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${formatNumber(bytes)} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toLocaleString('cs-CZ', { maximumFractionDigits: 1 })} kB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toLocaleString('cs-CZ', { maximumFractionDigits: 1 })} MB`;
  return `${(bytes / 1024 ** 3).toLocaleString('cs-CZ', { maximumFractionDigits: 2 })} GB`;
}

function FileTable({ files, caption }: { files: ExportFileEntry[]; caption: string }) {
  return (
    <div class="table-scroll" tabindex={0} role="region" aria-label={caption}>
      <table>
        <caption class="muted" style="text-align:left">
          {caption}
        </caption>
        <thead>
          <tr>
            <th scope="col">Obsah</th>
            <th scope="col">Formát</th>
            <th scope="col" class="num">
              Řádků
            </th>
            <th scope="col" class="num">
              Velikost
            </th>
            <th scope="col">SHA-256</th>
          </tr>
        </thead>
        <tbody>
          {files.map((file) => (
            <tr>
              <td>{file.type ? RECORD_TYPE_LABELS[file.type].many : 'Smlouvy (OCDS)'}</td>
              <td>
                <a href={`/otevrena-data/soubory/${file.path}`}>
                  {FORMAT_LABELS[file.format]}
                  {file.path.endsWith('ocds-records.json') ? ' (record package)' : file.format === 'ocds' ? ' (release package)' : ''}
                </a>
              </td>
              <td class="num">{formatNumber(file.rows)}</td>
              <td class="num">{formatBytes(file.bytes)}</td>
              <td>
                <code title={file.sha256}>{file.sha256.slice(0, 12)}…</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function OpenDataPage({ index, baseUrl, organization }: { index: ExportIndex | null; baseUrl: string; organization: Organization | null }) {
  const scope = organization?.ico ?? null;
  const files = (index?.files ?? []).filter((file) => file.organization === scope);
  const title = organization ? `Otevřená data: ${organization.name}` : 'Otevřená data';
  return (
    <Layout title={title} description="Hromadné soubory, katalog pro Národní katalog otevřených dat a API.">
      <h1>{title}</h1>
      <p>
        Všechny zveřejněné smlouvy, objednávky a faktury {organization ? `organizace ${organization.name}` : 'všech organizací'} lze volně stáhnout a dále
        používat. Soubory se obnovují každou noc; stahování podporuje podmíněné požadavky (ETag) i navazování (Range).
      </p>
      <ul>
        <li>
          <strong>CSV podle standardu</strong> (UTF-8, čárky, RFC 4180): sloupce odpovídají <a href="/standard">publikačnímu standardu</a>, soubor lze
          znovu nahrát do jiné instalace.
        </li>
        <li>
          <strong>CSV pro Excel</strong>: se středníky a desetinnými čárkami; otevře se poklepáním v české verzi Excelu.
        </li>
        <li>
          <strong>NDJSON</strong>: jeden záznam na řádek včetně celé historie verzí, oprav a znepřístupnění.
        </li>
        <li>
          <strong>OCDS 1.1</strong>: smlouvy, jejich dodatky a uhrazené faktury ve formátu Open Contracting Data Standard.
        </li>
      </ul>
      {files.length > 0 ? (
        <>
          <FileTable files={files} caption={`Soubory vygenerované ${formatTimestamp(files[0]!.generatedAt)}`} />
          <p>
            Seznam všech souborů s kontrolními součty je i strojově: <a href="/otevrena-data/soubory/index.json">index.json</a>.
          </p>
        </>
      ) : (
        <p class="empty">Soubory zatím nebyly vygenerovány. Vznikají při nočním exportu nebo příkazem <code>om export</code>.</p>
      )}
      <h2>Katalog otevřených dat</h2>
      <p>
        Katalog podle DCAT-AP-CZ, který sklízí Národní katalog otevřených dat: <a href={catalogIri('', scope)}>{catalogIri(baseUrl, scope)}</a>.{' '}
        <a href={organization ? `/otevrena-data/nkod?organizace=${organization.ico}` : '/otevrena-data/nkod'}>Jak katalog zaregistrovat v NKOD</a>.
      </p>
      <h2>API a změny</h2>
      <p>
        Záznamy po jednom, s filtry a stránkováním nabízí <a href="/api">REST API</a>. Kdo drží kopii, stahuje jen změny z{' '}
        <a href="/api/v1/changes">/api/v1/changes</a> (nové záznamy, verze a znepřístupnění v pořadí, navazuje se parametrem <code>since</code>).
      </p>
    </Layout>
  );
}

export function NkodPage({ baseUrl, organization }: { baseUrl: string; organization: Organization | null }) {
  const catalog = catalogIri(baseUrl, organization?.ico ?? null);
  return (
    <Layout title="Registrace katalogu v NKOD" description="Jak obec zaregistruje svůj lokální katalog otevřených dat v Národním katalogu otevřených dat.">
      <h1>Jak zaregistrovat katalog v Národním katalogu otevřených dat</h1>
      <p>
        Národní katalog otevřených dat (NKOD) každou noc sklízí lokální katalogy poskytovatelů. Portál Otevřená města takový katalog pro{' '}
        {organization ? organization.name : 'každou organizaci'} vede sám; stačí ho jednou zaregistrovat.
      </p>
      <ol>
        <li>
          Adresa katalogu{organization ? '' : ' (za konkrétní organizaci je na její stránce Otevřená data)'}: <code>{catalog}</code>
        </li>
        <li>
          Pošlete z datové schránky organizace datovou zprávu do datové schránky <strong>m3hp53v</strong> (Digitální a informační agentura) s věcí{' '}
          <strong>NKOD</strong>.
        </li>
        <li>
          Do zprávy napište, že žádáte o registraci lokálního katalogu otevřených dat, a uveďte: název katalogu, adresu katalogu výše, IČO organizace a
          kontaktní e-mail.
        </li>
        <li>Po registraci se datové sady objeví v NKOD po nejbližším nočním sklízení. Změny v katalogu se pak promítají samy.</li>
      </ol>
      <p>
        Pro registraci musí portál běžet na adrese s HTTPS: standard DCAT-AP-CZ vyžaduje, aby adresy datových sad a souborů začínaly <code>https://</code>.
      </p>
      <p>
        <a href={organization ? `/otevrena-data/${organization.ico}` : '/otevrena-data'}>Zpět na otevřená data</a>
      </p>
    </Layout>
  );
}
