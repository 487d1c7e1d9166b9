/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';

export interface LayoutProps {
  title: string;
  children: Child;
  description?: string;
  demo?: boolean;
  /** An Atom feed of the page's content, announced to feed readers. */
  feed?: { href: string; title: string };
  /** Progressive enhancement only: every page works without it. */
  script?: string;
}

export function Layout({ title, children, description, demo, feed, script }: LayoutProps) {
  return (
    <>
    {raw('<!DOCTYPE html>')}
    <html lang="cs">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} – Otevřená města`}</title>
        <meta name="description" content={description ?? 'Smlouvy, objednávky a faktury měst a obcí jako otevřená data.'} />
        <link rel="stylesheet" href="/static/style.css" />
        {feed ? <link rel="alternate" type="application/atom+xml" title={feed.title} href={feed.href} /> : null}
        {script ? <script src={script} defer /> : null}
      </head>
      <body>
        <a class="skip" href="#obsah">
          Přeskočit na obsah
        </a>
        <header class="site">
          <div class="wrap">
            <a class="brand" href="/">
              Otevřená města
            </a>
            <nav aria-label="Hlavní navigace">
              <ul>
                <li><a href="/hledat">Hledat</a></li>
                <li><a href="/organizace">Organizace</a></li>
                <li><a href="/standard">Standard</a></li>
                <li><a href="/validator">Validátor</a></li>
                <li><a href="/api">API</a></li>
                <li><a href="/sprava">Správa</a></li>
              </ul>
            </nav>
          </div>
        </header>
        <main id="obsah" tabindex={-1}>
          <div class="wrap">
            {demo ? (
              <p class="banner" role="note">
                <strong>Ukázková data.</strong> Záznamy této organizace jsou vygenerované pro předvedení portálu a neodpovídají skutečnosti.
              </p>
            ) : null}
            {children}
          </div>
        </main>
        <footer class="site">
          <div class="wrap">
            <p>
              Otevřená města – spolek měst a obcí pro otevřené radnice. Data jsou otevřená: <a href="/otevrena-data">hromadné soubory a katalog</a>, <a href="/api">API</a>,{' '}
              <a href="/standard">standard {`1.0`}</a>, <a href="/validator">validátor</a>. <a href="/metodika">Metodika varovných signálů</a> ·{' '}
              <a href="/pristupnost">Prohlášení o přístupnosti</a>
            </p>
          </div>
        </footer>
      </body>
    </html>
    </>
  );
}
