/** @jsxImportSource hono/jsx */
/** The public pages. Thin: read the query, call services, render. */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { csvLine } from '../shared/csv.ts';
import { RECORD_TYPES, RECORD_TYPE_LABELS, STANDARD_VERSION, type RecordType } from '../standard/schema.ts';
import { parseSearchQuery, searchUrl, type SearchQuery } from '../register/search.ts';
import type { SearchHit } from '../register/search-service.ts';
import { halereToDecimal } from '../shared/money.ts';
import { recordPath } from '../api/present.ts';
import { atomFeed } from './atom.ts';
import { SearchPage } from './search-pages.tsx';
import { PartyPage } from './party-pages.tsx';
import { AccessibilityPage, EmbedPage, MethodologyPage } from './info-pages.tsx';
import { jsonSchemaFile, SCHEMA_FILES, type SchemaFile } from '../standard/json-schema.ts';
import { csvColumns, flattenRecord } from '../standard/flat.ts';
import { fieldsOf } from '../standard/fields.ts';
import { EXAMPLES } from '../standard/examples.ts';
import { buildOpenApi } from '../api/openapi.ts';
import { STYLESHEET } from './style.ts';
import { serveExportFile } from './files.ts';
import { attachmentResponse } from './workspace/routes.tsx';
import { WORKSPACE_SCRIPT } from './workspace/script.ts';
import { NkodPage, OpenDataPage } from './open-data-pages.tsx';
import { ApiPage, HarvestSection, HomePage, OrganizationPage, OrganizationsPage, RecordPage, StandardPage, ValidatorPage } from './pages.tsx';
import { HARVEST_SLOT, PageCache } from './page-cache.ts';
import { GenerationCache } from '../shared/generation-cache.ts';
import type { Organization } from '../organizations/service.ts';
import { raw } from 'hono/html';

const VALIDATOR_MAX_BYTES = 20 * 1024 * 1024;

function recordType(value: string | undefined): RecordType | undefined {
  return value && (RECORD_TYPES as readonly string[]).includes(value) ? (value as RecordType) : undefined;
}

export function csvTemplate(type: RecordType, withTitles: boolean, example: boolean): string {
  const columns = csvColumns(type);
  let text = csvLine(columns);
  if (withTitles) {
    const titles = new Map(fieldsOf(type).map((f) => [f.csvColumn, f.title]));
    text += csvLine(columns.map((column) => titles.get(column) ?? column));
  }
  if (example) text += csvLine(flattenRecord(EXAMPLES[type], columns));
  return text;
}

