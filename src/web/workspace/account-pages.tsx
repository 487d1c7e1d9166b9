/** @jsxImportSource hono/jsx */
/** Signing in, one-time links, choosing an organisation, and the platform administration. */
import { Layout } from '../layout.tsx';
import type { SignedIn, User } from '../../accounts/service.ts';
import type { Organization } from '../../organizations/service.ts';
import { MIN_PASSWORD_LENGTH, ROLE_LABELS, type Access } from '../../accounts/rules.ts';
import { ORGANIZATION_KINDS } from '../../organizations/rules.ts';
import { CsrfField, Notice, RoleFields, WsLayout } from './layout.tsx';

export function SignInPage(props: { csrf: string; error?: string; email?: string; notice?: string; back?: string }) {
  return (
    <Layout title="Přihlášení do správy">
      <h1>Přihlášení do správy</h1>
      <p>Správa slouží úřadům, které na portálu zveřejňují smlouvy, objednávky a faktury. Přístup zřizuje správce organizace nebo platformy.</p>
      <Notice message={props.notice} />
      <Notice message={props.error} kind="error" />
      <form method="post" action="/sprava/prihlaseni" class="ws-form narrow">
        <CsrfField token={props.csrf} />
        {props.back ? <input type="hidden" name="zpet" value={props.back} /> : null}
        <p>
          <label for="email">E-mail</label>
          <input id="email" name="email" type="email" autocomplete="username" required value={props.email ?? ''} />
        </p>
        <p>
          <label for="heslo">Heslo</label>
          <input id="heslo" name="heslo" type="password" autocomplete="current-password" required />
        </p>
        <button type="submit">Přihlásit se</button>
      </form>
      <p>
        <a href="/sprava/zapomenute-heslo">Zapomněli jste heslo?</a>
      </p>
    </Layout>
  );
}

export function ResetRequestPage(props: { csrf: string; sent?: boolean }) {
  return (
    <Layout title="Obnovení hesla">
      <h1>Obnovení hesla</h1>
      {props.sent ? (
        <p class="banner ok" role="status">
          Pokud k této adrese existuje účet, poslali jsme na ni odkaz pro nastavení nového hesla. Odkaz platí hodinu a jen jednou.
        </p>
      ) : null}
      <form method="post" action="/sprava/zapomenute-heslo" class="ws-form narrow">
        <CsrfField token={props.csrf} />
        <p>
          <label for="email">E-mail účtu</label>
          <input id="email" name="email" type="email" autocomplete="username" required />
        </p>
        <button type="submit">Poslat odkaz</button>
      </form>
      <p>
        <a href="/sprava/prihlaseni">Zpět na přihlášení</a>
      </p>
    </Layout>
  );
}

export function SetPasswordPage(props: { csrf: string; token: string; user: User; purpose: 'sign_in' | 'reset'; error?: string }) {
  const title = props.purpose === 'reset' ? 'Nové heslo' : 'Vítejte ve správě';
  return (
    <Layout title={title}>
      <h1>{title}</h1>
      <p>
        Účet <strong>{props.user.email}</strong>. Zvolte si heslo (alespoň {MIN_PASSWORD_LENGTH} znaků); odkaz, kterým jste přišli, tím přestane platit.
      </p>
      <Notice message={props.error} kind="error" />
      <form method="post" action={`/sprava/odkaz/${props.token}`} class="ws-form narrow">
        <CsrfField token={props.csrf} />
        <input type="hidden" name="username" value={props.user.email} autocomplete="username" />
        <p>
          <label for="heslo">Nové heslo</label>
          <input id="heslo" name="heslo" type="password" autocomplete="new-password" minlength={MIN_PASSWORD_LENGTH} required aria-describedby="heslo-napoveda" />
          <span id="heslo-napoveda" class="hint">
            Alespoň {MIN_PASSWORD_LENGTH} znaků; nejlépe několik slov, která spolu nesouvisejí.
          </span>
        </p>
        <p>
          <label for="heslo2">Heslo znovu</label>
          <input id="heslo2" name="heslo2" type="password" autocomplete="new-password" required />
        </p>
        <button type="submit">Nastavit heslo a přihlásit se</button>
      </form>
    </Layout>
  );
}

export function LinkInvalidPage() {
  return (
    <Layout title="Odkaz neplatí">
      <h1>Odkaz neplatí</h1>
      <p>Odkaz je neplatný, už byl použit, nebo mu vypršela platnost.</p>
      <p>
        <a href="/sprava/zapomenute-heslo">Požádejte o nový odkaz</a> nebo se obraťte na správce své organizace.
      </p>
    </Layout>
  );
}

