/** The REST API, version 1. Thin: parse and validate the request, call a service, present the result. */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { etag } from 'hono/etag';
import { clientIp } from '../shared/client-ip.ts';
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { AppError } from '../errors.ts';
import type { AppContext } from '../context.ts';
import type { RecordListFilter } from '../register/repository.ts';
import { decimalToHalere } from '../shared/money.ts';
import { searchTokens } from '../shared/text.ts';
import { formatFromContentType, type InputFormat } from '../publishing/input.ts';
import { apiDetail, apiListItem, apiOrganization, recordPath } from './present.ts';
import { attachmentQuery, auditListQuery, changeSchema, changesQuery, draftBody, harvestSourceBody, memberBody, organizationListItemSchema, organizationListQuery, publishQuery, recordListItemSchema, recordListQuery, uploadQuery, withdrawBody } from './schemas.ts';
import type { Actor } from '../audit/rules.ts';
import type { Organization } from '../organizations/service.ts';
import type { Draft } from '../drafts/service.ts';
import type { ImportJob, JobReport } from '../jobs/service.ts';
import { csvPage, parseFields, pickFields, wantsCsv } from './listing.ts';
import { RateLimiter } from './rate-limit.ts';
import { buildOpenApi } from './openapi.ts';

export const MAX_BODY_BYTES = 100 * 1024 * 1024;

const etagMiddleware = etag();

function parseQuery<T extends z.ZodType>(c: Context, schema: T): z.output<T> {
  const result = schema.safeParse(c.req.query());
  if (!result.success) {
    const first = result.error.issues[0]!;
    const name = first.path.join('.') || (first.code === 'unrecognized_keys' ? first.keys.join(', ') : '');
    throw new AppError('bad_request', `Neplatný parametr dotazu ${name}.`, `invalid query parameter ${name}: ${first.message}`, result.error.issues);
  }
  return result.data;
}

