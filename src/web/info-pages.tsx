/** @jsxImportSource hono/jsx */
/** The methodology of red flags, the accessibility statement, and the embeddable widget. */
import { raw } from 'hono/html';
import { Layout } from './layout.tsx';
import { amountOf } from './components.tsx';
import { formatDate, formatNumber } from '../shared/format.ts';
import { recordPath } from '../api/present.ts';
import { RECORD_TYPE_LABELS } from '../standard/schema.ts';
import { RED_FLAGS, RED_FLAG_CODES, SEVERITY_CS, THRESHOLDS } from '../register/red-flags.ts';
import type { Organization } from '../organizations/service.ts';
import type { SearchHit } from '../register/search-service.ts';
import { STYLESHEET_EMBED } from './style.ts';

export function MethodologyPage() {
  return (
    <Layout title="Metodika varovných signálů" description="Jak portál Otevřená města počítá varovné signály u smluv, objednávek a faktur.">
      <h1>Metodika varovných signálů</h1>
      <p>
        Varovný signál upozorňuje na záznam, který stojí za bližší pohled. <strong>Není to zjištění pochybení</strong>: mnoho signálů má běžné vysvětlení
        (např. více sazeb DPH na jedné faktuře). Signály se počítají jen z údajů, které organizace zveřejnila, automaticky u každé verze záznamu. Každý
        signál má závažnost (nízká, střední, vysoká) a u záznamu větu, která ho vysvětluje.
      </p>
      <h2>Signály</h2>
      <dl class="methods">
        {RED_FLAG_CODES.map((code) => (
          <>
            <dt id={code}>
              {RED_FLAGS[code].title} <span class="muted">(závažnost {SEVERITY_CS[RED_FLAGS[code].severity]}, kód <code>{code}</code>)</span>
            </dt>
            <dd>
              <p>{RED_FLAGS[code].method}</p>
              {code !== 'dominant_supplier' ? (
                <p>
                  <a href={`/hledat?signal=${code}`}>Záznamy s tímto signálem</a>
                </p>
              ) : null}
            </dd>
          </>
        ))}
      </dl>
      <h2 id="limity">Limity, pod kterými se hlídá „těsně pod limitem“</h2>
      <div class="table-scroll" tabindex={0} role="region" aria-label="Tabulka limitů">
      <table>
        <caption class="visually-hidden">Limity a období jejich platnosti</caption>
        <thead>
          <tr>
            <th scope="col" class="num">
              Limit bez DPH
            </th>
            <th scope="col">Platí od</th>
            <th scope="col">Platí do</th>
            <th scope="col">Co limit znamená</th>
          </tr>
        </thead>
        <tbody>
          {THRESHOLDS.map((t) => (
            <tr>
              <td class="num">{formatNumber(t.amountCzk)} Kč</td>
              <td>{formatDate(t.from)}</td>
              <td>{t.to ? formatDate(t.to) : 'dosud'}</td>
              <td>{t.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      <p>
        Záznam se posuzuje podle limitů platných ke dni uzavření smlouvy nebo vystavení objednávky či faktury. „Těsně pod“ znamená nejvýše o 10 % níž. Mění-li
        se limity zákonem, doplní se do tabulky a signály se přepočítají příkazem <code>om red-flags</code>.
      </p>
      <h2>Koncentrace dodavatelů</h2>
      <p>
        Herfindahlův–Hirschmanův index (HHI) je součet druhých mocnin procentních podílů dodavatelů na výdajích organizace za rok (0 až 10 000). Nad 2 500 se
        trh považuje za vysoce koncentrovaný. Počítá se z částek v Kč (s DPH, kde je uvedena) u stran v roli příjemce a jen pro roky s alespoň třemi záznamy.
        Hodnotu pro každý rok ukazuje stránka organizace.
      </p>
    </Layout>
  );
}

export function AccessibilityPage({ contact }: { contact: string }) {
  return (
    <Layout title="Prohlášení o přístupnosti" description="Prohlášení o přístupnosti portálu Otevřená města podle zákona č. 99/2019 Sb.">
      <h1>Prohlášení o přístupnosti</h1>
      <p>
        Spolek Otevřená města se zavazuje zpřístupnit tento portál v souladu se zákonem č. 99/2019 Sb., o přístupnosti internetových stránek a mobilních
        aplikací, a s prováděcí vyhláškou. Prohlášení se vztahuje na veřejnou část portálu včetně vyhledávání, stránek organizací, subjektů a záznamů.
      </p>
      <h2>Stav souladu</h2>
      <p>
        Portál je <strong>v souladu</strong> s normou ČSN EN 301 549 a s požadavky WCAG 2.1 na úrovni AA, s výjimkami uvedenými níže. Stránky fungují bez
        JavaScriptu, lze je ovládat klávesnicí, mají odkaz „Přeskočit na obsah“, orientační oblasti, popsané formulářové prvky, viditelné zaměření a
        dostatečný kontrast. Grafy mají textový popis a vedle sebe tabulku se stejnými čísly; informace se nepředávají jen barvou.
      </p>
      <h2>Nepřístupný obsah</h2>
      <ul>
        <li>
          Přílohy záznamů (např. skeny smluv v PDF) zveřejňují jednotlivé organizace; portál jejich přístupnost nezaručuje. Tento obsah je vyňat podle § 5
          odst. 2 písm. a) zákona (obsah třetích stran).
        </li>
      </ul>
      <h2>Vypracování prohlášení</h2>
      <p>
        Prohlášení bylo vypracováno 26. 11. 2026 na základě vlastního posouzení. Každé vydání portálu prochází automatickou kontrolou (axe-core v
        prohlížeči Chromium) a testem ovládání klávesnicí.
      </p>
      <h2>Zpětná vazba a kontakty</h2>
      <p>
        Narazíte-li na obsah, který pro vás není přístupný, napište nám na <a href={`mailto:${contact}`}>{contact}</a>. Odpovíme do 30 dnů a obsah vám
        poskytneme v přístupné podobě.
      </p>
      <h2>Vymáhání</h2>
      <p>
        Pokud vaši žádost nevyřídíme uspokojivě, můžete se obrátit na Ministerstvo vnitra, odbor eGovernmentu, které dohlíží na dodržování zákona č. 99/2019 Sb.
      </p>
    </Layout>
  );
}

/** A small page for an <iframe> on a town's own website: no scripts, no third-party requests, its own inline style. */
export function EmbedPage({ organization, hits, baseUrl }: { organization: Organization; hits: SearchHit[]; baseUrl: string }) {
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="cs">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`Nejnovější záznamy – ${organization.name}`}</title>
          <style>{raw(STYLESHEET_EMBED)}</style>
        </head>
        <body>
          <main>
            <h1>Nejnovější smlouvy, objednávky a faktury</h1>
            {hits.length === 0 ? (
              <p>{organization.name} zatím nic nezveřejnila.</p>
            ) : (
              <ul>
                {hits.map((hit) => (
                  <li>
                    <a href={baseUrl + recordPath(hit.organizationIco, hit.id)} target="_top">
                      {hit.subject}
                    </a>
                    <br />
                    <span class="meta">
                      {RECORD_TYPE_LABELS[hit.type].one} · {formatDate(hit.date)} · {amountOf(hit)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            <p class="more">
              <a href={`${baseUrl}/organizace/${organization.ico}`} target="_top">
                Všechny záznamy na portálu Otevřená města
              </a>
            </p>
          </main>
        </body>
      </html>
    </>
  );
}
