/** @jsxImportSource hono/jsx */
/** The HTTP application: API under /api, pages elsewhere, errors mapped in one place. */
import { Hono } from 'hono';
import { sql } from 'kysely';
import { AppError } from './errors.ts';
import type { AppContext } from './context.ts';
import { apiRoutes } from './api/routes.ts';
import { errorJson, logError, toAppError } from './api/errors.ts';
import { webRoutes } from './web/routes.tsx';
import { workspaceRoutes } from './web/workspace/routes.tsx';
import { ErrorPage } from './web/pages.tsx';

export function createApp(ctx: AppContext): Hono {
  const app = new Hono();

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    ctx.logger.debug('request served', { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round((performance.now() - started) * 10) / 10 });
    c.header('x-content-type-options', 'nosniff');
    if (!c.req.path.startsWith('/api/') && !c.req.path.startsWith('/embed/')) c.header('x-frame-options', 'SAMEORIGIN');
  });

  app.get('/healthz', async (c) => {
    try {
      await sql`select 1`.execute(ctx.db.kysely);
      return c.json({ status: 'ok', database: ctx.db.dialect, searchIndex: ctx.search.index.state });
    } catch (error) {
      ctx.logger.error('health check failed', { error: (error as Error).message });
      return errorJson(c, new AppError('service_unavailable', 'Databáze není dostupná.', 'database unreachable'));
    }
  });

  app.route('/api', apiRoutes(ctx));
  app.route('/sprava', workspaceRoutes(ctx));
  app.route('/', webRoutes(ctx));

  app.notFound((c) => {
    const error = new AppError('not_found', 'Požadovaná stránka neexistuje.', `no route for ${c.req.method} ${c.req.path}`);
    if (c.req.path.startsWith('/api/')) return errorJson(c, error);
    return c.html(<ErrorPage status={404} message={error.userMessage} />, 404);
  });

  app.onError((raw, c) => {
    const error = toAppError(raw);
    logError(ctx.logger, c, error, raw);
    if (c.req.path.startsWith('/api/') || c.req.path === '/healthz') return errorJson(c, error);
    return c.html(<ErrorPage status={error.status} message={error.userMessage} />, error.status as 400);
  });

  return app;
}
