/** The REST API, version 1. Thin: parse and validate the request, call a service, present the result. */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { z } from 'zod';
import { AppError } from '../errors.ts';
import type { AppContext } from '../context.ts';
import type { RecordListFilter } from '../register/repository.ts';
import { decimalToHalere } from '../shared/money.ts';
import { searchTokens } from '../shared/text.ts';
import { formatFromContentType, type InputFormat } from '../publishing/input.ts';
import { apiDetail, apiListItem, apiOrganization } from './present.ts';
import { publishQuery, recordListQuery, withdrawBody } from './schemas.ts';
import { buildOpenApi } from './openapi.ts';

export const MAX_BODY_BYTES = 100 * 1024 * 1024;

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
  api.use('/v1/*', cors({ origin: '*', allowMethods: ['GET', 'POST', 'OPTIONS'], allowHeaders: ['Authorization', 'Content-Type'] }));

  api.get('/openapi.json', (c) => c.json(buildOpenApi(base)));

  api.get('/v1/organizations', async (c) => {
    const limit = Math.min(Number(c.req.query('limit') ?? 100) || 100, 1000);
    const offset = Math.max(Number(c.req.query('offset') ?? 0) || 0, 0);
    const organizations = await ctx.organizations.list({ limit, offset });
    return c.json({
      items: organizations.map((o) => ({ ...apiOrganization(o, base, o.parentIco), recordCount: o.recordCount })),
      total: await ctx.organizations.count(),
    });
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
    return c.json({ items: page.items.map((item) => apiListItem(item, base)), nextCursor: page.nextCursor });
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

  /** Resolves the organisation in the path and checks that the bearer token may write for it. */
  const authorizeWrite = async (c: Context) => {
    const auth = await ctx.tokens.authenticate(bearerToken(c));
    const organization = await ctx.organizations.getByIco(c.req.param('ico')!);
    if (auth.organizationId !== organization.id) {
      throw new AppError('forbidden', 'Token patří jiné organizaci; za tuto organizaci publikovat nemůže.', `token ${auth.tokenId} may not write for ${organization.ico}`);
    }
    return { organization, tokenId: auth.tokenId };
  };

  api.post('/v1/organizations/:ico/records', limitBody, async (c) => {
    const { organization, tokenId } = await authorizeWrite(c);
    const query = parseQuery(c, publishQuery);
    const format = bodyFormat(c);
    const body = new Uint8Array(await c.req.arrayBuffer());
    const report = await ctx.publishing.publishFile(organization, body, {
      format,
      defaultType: query.typ,
      atomic: query.atomic === 'true',
      source: `api:token-${tokenId}`,
      note: query.poznamka,
    });
    ctx.logger.info('records published', { organization: organization.ico, read: report.read, created: report.created, newVersions: report.newVersions, unchanged: report.unchanged, rejected: report.rejected });
    return c.json(report, 200);
  });

  api.post('/v1/organizations/:ico/records/:id/withdraw', async (c) => {
    const { organization, tokenId } = await authorizeWrite(c);
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      throw new AppError('bad_request', 'Tělo požadavku musí být JSON s polem duvod.', 'withdraw body is not JSON');
    }
    const parsed = withdrawBody.safeParse(json);
    if (!parsed.success) throw new AppError('validation_failed', 'Znepřístupnění vyžaduje důvod (pole duvod, alespoň 3 znaky).', 'withdraw body invalid', parsed.error.issues);
    const detail = await ctx.register.withdraw(organization, c.req.param('id'), parsed.data.duvod, { source: `api:token-${tokenId}`, note: parsed.data.poznamka });
    return c.json(apiDetail(detail));
  });

  api.post('/v1/validate', limitBody, async (c) => {
    const query = parseQuery(c, publishQuery.pick({ typ: true }));
    const format = bodyFormat(c);
    const body = new Uint8Array(await c.req.arrayBuffer());
    return c.json(await ctx.publishing.validateFile(body, { format, defaultType: query.typ }));
  });

  return api;
}
