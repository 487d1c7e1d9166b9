/**
 * Sessions and CSRF for the workspace. The session cookie is HTTP-only, SameSite=Lax and Secure on https.
 * Every POST carries a CSRF token: the session's own once signed in; before that (sign-in, reset, setting a
 * password) a random token in a cookie that the form repeats. The Origin header, when sent, must be this site.
 */
import { timingSafeEqual, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { clientIp } from '../../shared/client-ip.ts';
import { AppError } from '../../errors.ts';
import type { SignedIn } from '../../accounts/service.ts';
import type { Actor } from '../../audit/rules.ts';

export { clientIp };

export const SESSION_COOKIE = 'om_session';
export const FORM_COOKIE = 'om_form';
export const CSRF_FIELD = '_csrf';

export function sessionId(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

export function setSessionCookie(c: Context, id: string, secure: boolean): void {
  setCookie(c, SESSION_COOKIE, id, { httpOnly: true, sameSite: 'Lax', secure, path: '/', maxAge: 12 * 3600 });
}

export function clearSessionCookie(c: Context, secure: boolean): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure });
}

/** The token an anonymous form repeats; set on the page that shows the form. */
export function anonymousFormToken(c: Context, secure: boolean): string {
  const existing = getCookie(c, FORM_COOKIE);
  if (existing && /^[\w-]{20,}$/.test(existing)) return existing;
  const token = randomBytes(24).toString('base64url');
  setCookie(c, FORM_COOKIE, token, { httpOnly: true, sameSite: 'Strict', secure, path: '/sprava' });
  return token;
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Throws forbidden unless the form's token matches the session's (or, anonymous, the form cookie) and the origin is this site. */
export function checkCsrf(c: Context, form: Record<string, unknown>, signedIn: SignedIn | undefined): void {
  const origin = c.req.header('origin');
  if (origin && origin !== 'null') {
    const host = c.req.header('host');
    let originHost: string | null = null;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = null;
    }
    if (!host || originHost !== host) throw new AppError('forbidden', 'Formulář byl odeslán z jiného webu; z bezpečnostních důvodů se nezpracoval.', `cross-origin form post from ${origin}`);
  }
  const sent = typeof form[CSRF_FIELD] === 'string' ? (form[CSRF_FIELD] as string) : '';
  const expected = signedIn ? signedIn.csrfToken : (getCookie(c, FORM_COOKIE) ?? '');
  if (!sent || !expected || !same(sent, expected)) {
    throw new AppError('forbidden', 'Formulář nemá platný bezpečnostní token (mohl vypršet). Načtěte stránku znovu a odešlete ho ještě jednou.', 'missing or wrong CSRF token');
  }
}

export function userActor(signedIn: SignedIn, c: Context): Actor {
  return { kind: 'user', userId: signedIn.user.id, label: signedIn.user.email, ip: clientIp(c) };
}
