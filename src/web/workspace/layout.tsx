/** @jsxImportSource hono/jsx */
/** The frame of every workspace page: the portal's layout with the organisation's sections and signing out. */
import type { Child } from 'hono/jsx';
import { Layout } from '../layout.tsx';
import type { SignedIn } from '../../accounts/service.ts';
import type { Organization } from '../../organizations/service.ts';
import { mayAdminister, ROLES, ROLE_LABELS, type Access } from '../../accounts/rules.ts';
import { CSRF_FIELD } from './session.ts';

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={token} />;
}

export function WsLayout(props: { title: string; signedIn: SignedIn; organization?: Organization; access?: Access; current?: string; children: Child }) {
  const { signedIn, organization, access } = props;
  const base = organization ? `/sprava/${organization.ico}` : '';
  const sections: Array<[string, string, boolean]> = organization
    ? [
        [base, 'Přehled', true],
        [`${base}/nahrat`, 'Nahrát soubor', true],
        [`${base}/novy/smlouva`, 'Nový záznam', true],
        [`${base}/zaznamy`, 'Záznamy', true],
        [`${base}/uzivatele`, 'Uživatelé', mayAdminister(access ?? null)],
        [`${base}/tokeny`, 'Tokeny API', mayAdminister(access ?? null)],
        [`${base}/sklizen`, 'Sklizeň', mayAdminister(access ?? null)],
        [`${base}/audit`, 'Auditní záznam', mayAdminister(access ?? null)],
        [`${base}/nastaveni`, 'Nastavení', mayAdminister(access ?? null)],
      ]
    : [];
  return (
    <Layout title={`${props.title} – správa`} script="/static/workspace.js">
      <div class="ws-bar">
        <p>
          Přihlášen(a): <strong>{signedIn.user.name}</strong> ({signedIn.user.email})
          {access ? <> · {ROLE_LABELS[access]}</> : null} · <a href="/sprava">Moje organizace</a>
          {signedIn.user.isPlatformAdmin ? (
            <>
              {' '}
              · <a href="/sprava/admin">Správa platformy</a>
            </>
          ) : null}
        </p>
        <form method="post" action="/sprava/odhlaseni">
          <CsrfField token={signedIn.csrfToken} />
          <button type="submit" class="secondary">
            Odhlásit se
          </button>
        </form>
      </div>
      {organization ? (
        <nav aria-label="Správa organizace" class="ws-nav">
          <p class="muted">{organization.name}</p>
          <ul>
            {sections
              .filter(([, , shown]) => shown)
              .map(([href, label]) => (
                <li>
                  <a href={href} aria-current={props.current === href ? 'page' : undefined}>
                    {label}
                  </a>
                </li>
              ))}
          </ul>
        </nav>
      ) : null}
      {props.children}
    </Layout>
  );
}

export function Notice({ message, kind = 'ok' }: { message?: string | null; kind?: 'ok' | 'error' }) {
  if (!message) return null;
  return (
    <p class={`banner ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {message}
    </p>
  );
}

/** The role to grant and whether it reaches subordinate organisations, as both user forms ask. */
export function RoleFields({ idPrefix, label }: { idPrefix: string; label: string }) {
  return (
    <>
      <p>
        <label for={`${idPrefix}-role`}>{label}</label>
        <select id={`${idPrefix}-role`} name="role">
          {[...ROLES].reverse().map((role) => (
            <option value={role}>{ROLE_LABELS[role]}</option>
          ))}
        </select>
      </p>
      <p class="check">
        <input id={`${idPrefix}-podrizene`} name="podrizene" type="checkbox" value="1" /> <label for={`${idPrefix}-podrizene`}>Také za podřízené organizace</label>
      </p>
    </>
  );
}