function bearerToken(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/** Which format a request body is in: the Content-Type decides; absent or generic, the body is sniffed. */
function bodyFormat(c: Context): InputFormat | undefined {
  const contentType = c.req.header('content-type');
  const format = formatFromContentType(contentType);
  const generic = !contentType || /^(text\/plain|application\/octet-stream)/i.test(contentType);
  if (!format && !generic) {
    throw new AppError('unsupported_media_type', 'Podporované formáty: application/json, application/x-ndjson, text/csv.', `unsupported content type ${contentType}`);
  }
  return format;
}

function clientKey(c: Context): string {
  const token = bearerToken(c);
  if (token) return `token:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
  return `ip:${clientIp(c) ?? 'unknown'}`;
}

/** A list page as JSON, or as CSV with the next page in a Link header; with only the asked fields either way. */
function listResponse(
  c: Context,
  items: Array<Record<string, unknown>>,
  allowed: readonly string[],
  query: { fields?: string; format?: string },
  next: { param: string; value: string } | null,
  body: Record<string, unknown>,
): Response {
  const fields = parseFields(query.fields, allowed);
  const shaped = pickFields(items, fields);
  if (wantsCsv(query.format, c.req.header('accept'))) {
    if (next) {
      const url = new URL(c.req.url);
      url.searchParams.set(next.param, next.value);
      c.header('link', `<${url.pathname}${url.search}>; rel="next"`);
    }
    return c.body(csvPage(shaped, fields ?? allowed), 200, { 'content-type': 'text/csv; charset=utf-8' });
  }
  return c.json({ items: shaped, ...body });
}

const cursorPage = (nextCursor: string | null) => (nextCursor ? { param: 'cursor', value: nextCursor } : null);

const RECORD_FIELDS = Object.keys(recordListItemSchema.shape);
const ORGANIZATION_FIELDS = Object.keys(organizationListItemSchema.shape);
const CHANGE_FIELDS = Object.keys(changeSchema.shape);

export function listFilter(query: z.output<typeof recordListQuery>, organizationIds?: number[]): RecordListFilter {
  const amount = (value: string | undefined) => (value === undefined ? undefined : (decimalToHalere(value) ?? undefined));
  return {
    organizationIds,
    type: query.type,
    partyIco: query.partyIco?.padStart(8, '0'),
    dateFrom: query.dateFrom,
    dateTo: query.dateTo,
    amountFrom: amount(query.amountFrom),
    amountTo: amount(query.amountTo),
    tokens: query.q ? searchTokens(query.q).slice(0, 10) : undefined,
    includeWithdrawn: query.includeWithdrawn === 'true',
  };
}

export function apiRoutes(ctx: AppContext): Hono {
  const api = new Hono();
  const base = ctx.config.baseUrl;
  api.use(
    '/v1/*',
    cors({
      origin: '*',
      allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type', 'If-None-Match'],
      exposeHeaders: ['ETag', 'Link', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining'],
    }),
  );

  const limiter = ctx.config.apiRateLimit > 0 ? new RateLimiter(ctx.config.apiRateLimit) : null;
  api.use('*', async (c, next) => {
    if (!limiter || c.req.method === 'OPTIONS') return next();
    const decision = limiter.take(clientKey(c), Date.now());
    if (!decision.allowed) {
      c.header('retry-after', String(decision.retryAfterSeconds));
      c.header('ratelimit-limit', String(decision.limit));
      c.header('ratelimit-remaining', '0');
      throw new AppError('rate_limited', `Příliš mnoho požadavků. Zkuste to znovu za ${decision.retryAfterSeconds} s.`, `rate limit exceeded for ${clientKey(c)}`);
    }
    await next();
    c.header('ratelimit-limit', String(decision.limit));
    c.header('ratelimit-remaining', String(decision.remaining));
  });
  // Answers are hashed into a strong ETag; a matching If-None-Match gets 304 without a body.
  api.use('/v1/*', async (c, next) => (c.req.method === 'GET' ? etagMiddleware(c, next) : next()));

  api.get('/openapi.json', (c) => c.json(buildOpenApi(base)));

  api.get('/v1/organizations', async (c) => {
    const query = parseQuery(c, organizationListQuery);
    const limit = Math.min(Math.max(Number(query.limit ?? 100), 1), 1000);
    const [page, total] = await Promise.all([ctx.organizations.page({ cursor: query.cursor, limit, kind: query.kind }), ctx.organizations.count()]);
    const items = page.items.map((o) => ({ ...apiOrganization(o, base, o.parentIco), recordCount: o.recordCount, lastUpdatedAt: o.lastUpdatedAt }));
    return listResponse(c, items, ORGANIZATION_FIELDS, query, cursorPage(page.nextCursor), { nextCursor: page.nextCursor, total });
  });

  api.get('/v1/changes', async (c) => {
    const query = parseQuery(c, changesQuery);
    const limit = Math.min(Math.max(Number(query.limit ?? 500), 1), 1000);
    const organization = query.organization ? await ctx.organizations.getByIco(query.organization) : undefined;
    const page = await ctx.register.changes(Number(query.since ?? 0), limit, organization?.id);
    const items = page.items.map((item) => ({ ...item, url: base + recordPath(item.organizationIco, item.id) }));
    return listResponse(c, items, CHANGE_FIELDS, query, page.hasMore ? { param: 'since', value: String(page.nextSince) } : null, { nextSince: page.nextSince, hasMore: page.hasMore });
  });

  api.get('/v1/organizations/:ico', async (c) => {
    const organization = await ctx.organizations.getByIco(c.req.param('ico'));
    const parent = organization.parentId ? await ctx.organizations.findById(organization.parentId) : undefined;
    return c.json(apiOrganization(organization, base, parent?.ico ?? null));
  });

  const listRecords = async (c: Context, organizationIds?: number[]) => {
    const query = parseQuery(c, recordListQuery);
    let ids = organizationIds;
    if (!ids && query.organization) ids = [(await ctx.organizations.getByIco(query.organization)).id];
    const limit = Math.min(Math.max(Number(query.limit ?? 50), 1), 500);
    const page = await ctx.register.list(listFilter(query, ids), { cursor: query.cursor, limit });
    return listResponse(c, page.items.map((item) => apiListItem(item, base)), RECORD_FIELDS, query, cursorPage(page.nextCursor), { nextCursor: page.nextCursor });
  };

  api.get('/v1/records', (c) => listRecords(c));

  api.get('/v1/organizations/:ico/records', async (c) => {
    const organization = await ctx.organizations.getByIco(c.req.param('ico'));
    return listRecords(c, [organization.id]);
  });

  api.get('/v1/organizations/:ico/records/:id', async (c) => {
    const organization = await ctx.organizations.getByIco(c.req.param('ico'));
    return c.json(apiDetail(await ctx.register.detail(organization, c.req.param('id'))));
  });

  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AppError('payload_too_large', 'Požadavek je větší než 100 MB. Rozdělte soubor nebo použijte příkaz om publish.', 'request body over limit');
    },
  });

  const limitSmallBody = bodyLimit({
    maxSize: 1024 * 1024,
    onError: () => {
      throw new AppError('payload_too_large', 'Požadavek je větší než 1 MB.', 'json body over limit');
    },
  });

  /** Resolves the organisation in the path and checks that the bearer token may act for it. */
  const authorizeWrite = async (c: Context): Promise<{ organization: Organization; tokenId: number; actor: Actor; mayManageMembers: boolean }> => {
    const auth = await ctx.tokens.authenticate(bearerToken(c));
    const organization = await ctx.organizations.getByIco(c.req.param('ico')!);
    if (auth.organizationId !== organization.id) {
      throw new AppError('forbidden', 'Token patří jiné organizaci; za tuto organizaci publikovat nemůže.', `token ${auth.tokenId} may not write for ${organization.ico}`);
    }
    const actor: Actor = { kind: 'token', tokenId: auth.tokenId, organizationId: organization.id, label: `token ${auth.tokenId}`, ip: clientIp(c) };
    return { organization, tokenId: auth.tokenId, actor, mayManageMembers: auth.mayManageMembers };
  };

  const readJson = async <T extends z.ZodType>(c: Context, schema: T, what: string): Promise<z.output<T>> => {
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      throw new AppError('bad_request', `Tělo požadavku musí být JSON (${what}).`, `${what} body is not JSON`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new AppError('validation_failed', `Tělo požadavku neodpovídá (${what}).`, `${what} body invalid`, parsed.error.issues);
    return parsed.data;
  };

  api.post('/v1/organizations/:ico/records', limitBody, async (c) => {
    const { organization, actor } = await authorizeWrite(c);
    const query = parseQuery(c, publishQuery);
    const format = bodyFormat(c);
    const body = new Uint8Array(await c.req.arrayBuffer());
    const report = await ctx.workspace.publishFile(actor, organization, body, {
      format,
      defaultType: query.typ,
      atomic: query.atomic === 'true',
      note: query.poznamka,
    });
    ctx.logger.info('records published', { organization: organization.ico, read: report.read, created: report.created, newVersions: report.newVersions, unchanged: report.unchanged, rejected: report.rejected });
    return c.json(report, 200);
  });

  api.post('/v1/organizations/:ico/records/:id/withdraw', limitSmallBody, async (c) => {
    const { organization, actor } = await authorizeWrite(c);
    const body = await readJson(c, withdrawBody, 'znepřístupnění vyžaduje pole duvod, alespoň 3 znaky');
    const detail = await ctx.workspace.withdraw(actor, organization, c.req.param('id'), body.duvod, body.poznamka);
    return c.json(apiDetail(detail));
  });

  // The workspace's other actions, for tokens: upload files for import, drafts, attachments, harvest URLs, the audit log.

  const jobJson = (organization: Organization, job: ImportJob, report: JobReport | null, hasRejected: boolean) => {
    const path = `/api/v1/organizations/${organization.ico}/imports/${job.id}`;
    return {
      id: job.id,
      kind: job.kind,
      sourceName: job.sourceName,
      state: job.shownState,
      counts: job.counts,
      error: job.error,
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
      report,
      rejectedRowsUrl: hasRejected ? `${base}${path}/rejected.csv` : null,
      url: base + path,
    };
  };

  api.post('/v1/organizations/:ico/imports', limitBody, async (c) => {
    const { organization, actor } = await authorizeWrite(c);
    const query = parseQuery(c, uploadQuery);
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.length === 0) throw new AppError('bad_request', 'Tělo požadavku je prázdné; pošlete v něm soubor.', 'empty upload');
    const jobId = await ctx.workspace.startUpload(actor, organization, { name: query.nazev, bytes });
    const found = await ctx.workspace.job(organization, jobId);
    c.header('location', `/api/v1/organizations/${organization.ico}/imports/${jobId}`);
    return c.json(jobJson(organization, found.job, found.report, found.rejectedCsv !== null), 202);
  });

  const jobIdParam = (c: Context) => {
    const id = Number(c.req.param('id'));
    if (!Number.isSafeInteger(id) || id <= 0) throw new AppError('not_found', 'Takový import neexistuje.', `bad job id ${c.req.param('id')}`);
    return id;
  };

  api.get('/v1/organizations/:ico/imports/:id', async (c) => {
    const { organization } = await authorizeWrite(c);
    const found = await ctx.workspace.job(organization, jobIdParam(c));
    return c.json(jobJson(organization, found.job, found.report, found.rejectedCsv !== null));
  });

  api.get('/v1/organizations/:ico/imports/:id/rejected.csv', async (c) => {
    const { organization } = await authorizeWrite(c);
    const found = await ctx.workspace.job(organization, jobIdParam(c));
    if (found.rejectedCsv === null) throw new AppError('not_found', 'Tento import žádné řádky neodmítl.', 'no rejected rows');
    return c.body(found.rejectedCsv, 200, { 'content-type': 'text/csv; charset=utf-8' });
  });

  const draftJson = (d: Draft) => ({ id: d.id, typ: d.type, predmet: d.subject, pole: d.fields, upraveno: d.updatedAt, zverejneno: d.publishedAt, zaznam: d.recordKey });

  api.get('/v1/organizations/:ico/drafts', async (c) => {
    const { organization } = await authorizeWrite(c);
    return c.json({ items: (await ctx.drafts.listOpen(organization, 500)).map(draftJson) });
  });

  api.post('/v1/organizations/:ico/drafts', limitSmallBody, async (c) => {
    const { organization, actor } = await authorizeWrite(c);
    const body = await readJson(c, draftBody, 'typ a pole konceptu');
    const id = await ctx.workspace.saveDraft(actor as Actor & { kind: 'token' }, organization, body.typ, body.pole);
    return c.json(draftJson(await ctx.drafts.get(organization, id)), 201);
  });

  api.get('/v1/organizations/:ico/drafts/:id', async (c) => {
    const { organization } = await authorizeWrite(c);
    return c.json(draftJson(await ctx.drafts.get(organization, Number(c.req.param('id')) || 0)));
  });

  api.delete('/v1/organizations/:ico/drafts/:id', async (c) => {
    const { organization, actor } = await authorizeWrite(c);
    await ctx.workspace.discardDraft(actor, organization, Number(c.req.param('id')) || 0);
    return c.body(null, 204);
  });

  api.post('/v1/organizations/:ico/drafts/:id/publish', async (c) => {
    const { organization, actor } = await authorizeWrite(c);
    const draft = await ctx.drafts.get(organization, Number(c.req.param('id')) || 0);
    const result = await ctx.workspace.publishForm(actor, organization, draft.type, draft.fields, { draftId: draft.id });
    if (!result.ok) throw new AppError('validation_failed', 'Koncept nelze zveřejnit: neodpovídá standardu.', `draft ${draft.id} invalid`, result.issues);
    return c.json(apiDetail(await ctx.register.detail(organization, result.key)));
  });

  api.post('/v1/organizations/:ico/attachments', limitBody, async (c) => {
    const { organization, actor } = await authorizeWrite(c);
    const query = parseQuery(c, attachmentQuery);
    const stored = await ctx.workspace.storeAttachment(actor, organization, query.nazev, new Uint8Array(await c.req.arrayBuffer()));
    return c.json({ sha256: stored.sha256, typMedia: stored.mediaType.split(';')[0], velikost: stored.size, nazev: stored.name, url: `${base}/prilohy/${stored.sha256}` }, 201);
  });

  api.get('/v1/organizations/:ico/audit', async (c) => {
    const { organization } = await authorizeWrite(c);
    const query = parseQuery(c, auditListQuery);
    return c.json(await ctx.audit.list(organization.id, { limit: Number(query.limit ?? 100), beforeId: query.pred ? Number(query.pred) : undefined }));
  });

  const sourceJson = (s: { id: number; url: string; recordType: string | null; active: boolean; createdAt: string }) => ({ id: s.id, url: s.url, typ: s.recordType, aktivni: s.active, vytvoreno: s.createdAt });

  api.get('/v1/organizations/:ico/harvest-sources', async (c) => {
    const { organization } = await authorizeWrite(c);
    return c.json({ items: (await ctx.harvest.listSources(organization, { includeInactive: true })).map(sourceJson) });
  });

  api.post('/v1/organizations/:ico/harvest-sources', limitSmallBody, async (c) => {
    const { organization, actor } = await authorizeWrite(c);
    const body = await readJson(c, harvestSourceBody, 'url a nepovinný typ');
    const source = await ctx.harvest.addSource(organization, body.url, body.typ ?? null);
    await ctx.audit.record(actor, 'harvest.added', { organizationId: organization.id, target: source.url });
    return c.json(sourceJson(source), 201);
  });

  api.post('/v1/organizations/:ico/harvest-sources/:id/deactivate', async (c) => {
    const { organization, actor } = await authorizeWrite(c);
    await ctx.harvest.removeSource(organization, Number(c.req.param('id')));
    await ctx.audit.record(actor, 'harvest.removed', { organizationId: organization.id, target: `zdroj ${c.req.param('id')}` });
    return c.body(null, 204);
  });

  const authorizeMembers = async (c: Context): Promise<{ organization: Organization; actor: Actor }> => {
    const { organization, actor, tokenId, mayManageMembers } = await authorizeWrite(c);
    if (!mayManageMembers) {
      throw new AppError('forbidden', 'Tento token nesmí spravovat uživatele; správce organizace k tomu vytvoří token se zaškrtnutou volbou „Smí spravovat uživatele organizace“.', `token ${tokenId} may not manage members`);
    }
    return { organization, actor };
  };
  const memberJson = (m: { id: number; email: string; name: string; role: string; includeSubordinates: boolean; hasPassword: boolean }) => ({ id: m.id, email: m.email, jmeno: m.name, role: m.role, podrizene: m.includeSubordinates, hesloNastaveno: m.hasPassword });

  api.get('/v1/organizations/:ico/members', async (c) => {
    const { organization } = await authorizeMembers(c);
    return c.json({ items: (await ctx.accounts.members(organization)).map(memberJson) });
  });

  api.post('/v1/organizations/:ico/members', limitSmallBody, async (c) => {
    const { organization, actor } = await authorizeMembers(c);
    const body = await readJson(c, memberBody, 'email, nepovinné jmeno, role admin nebo editor, nepovinně podrizene');
    const added = await ctx.workspace.addMember(actor, { kind: 'token' }, organization, { email: body.email, name: body.jmeno, role: body.role, includeSubordinates: body.podrizene ?? false });
    const member = (await ctx.accounts.members(organization)).find((m) => m.id === added.userId)!;
    return c.json(memberJson(member), 201);
  });

  api.delete('/v1/organizations/:ico/members/:userId', async (c) => {
    const { organization, actor } = await authorizeMembers(c);
    await ctx.workspace.removeMember(actor, organization, Number(c.req.param('userId')) || 0);
    return c.body(null, 204);
  });

  api.get('/v1/parties/:ico', async (c) => {
    const party = await ctx.workspace.partyByIco(c.req.param('ico'));
    if (!party) throw new AppError('not_found', 'Subjekt s tímto IČO mezi organizacemi ani dřívějšími smluvními stranami není.', `party ${c.req.param('ico')} unknown`);
    return c.json({ ico: party.ico, nazev: party.name });
  });

  api.post('/v1/validate', limitBody, async (c) => {
    const query = parseQuery(c, publishQuery.pick({ typ: true }));
    const format = bodyFormat(c);
    const body = new Uint8Array(await c.req.arrayBuffer());
    return c.json(await ctx.publishing.validateFile(body, { format, defaultType: query.typ }));
  });

  return api;
}
