/** The one place where errors become HTTP answers: JSON under /api, an HTML page elsewhere. */
import type { Context } from 'hono';
import { AppError } from '../errors.ts';
import type { Logger } from '../shared/log.ts';

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AppError('internal_error', 'Nastala neočekávaná chyba. Byla zaznamenána; zkuste to prosím znovu.', message);
}

export function errorJson(c: Context, error: AppError): Response {
  const body: Record<string, unknown> = { code: error.code, message: error.userMessage };
  if (error.details !== undefined) body.details = error.details;
  return c.json({ error: body }, error.status as 400);
}

export function logError(logger: Logger, c: Context, error: AppError, original: unknown): void {
  const fields = { code: error.code, method: c.req.method, path: c.req.path };
  if (error.status >= 500) logger.error(error.message, { ...fields, stack: original instanceof Error ? original.stack : undefined });
  else logger.debug(error.message, fields);
}