export function ChooseOrganizationPage(props: { signedIn: SignedIn; organizations: Array<{ organization: Organization; access: Access }> }) {
  return (
    <WsLayout title="Moje organizace" signedIn={props.signedIn}>
      <h1>Moje organizace</h1>
      {props.organizations.length === 0 ? (
        <p class="empty">
          Zatím nepublikujete za žádnou organizaci. {props.signedIn.user.isPlatformAdmin ? <a href="/sprava/admin">Založte organizaci a přidělte role.</a> : 'Požádejte správce své organizace, aby vám přidělil roli.'}
        </p>
      ) : (
        <ul>
          {props.organizations.map(({ organization, access }) => (
            <li>
              <a href={`/sprava/${organization.ico}`}>{organization.name}</a> <span class="muted">(IČO {organization.ico}, {ROLE_LABELS[access]})</span>
            </li>
          ))}
        </ul>
      )}
    </WsLayout>
  );
}

export function AdminPage(props: {
  signedIn: SignedIn;
  organizations: Organization[];
  users: Array<{ id: number; email: string; name: string; is_platform_admin: number; password_hash: string | null }>;
  notice?: string;
  error?: string;
}) {
  return (
    <WsLayout title="Správa platformy" signedIn={props.signedIn}>
      <h1>Správa platformy</h1>
      <Notice message={props.notice} />
      <Notice message={props.error} kind="error" />
      <h2 id="nova-organizace">Nová organizace</h2>
      <form method="post" action="/sprava/admin/organizace" class="ws-form" aria-labelledby="nova-organizace">
        <CsrfField token={props.signedIn.csrfToken} />
        <p>
          <label for="org-ico">IČO</label>
          <input id="org-ico" name="ico" inputmode="numeric" pattern="\d{1,8}" required />
        </p>
        <p>
          <label for="org-nazev">Název</label>
          <input id="org-nazev" name="nazev" required />
        </p>
        <p>
          <label for="org-druh">Druh</label>
          <select id="org-druh" name="druh">
            {Object.entries(ORGANIZATION_KINDS).map(([kind, label]) => (
              <option value={kind}>{label}</option>
            ))}
          </select>
        </p>
        <p>
          <label for="org-nadrizena">IČO nadřízené organizace (nepovinné)</label>
          <input id="org-nadrizena" name="nadrizena" inputmode="numeric" />
        </p>
        <button type="submit">Založit organizaci</button>
      </form>
      <h2 id="novy-uzivatel">Nový uživatel</h2>
      <p>Uživatel dostane e-mailem jednorázový odkaz, kterým si nastaví heslo. Výchozí heslo neexistuje.</p>
      <form method="post" action="/sprava/admin/uzivatele" class="ws-form" aria-labelledby="novy-uzivatel">
        <CsrfField token={props.signedIn.csrfToken} />
        <p>
          <label for="u-email">E-mail</label>
          <input id="u-email" name="email" type="email" required />
        </p>
        <p>
          <label for="u-jmeno">Jméno</label>
          <input id="u-jmeno" name="jmeno" required />
        </p>
        <p>
          <label for="u-org">Organizace (IČO)</label>
          <input id="u-org" name="organizace" inputmode="numeric" list="organizace-seznam" />
          <datalist id="organizace-seznam">
            {props.organizations.map((o) => (
              <option value={o.ico}>{o.name}</option>
            ))}
          </datalist>
        </p>
        <RoleFields idPrefix="u" label="Role v organizaci" />
        <p class="check">
          <input id="u-spravce" name="spravce_platformy" type="checkbox" value="1" /> <label for="u-spravce">Správce platformy</label>
        </p>
        <button type="submit">Založit uživatele a poslat odkaz</button>
      </form>
      <h2>Uživatelé</h2>
      <div class="table-scroll" tabindex={0} role="region" aria-label="Uživatelé platformy">
        <table>
          <caption class="visually-hidden">Uživatelé platformy</caption>
          <thead>
            <tr>
              <th scope="col">E-mail</th>
              <th scope="col">Jméno</th>
              <th scope="col">Správce platformy</th>
              <th scope="col">Heslo nastaveno</th>
            </tr>
          </thead>
          <tbody>
            {props.users.map((u) => (
              <tr>
                <td>{u.email}</td>
                <td>{u.name}</td>
                <td>{u.is_platform_admin === 1 ? 'ano' : 'ne'}</td>
                <td>{u.password_hash ? 'ano' : 'ne (čeká na odkaz)'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Organizace</h2>
      <ul>
        {props.organizations.map((o) => (
          <li>
            <a href={`/sprava/${o.ico}`}>{o.name}</a> <span class="muted">IČO {o.ico}</span>
          </li>
        ))}
      </ul>
    </WsLayout>
  );
}
