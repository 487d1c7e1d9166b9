/** A signed-in person for route tests: keeps the session cookie and reads the CSRF token from pages. */
import type { Hono } from 'hono';
import type { AppContext } from '../context.ts';
import type { Organization } from '../organizations/service.ts';
import type { User } from '../accounts/service.ts';

export const TEST_PASSWORD = 'koně pijí vodu u řeky';

export class WorkspaceClient {
  cookie = '';
  csrf = '';

  constructor(private readonly app: Hono) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set('cookie', this.cookie);
    const response = await this.app.request(path, { ...init, headers });
    const setCookie = response.headers.get('set-cookie');
    const session = setCookie ? /om_session=([^;]*)/.exec(setCookie) : null;
    if (session) this.cookie = session[1] ? `om_session=${session[1]}` : '';
    return response;
  }

  async get(path: string): Promise<{ status: number; html: string; response: Response }> {
    const response = await this.request(path);
    const html = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (token) this.csrf = token;
    return { status: response.status, html, response };
  }

  /** Posts a form with the CSRF token unless told otherwise; files go as multipart. */
  async post(path: string, fields: Record<string, string | File>, options: { csrf?: boolean } = {}): Promise<Response> {
    const body = new FormData();
    if (options.csrf !== false) body.set('_csrf', this.csrf);
    for (const [name, value] of Object.entries(fields)) body.set(name, value);
    return this.request(path, { method: 'POST', body });
  }
}

/** Creates a person with a role and a password, and signs them in. */
export async function signedInClient(ctx: AppContext, app: Hono, options: { email: string; organization?: Organization; role?: 'admin' | 'editor'; platformAdmin?: boolean }): Promise<{ client: WorkspaceClient; user: User }> {
  const user = await ctx.accounts.createUser({ email: options.email, name: options.email.split('@')[0]!, isPlatformAdmin: options.platformAdmin });
  if (options.organization) await ctx.accounts.grant(user, options.organization, options.role ?? 'editor', false);
  const client = new WorkspaceClient(app);
  const link = new URL(await ctx.accounts.issueLink(user, 'sign_in')).pathname;
  const formCookie = await formCookieOf(app, link);
  const response = await app.request(link, { method: 'POST', headers: { cookie: formCookie.cookie }, body: formData({ _csrf: formCookie.token, heslo: TEST_PASSWORD, heslo2: TEST_PASSWORD }) });
  if (response.status !== 303) throw new Error(`setting the password failed: ${response.status}`);
  client.cookie = /om_session=[^;]+/.exec(response.headers.get('set-cookie') ?? '')![0];
  // The list of organisations (shown, not redirected, with hotovo) carries the session's CSRF token.
  await client.get('/sprava?hotovo=heslo');
  return { client, user };
}

function formData(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}

/** The anonymous form token: its cookie and the value the page repeats. */
export async function formCookieOf(app: Hono, path: string): Promise<{ cookie: string; token: string }> {
  const response = await app.request(path);
  const cookie = /om_form=[^;]+/.exec(response.headers.get('set-cookie') ?? '')?.[0] ?? '';
  const token = /name="_csrf" value="([^"]+)"/.exec(await response.text())?.[1] ?? '';
  return { cookie, token };
}