function textStream(chunks: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = chunks[Symbol.asyncIterator]();
  return new ReadableStream({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

const DOWNLOAD_COLUMNS = ['organizace_ico', 'organizace', 'typ', 'id', 'predmet', 'cislo', 'datum', 'hodnotaBezDph', 'hodnotaVcetneDph', 'mena', 'kvalita', 'signaly', 'strany', 'strany_ico', 'verze', 'odkaz'];

function downloadRow(hit: SearchHit, base: string): Record<(typeof DOWNLOAD_COLUMNS)[number], string | number | null> {
  return {
    organizace_ico: hit.organizationIco,
    organizace: hit.organizationName,
    typ: hit.type,
    id: hit.id,
    predmet: hit.subject,
    cislo: hit.ownNumber,
    datum: hit.date,
    hodnotaBezDph: hit.amountWithoutVat === null ? null : halereToDecimal(hit.amountWithoutVat),
    hodnotaVcetneDph: hit.amountWithVat === null ? null : halereToDecimal(hit.amountWithVat),
    mena: hit.currency,
    kvalita: hit.quality,
    signaly: hit.flags.join(' '),
    strany: hit.parties.map((p) => p.name).join('; '),
    strany_ico: hit.parties.map((p) => p.ico ?? '').join('; '),
    verze: hit.version,
    odkaz: base + recordPath(hit.organizationIco, hit.id),
  };
}

async function* searchCsv(ctx: AppContext, query: SearchQuery, base: string): AsyncGenerator<string> {
  yield csvLine(DOWNLOAD_COLUMNS);
  for await (const hits of ctx.search.download(query)) {
    let chunk = '';
    for (const hit of hits) chunk += csvLine(Object.values(downloadRow(hit, base)).map((v) => (v === null ? '' : String(v))));
    yield chunk;
  }
}

async function* searchJson(ctx: AppContext, query: SearchQuery, base: string): AsyncGenerator<string> {
  yield `{"dotaz":${JSON.stringify(base + searchUrl('/hledat', query))},"zaznamy":[`;
  let first = true;
  for await (const hits of ctx.search.download(query)) {
    let chunk = '';
    for (const hit of hits) {
      chunk += `${first ? '' : ','}\n${JSON.stringify(downloadRow(hit, base))}`;
      first = false;
    }
    yield chunk;
  }
  yield '\n]}\n';
}

async function feedTitle(ctx: AppContext, query: SearchQuery): Promise<string> {
  const parts: string[] = [];
  if (query.organizationIco) parts.push((await ctx.organizations.findByIco(query.organizationIco))?.name ?? `IČO ${query.organizationIco}`);
  if (query.partyIco) parts.push(`subjekt ${query.partyIco}`);
  else if (query.partyText) parts.push(`strana „${query.partyText}“`);
  if (query.q) parts.push(`„${query.q}“`);
  if (query.type) parts.push(RECORD_TYPE_LABELS[query.type].many);
  return `Otevřená města: ${parts.length > 0 ? parts.join(', ') : 'všechny nové záznamy'}`;
}

export function webRoutes(ctx: AppContext): Hono {
  const web = new Hono();
  const base = ctx.config.baseUrl;

  web.get('/static/workspace.js', (c) => c.body(WORKSPACE_SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' }));
  web.get('/static/style.css', (c) => c.body(STYLESHEET, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }));

  web.get('/', async (c) => {
    const [totals, organizationCount, newest, organizations] = await Promise.all([
      ctx.register.totals(),
      ctx.organizations.count(),
      ctx.register.list({}, { limit: 10 }),
      ctx.organizations.list({ limit: 8, offset: 0, onlyWithRecords: true }),
    ]);
    return c.html(<HomePage totals={totals} organizationCount={organizationCount} newest={newest.items} organizations={organizations} />);
  });

  // The first list of records; its links and bookmarks now land on the search with the same text and type.
  web.get('/zaznamy', (c) => {
    const { query } = parseSearchQuery({ q: c.req.query('q'), typ: c.req.query('type') });
    return c.redirect(searchUrl('/hledat', query), 301);
  });

  web.get('/hledat', async (c) => {
    const { query, problems } = parseSearchQuery(c.req.query());
    return c.html(<SearchPage query={query} result={await ctx.search.search(query)} problems={problems} />);
  });

  web.get('/hledat.csv', (c) => {
    const { query } = parseSearchQuery(c.req.query());
    return c.body(textStream(searchCsv(ctx, query, base)), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="vysledky-hledani.csv"',
    });
  });

  web.get('/hledat.json', (c) => {
    const { query } = parseSearchQuery(c.req.query());
    return c.body(textStream(searchJson(ctx, query, base)), 200, {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': 'attachment; filename="vysledky-hledani.json"',
    });
  });

  web.get('/subjekt/:ico', async (c) => {
    const ico = c.req.param('ico');
    if (!/^\d{8}$/.test(ico)) throw new AppError('not_found', 'IČO má 8 číslic; tato stránka neexistuje.', `party page for malformed ico ${ico}`);
    const summary = await ctx.search.party(ico);
    if (!summary) throw new AppError('not_found', `Subjekt s IČO ${ico} nefiguruje v žádném zveřejněném záznamu.`, `party ${ico} has no records`);
    const { query } = parseSearchQuery({ subjekt: ico, razeni: 'datum' });
    return c.html(<PartyPage ico={ico} summary={summary} result={await ctx.search.search(query)} query={query} />);
  });

  web.get('/otevrena-data', async (c) => c.html(<OpenDataPage index={await ctx.exports.readIndex()} baseUrl={base} organization={null} />));
  web.get('/otevrena-data/nkod', async (c) => {
    const ico = c.req.query('organizace');
    const organization = ico ? await ctx.organizations.getByIco(ico) : null;
    return c.html(<NkodPage baseUrl={base} organization={organization} />);
  });
  web.on(['GET', 'HEAD'], '/otevrena-data/soubory/*', (c) => serveExportFile(c, ctx.exports.directory, c.req.path.slice('/otevrena-data/soubory/'.length)));
  web.get('/otevrena-data/:ico', async (c) => {
    const organization = await ctx.organizations.getByIco(c.req.param('ico'));
    return c.html(<OpenDataPage index={await ctx.exports.readIndex()} baseUrl={base} organization={organization} />);
  });

  const jsonLd = (c: Context, document: unknown) =>
    c.body(JSON.stringify(document, null, 2), 200, { 'content-type': 'application/ld+json; charset=utf-8', 'access-control-allow-origin': '*', 'cache-control': 'public, max-age=300' });
  web.get('/lkod/katalog.jsonld', async (c) => jsonLd(c, await ctx.catalog.catalog(null)));
  web.get('/lkod/:ico/katalog.jsonld', async (c) => jsonLd(c, await ctx.catalog.catalog(c.req.param('ico'))));
  web.get('/lkod/:scope/:file', async (c) => {
    const slug = /^([a-z]+)\.jsonld$/.exec(c.req.param('file'))?.[1];
    if (!slug) throw new AppError('not_found', 'Taková datová sada v katalogu není.', `no dataset file ${c.req.param('file')}`);
    return jsonLd(c, await ctx.catalog.dataset(c.req.param('scope'), slug));
  });

  web.get('/prilohy/:sha256', attachmentResponse(ctx));

  web.get('/metodika', (c) => c.html(<MethodologyPage />));
  web.get('/pristupnost', (c) => c.html(<AccessibilityPage contact={ctx.config.contactEmail} />));

  // The widget is meant to be framed by the town's own site: no frame restriction, no scripts, nothing third-party.
  web.get('/embed/:ico', async (c) => {
    const organization = await ctx.organizations.getByIco(c.req.param('ico'));
    const count = Math.min(20, Math.max(1, Number.parseInt(c.req.query('pocet') ?? '5', 10) || 5));
    const { query } = parseSearchQuery({ organizace: organization.ico, typ: c.req.query('typ'), razeni: 'datum' });
    const hits = await ctx.search.newest(query, count);
    c.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *");
    return c.html(<EmbedPage organization={organization} hits={hits} baseUrl={base} />);
  });

  web.get('/hledat.atom', async (c) => {
    const { query } = parseSearchQuery(c.req.query());
    const hits = await ctx.search.newest(query);
    const title = await feedTitle(ctx, query);
    return c.body(atomFeed({ baseUrl: base, selfPath: searchUrl('/hledat.atom', query), pagePath: searchUrl('/hledat', query), title, hits }), 200, {
      'content-type': 'application/atom+xml; charset=utf-8',
    });
  });

  web.get('/organizace', async (c) => c.html(<OrganizationsPage organizations={await ctx.organizations.list({ limit: 1000, offset: 0 })} />));

  const pages = new PageCache();
  const organizationsByIco = new GenerationCache<Organization>(2000);
  /** The organisation of a page, looked up once per register generation (organisation changes are part of it). */
  const organizationOf = async (ico: string, generation: string): Promise<Organization> => {
    const cached = organizationsByIco.get(ico, generation);
    if (cached) return cached;
    const organization = await ctx.organizations.getByIco(ico);
    organizationsByIco.set(ico, generation, organization);
    return organization;
  };

  web.get('/organizace/:ico', async (c) => {
    const generation = await ctx.register.generation();
    const organization = await organizationOf(c.req.param('ico'), generation);
    const [page, harvestSources, harvestLog] = await Promise.all([
      pages.html(c.req.url, generation, async () => {
        const type = recordType(c.req.query('type'));
        const filter = { organizationIds: [organization.id], type };
        const [list, total, children, parent, profile] = await Promise.all([
          ctx.register.list(filter, { cursor: c.req.query('cursor'), limit: 50 }),
          ctx.register.count(filter),
          ctx.organizations.children(organization),
          organization.parentId ? ctx.organizations.findById(organization.parentId) : Promise.resolve(undefined),
          ctx.register.organizationProfile([organization.id]),
        ]);
        return (
          <OrganizationPage
            organization={organization}
            parent={parent}
            children={children}
            items={list.items}
            total={total}
            nextCursor={list.nextCursor}
            type={type}
            harvest={raw(HARVEST_SLOT)}
            profile={profile}
            baseUrl={base}
          />
        ).toString();
      }),
      ctx.harvest.listSources(organization),
      ctx.harvest.log(organization, 20),
    ]);
    const harvest = await (<HarvestSection sources={harvestSources} log={harvestLog} />).toString();
    return c.html(page.replace(HARVEST_SLOT, () => harvest));
  });

  web.get('/organizace/:ico/zaznam/:id', async (c) => {
    const generation = await ctx.register.generation();
    const organization = await organizationOf(c.req.param('ico'), generation);
    const html = await pages.html(c.req.url, generation, async () => {
      const detail = await ctx.register.detail(organization, c.req.param('id'));
      const [flags, links] = await Promise.all([ctx.register.redFlags(detail), ctx.register.links(detail)]);
      return (<RecordPage detail={detail} flags={flags} links={links} />).toString();
    });
    return c.html(html);
  });

  web.get('/standard', (c) => c.html(<StandardPage baseUrl={base} />));

  web.get(`/standard/${STANDARD_VERSION}/:file`, (c) => {
    const file = c.req.param('file');
    const schema = /^(\w+)\.schema\.json$/.exec(file)?.[1];
    if (schema && (SCHEMA_FILES as readonly string[]).includes(schema)) {
      return c.body(JSON.stringify(jsonSchemaFile(base, schema as SchemaFile), null, 2), 200, {
        'content-type': 'application/schema+json; charset=utf-8',
        'access-control-allow-origin': '*',
      });
    }
    const csv = /^(priklad-)?(smlouva|objednavka|faktura)(-popisky)?\.csv$/.exec(file);
    if (csv) {
      return c.body(csvTemplate(csv[2] as RecordType, !!csv[3], !!csv[1]), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${file}"`,
      });
    }
    const example = /^priklad-(smlouva|objednavka|faktura)\.json$/.exec(file);
    if (example) return c.json({ standard: STANDARD_VERSION, zaznamy: [EXAMPLES[example[1] as RecordType]] });
    throw new AppError('not_found', `Soubor ${file} standard ${STANDARD_VERSION} nemá.`, `standard file ${file} not found`);
  });

  web.get('/validator', (c) => c.html(<ValidatorPage />));

  // The page reads the upload into memory; larger files belong to the API or `om validate`, which stream.
  const validatorLimit = bodyLimit({
    maxSize: VALIDATOR_MAX_BYTES,
    onError: (c) =>
      c.html(<ValidatorPage error={`Soubor je větší než ${VALIDATOR_MAX_BYTES / 1024 / 1024} MB. Větší soubory ověřte příkazem om validate nebo přes API.`} />, 413),
  });

  web.post('/validator', validatorLimit, async (c) => {
    const form = await c.req.parseBody();
    const file = form.soubor;
    if (!(file instanceof File) || file.size === 0) return c.html(<ValidatorPage error="Vyberte prosím soubor k ověření." />, 400);
    try {
      const report = await ctx.publishing.validateFile(new Uint8Array(await file.arrayBuffer()), { defaultType: recordType(String(form.typ ?? '')) });
      return c.html(<ValidatorPage report={report} fileName={file.name} />);
    } catch (error) {
      if (error instanceof AppError && error.code === 'unreadable_input') return c.html(<ValidatorPage error={error.userMessage} fileName={file.name} />, 400);
      throw error;
    }
  });

  web.get('/api', (c) => c.html(<ApiPage doc={buildOpenApi(base) as never} />));

  return web;
}
