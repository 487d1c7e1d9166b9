/** @jsxImportSource hono/jsx */
/** The pages of an organisation's workspace. */
import type { SignedIn } from '../../accounts/service.ts';
import type { Organization } from '../../organizations/service.ts';
import type { Access } from '../../accounts/rules.ts';
import type { Attention } from '../../workspace/service.ts';
import type { ImportJob, JobReport } from '../../jobs/service.ts';
import { JOB_KIND_LABELS, JOB_STATE_LABELS, estimateProgress } from '../../jobs/rules.ts';
import type { RecordDetail, RecordListItem } from '../../register/service.ts';
import type { AuditEntry } from '../../audit/service.ts';
import type { Draft } from '../../drafts/service.ts';
import type { HarvestSource } from '../../harvest/service.ts';
import { RECORD_TYPES, RECORD_TYPE_LABELS } from '../../standard/schema.ts';
import { ORGANIZATION_KINDS } from '../../organizations/rules.ts';
import { formatDate, formatNumber, formatTimestamp } from '../../shared/format.ts';
import { QualityBadge, amountOf } from '../components.tsx';
import { CsrfField, Notice, RoleFields, WsLayout } from './layout.tsx';

interface Frame {
  signedIn: SignedIn;
  organization: Organization;
  access: Access;
}

const base = (o: Organization) => `/sprava/${o.ico}`;

export function WorkspaceHomePage(props: Frame & { attention: Attention; notice?: string }) {
  const { attention: a, organization: o } = props;
  const nothing = a.drafts.length === 0 && a.importsWithRejections.length === 0 && a.deadlines.length === 0 && a.belowB.total === 0 && a.failedHarvests.length === 0;
  return (
    <WsLayout title="Přehled" {...props} current={base(o)}>
      <h1>{o.name}: co potřebuje pozornost</h1>
      <Notice message={props.notice} />
      <p>
        <a class="button" href={`${base(o)}/nahrat`}>
          Nahrát soubor
        </a>{' '}
        <a class="button" href={`${base(o)}/novy/smlouva`}>
          Zveřejnit smlouvu ručně
        </a>{' '}
        <a href={`/organizace/${o.ico}`}>Veřejná stránka organizace</a>
      </p>
      {nothing ? <p class="banner ok" role="status">Vše je v pořádku: žádné koncepty, odmítnuté řádky, blížící se lhůty ani záznamy pod úrovní B.</p> : null}
      <h2 id="koncepty">Koncepty ({a.drafts.length})</h2>
      {a.drafts.length === 0 ? (
        <p class="muted">Žádné rozpracované koncepty.</p>
      ) : (
        <ul>
          {a.drafts.map((d) => (
            <li>
              <a href={`${base(o)}/koncepty/${d.id}`}>{d.subject}</a> <span class="muted">({RECORD_TYPE_LABELS[d.type].one}, upraveno {formatTimestamp(d.updatedAt)})</span>
            </li>
          ))}
        </ul>
      )}
      <h2 id="lhuty">Lhůta 30 dnů podle zákona o registru smluv</h2>
      {a.deadlines.length === 0 ? (
        <p class="muted">Žádná smlouva nad 50 000 Kč bez DPH uzavřená v posledních 30 dnech ani koncept smlouvy s datem uzavření.</p>
      ) : (
        <ul>
          {a.deadlines.map((d) => (
            <li>
              {d.draftId !== null ? <a href={`${base(o)}/koncepty/${d.draftId}`}>{d.subject} (koncept)</a> : <a href={`/organizace/${o.ico}/zaznam/${encodeURIComponent(d.key!)}`}>{d.subject}</a>}: uzavřeno {formatDate(d.concluded)}, zveřejnit v registru smluv do{' '}
              <strong>{formatDate(d.deadline)}</strong> ({d.daysLeft >= 0 ? `zbývá ${d.daysLeft} d.` : `lhůta uplynula před ${-d.daysLeft} d.`})
            </li>
          ))}
        </ul>
      )}
      <h2 id="importy">Importy s odmítnutými řádky</h2>
      {a.importsWithRejections.length === 0 ? (
        <p class="muted">Poslední importy proběhly bez odmítnutých řádků.</p>
      ) : (
        <ul>
          {a.importsWithRejections.map((job) => (
            <li>
              <a href={`${base(o)}/importy/${job.id}`}>
                {job.sourceName} ({formatTimestamp(job.startedAt)})
              </a>
              : {job.state === 'failed' ? `selhal – ${job.error ?? ''}` : `odmítnuto ${formatNumber(job.counts.rejected)} z ${formatNumber(job.counts.read)}`}
            </li>
          ))}
        </ul>
      )}
      <h2 id="kvalita">Záznamy pod úrovní kvality B ({formatNumber(a.belowB.total)})</h2>
      {a.belowB.total === 0 ? (
        <p class="muted">Všechny záznamy mají úroveň A nebo B.</p>
      ) : (
        <ul>
          {a.belowB.items.map((r) => (
            <li>
              <a href={`${base(o)}/zaznam/${encodeURIComponent(r.id)}/opravit`}>{r.subject}</a> <QualityBadge level={r.quality} />
            </li>
          ))}
        </ul>
      )}
      <h2 id="sklizen">Neúspěšné sklizně</h2>
      {a.failedHarvests.length === 0 ? (
        <p class="muted">Žádná neúspěšná sklizeň.</p>
      ) : (
        <ul>
          {a.failedHarvests.map((h) => (
            <li>
              {h.url} ({formatTimestamp(h.at)}): {h.message}
            </li>
          ))}
        </ul>
      )}
    </WsLayout>
  );
}

export function UploadPage(props: Frame & { error?: string }) {
  const o = props.organization;
  return (
    <WsLayout title="Nahrát soubor" {...props} current={`${base(o)}/nahrat`}>
      <h1>Nahrát soubor</h1>
      <p>
        Nahrajte tabulku podle <a href="/standard">standardu</a> (CSV nebo XLSX; poznáme kódování, oddělovač, desetinné čárky, česká data i obvyklé české názvy sloupců), fakturu ISDOC (.isdoc, .isdocx nebo ZIP
        s více fakturami) nebo export z registru smluv (.xml). Po nahrání uvidíte průběh a protokol: co se založilo, co je nová verze, co se nezměnilo a které řádky byly odmítnuty a proč.
      </p>
      <Notice message={props.error} kind="error" />
      <form method="post" action={`${base(o)}/nahrat`} enctype="multipart/form-data" class="ws-form" data-drop="">
        <CsrfField token={props.signedIn.csrfToken} />
        <p>
          <label for="soubor">Soubor</label>
          <input id="soubor" name="soubor" type="file" required accept=".csv,.tsv,.txt,.xlsx,.isdoc,.isdocx,.zip,.xml,.gz" aria-describedby="soubor-napoveda" />
          <span id="soubor-napoveda" class="hint">
            Nejvýše 100 MB. Šablony CSV jsou na stránce <a href="/standard">standardu</a>.
          </span>
        </p>
        <button type="submit">Nahrát a zpracovat</button>
      </form>
    </WsLayout>
  );
}

interface TableIssue {
  line: number;
  column: string;
  value: string;
  message: string;
  severity: string;
  field?: string;
}

interface OutcomeIssue {
  line: number;
  id: string | null;
  issues: Array<{ path: string; message: string; severity: string }>;
}

/** Every problem of a job's report as rows of line, field, value and reason, whatever the importer. */
function reportRows(report: JobReport | null): TableIssue[] {
  if (!report) return [];
  if (Array.isArray(report.issues) && report.issues.length > 0 && 'column' in (report.issues[0] as object)) return report.issues as TableIssue[];
  if (Array.isArray(report.issues)) {
    return (report.issues as OutcomeIssue[]).flatMap((o) => o.issues.map((i) => ({ line: o.line, column: i.path, value: '', message: i.message, severity: i.severity })));
  }
  if (Array.isArray(report.outcomes)) {
    return (report.outcomes as Array<{ file: string; issues: Array<{ element: string; message: string; severity: string }> }>).flatMap((o) =>
      o.issues.map((i) => ({ line: 0, column: `${o.file}${i.element ? `: ${i.element}` : ''}`, value: '', message: i.message, severity: i.severity })),
    );
  }
  return [];
}

export function JobPage(props: Frame & { job: ImportJob; report: JobReport | null; hasRejectedFile: boolean }) {
  const { job, organization: o } = props;
  const running = job.shownState === 'running';
  const elapsed = (Date.parse(job.updatedAt) - Date.parse(job.startedAt)) / 1000;
  const estimate = estimateProgress(job.counts.read, job.doneBytes, job.totalBytes, elapsed);
  const rows = reportRows(props.report);
  const fileIssues = (props.report?.fileIssues as Array<{ message: string }> | undefined) ?? [];
  return (
    <WsLayout title={`Import ${job.sourceName}`} {...props} current={`${base(o)}/nahrat`}>
      {running ? <meta http-equiv="refresh" content="2" /> : null}
      <h1>Import: {job.sourceName}</h1>
      <p>
        {JOB_KIND_LABELS[job.kind]} · zahájen {formatTimestamp(job.startedAt)} · stav: <strong>{JOB_STATE_LABELS[job.shownState]}</strong>
      </p>
      {running ? (
        <p role="status">
          Zpracováno {formatNumber(job.counts.read)} záznamů
          {estimate.fraction !== null ? (
            <>
              {' '}
              (<progress max="100" value={String(Math.round(estimate.fraction * 100))} aria-label="Průběh importu" /> {Math.round(estimate.fraction * 100)} %)
            </>
          ) : null}
          . Stránka se sama obnovuje; pokud ne, <a href={`${base(o)}/importy/${job.id}`}>načtěte ji znovu</a>.
        </p>
      ) : null}
      {job.shownState === 'failed' ? (
        <p class="banner error" role="alert">
          Import selhal: {job.error}
        </p>
      ) : null}
      <h2>Výsledek</h2>
      <dl class="fields" aria-label="Počty">
        <dt>Přečteno</dt>
        <dd>{formatNumber(job.counts.read)}</dd>
        <dt>Nově založeno</dt>
        <dd>{formatNumber(job.counts.created)}</dd>
        <dt>Nové verze</dt>
        <dd>{formatNumber(job.counts.newVersions)}</dd>
        <dt>Beze změny</dt>
        <dd>{formatNumber(job.counts.unchanged)}</dd>
        <dt>Odmítnuto</dt>
        <dd>{formatNumber(job.counts.rejected)}</dd>
      </dl>
      {fileIssues.length > 0 ? (
        <>
          <h2>Upozornění k souboru</h2>
          <ul>
            {fileIssues.map((i) => (
              <li>{i.message}</li>
            ))}
          </ul>
        </>
      ) : null}
      {rows.length > 0 ? (
        <>
          <h2 id="problemy">Problémy po řádcích</h2>
          {props.hasRejectedFile ? (
            <p>
              <a class="button" href={`${base(o)}/importy/${job.id}/odmitnute.csv`} download>
                Stáhnout odmítnuté řádky (CSV)
              </a>{' '}
              Soubor obsahuje odmítnuté řádky v původních sloupcích a důvody v posledním sloupci. Opravte je a nahrajte soubor znovu; správné řádky, které už jsou uložené, se nezmění.
            </p>
          ) : null}
          <div class="table-scroll" tabindex={0} role="region" aria-label="Problémy importu">
            <table>
              <caption class="visually-hidden">Problémy importu</caption>
              <thead>
                <tr>
                  <th scope="col">Řádek</th>
                  <th scope="col">Pole</th>
                  <th scope="col">Hodnota</th>
                  <th scope="col">Důvod</th>
                  <th scope="col">Závažnost</th>
                </tr>
              </thead>
              <tbody>
                {rows.slice(0, 1000).map((r) => (
                  <tr>
                    <td class="num">{r.line || ''}</td>
                    <td>{r.column || '(celý řádek)'}</td>
                    <td>{r.value}</td>
                    <td>{r.message}</td>
                    <td>{r.severity === 'error' ? 'chyba (řádek odmítnut)' : 'varování'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {rows.length > 1000 ? <p class="muted">Zobrazeno prvních 1 000 problémů; všechny jsou v souboru odmítnutých řádků.</p> : null}
        </>
      ) : job.shownState === 'completed' ? (
        <p class="banner ok" role="status">
          Žádný řádek nebyl odmítnut.
        </p>
      ) : null}
      <p>
        <a href={`${base(o)}/nahrat`}>Nahrát další soubor</a> · <a href={`/organizace/${o.ico}`}>Veřejná stránka organizace</a>
      </p>
    </WsLayout>
  );
}

export function RecordsPage(props: Frame & { items: RecordListItem[]; nextCursor: string | null; notice?: { message: string; detail: RecordDetail } }) {
  const o = props.organization;
  const done = props.notice;
  return (
    <WsLayout title="Záznamy" {...props} current={`${base(o)}/zaznamy`}>
      <h1>Záznamy organizace</h1>
      {done ? (
        <p class="banner ok" role="status">
          {done.message} <a href={`/organizace/${o.ico}/zaznam/${encodeURIComponent(done.detail.id)}`}>Veřejná stránka záznamu „{done.detail.current.content.predmet}“</a> (verze {done.detail.current.versionNo}).
        </p>
      ) : null}
      <p>
        Nový záznam: {RECORD_TYPES.map((t, i) => (
          <>
            {i > 0 ? ' · ' : ''}
            <a href={`${base(o)}/novy/${t}`}>{RECORD_TYPE_LABELS[t].one}</a>
          </>
        ))}
      </p>
      {props.items.length === 0 ? (
        <p class="empty">Organizace zatím nic nezveřejnila. Začněte nahráním souboru nebo ručním zápisem.</p>
      ) : (
        <div class="table-scroll" tabindex={0} role="region" aria-label="Zveřejněné záznamy">
          <table>
            <caption class="visually-hidden">Zveřejněné záznamy</caption>
            <thead>
              <tr>
                <th scope="col">Předmět</th>
                <th scope="col">Typ</th>
                <th scope="col">Datum</th>
                <th scope="col" class="num">
                  Částka
                </th>
                <th scope="col">Kvalita</th>
                <th scope="col">Akce</th>
              </tr>
            </thead>
            <tbody>
              {props.items.map((item) => (
                <tr>
                  <td>
                    <a href={`/organizace/${o.ico}/zaznam/${encodeURIComponent(item.id)}`}>{item.subject}</a>
                    {item.status === 'withdrawn' ? <span class="muted"> (znepřístupněno)</span> : null}
                  </td>
                  <td>{RECORD_TYPE_LABELS[item.type].one}</td>
                  <td>{formatDate(item.date)}</td>
                  <td class="num">{amountOf(item)}</td>
                  <td>
                    <QualityBadge level={item.quality} />
                  </td>
                  <td>
                    {item.status === 'withdrawn' ? (
                      '—'
                    ) : (
                      <>
                        <a href={`${base(o)}/zaznam/${encodeURIComponent(item.id)}/opravit`} aria-label={`Opravit: ${item.subject}`}>
                          Opravit
                        </a>{' '}
                        ·{' '}
                        <a href={`${base(o)}/zaznam/${encodeURIComponent(item.id)}/znepristupnit`} aria-label={`Znepřístupnit: ${item.subject}`}>
                          Znepřístupnit
                        </a>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.nextCursor ? (
        <p>
          <a href={`${base(o)}/zaznamy?cursor=${encodeURIComponent(props.nextCursor)}`}>Další záznamy</a>
        </p>
      ) : null}
    </WsLayout>
  );
}

export function DiscardDraftPage(props: Frame & { draft: Draft }) {
  const o = props.organization;
  const path = `${base(o)}/koncepty/${props.draft.id}`;
  return (
    <WsLayout title="Zahodit koncept" {...props}>
      <h1>Zahodit koncept: {props.draft.subject}</h1>
      <p>
        Koncept ({RECORD_TYPE_LABELS[props.draft.type].one}, naposledy upraven {formatTimestamp(props.draft.updatedAt)}) nebyl zveřejněn, proto ho lze smazat úplně. Jeho obsah se tím
        ztratí; zahození se zapíše do auditního záznamu.
      </p>
      <form method="post" action={`${path}/zahodit`} class="ws-form">
        <CsrfField token={props.signedIn.csrfToken} />
        <button type="submit" class="danger">
          Zahodit koncept
        </button>{' '}
        <a href={path}>Zpět ke konceptu</a>
      </form>
    </WsLayout>
  );
}

export function WithdrawPage(props: Frame & { detail: RecordDetail; error?: string }) {
  const o = props.organization;
  const key = props.detail.id;
  return (
    <WsLayout title="Znepřístupnit záznam" {...props}>
      <h1>Znepřístupnit: {props.detail.current.content.predmet}</h1>
      <p>
        Znepřístupněný záznam zůstane v registru: veřejnost uvidí, že byl znepřístupněn, kdy a proč, a celou jeho historii. Smazat záznam nelze. Chybu v záznamu raději <a href={`${base(o)}/zaznam/${encodeURIComponent(key)}/opravit`}>opravte</a>.
      </p>
      <Notice message={props.error} kind="error" />
      <form method="post" action={`${base(o)}/zaznam/${encodeURIComponent(key)}/znepristupnit`} class="ws-form">
        <CsrfField token={props.signedIn.csrfToken} />
        <p>
          <label for="duvod">Důvod znepřístupnění (povinný, zveřejní se)</label>
          <textarea id="duvod" name="duvod" rows={3} required minlength={3} aria-invalid={props.error ? 'true' : undefined} />
        </p>
        <p>
          <label for="poznamka">Poznámka (nepovinná)</label>
          <textarea id="poznamka" name="poznamka" rows={2} />
        </p>
        <button type="submit" class="danger">
          Znepřístupnit záznam
        </button>{' '}
        <a href={`${base(o)}/zaznamy`}>Zpět bez změny</a>
      </form>
    </WsLayout>
  );
}

export function MembersPage(props: Frame & { members: Array<{ id: number; email: string; name: string; roleLabel: string; includeSubordinates: boolean; hasPassword: boolean }>; notice?: string; error?: string }) {
  const o = props.organization;
  return (
    <WsLayout title="Uživatelé" {...props} current={`${base(o)}/uzivatele`}>
      <h1>Uživatelé organizace</h1>
      <Notice message={props.notice} />
      <Notice message={props.error} kind="error" />
      <div class="table-scroll" tabindex={0} role="region" aria-label="Uživatelé a jejich role">
        <table>
          <caption class="visually-hidden">Uživatelé a jejich role</caption>
          <thead>
            <tr>
              <th scope="col">E-mail</th>
              <th scope="col">Jméno</th>
              <th scope="col">Role</th>
              <th scope="col">Účet</th>
              <th scope="col">Akce</th>
            </tr>
          </thead>
          <tbody>
            {props.members.map((m) => (
              <tr>
                <td>{m.email}</td>
                <td>{m.name}</td>
                <td>
                  {m.roleLabel}
                  {m.includeSubordinates ? ' (i podřízené organizace)' : ''}
                </td>
                <td>{m.hasPassword ? 'aktivní' : 'čeká na nastavení hesla'}</td>
                <td>
                  <form method="post" action={`${base(o)}/uzivatele/${m.id}/odebrat`}>
                    <CsrfField token={props.signedIn.csrfToken} />
                    <button type="submit" class="secondary" aria-label={`Odebrat roli uživateli ${m.email}`}>
                      Odebrat roli
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2 id="pridat">Přidat uživatele</h2>
      <form method="post" action={`${base(o)}/uzivatele`} class="ws-form" aria-labelledby="pridat">
        <CsrfField token={props.signedIn.csrfToken} />
        <p>
          <label for="m-email">E-mail</label>
          <input id="m-email" name="email" type="email" required />
        </p>
        <p>
          <label for="m-jmeno">Jméno (pro nový účet)</label>
          <input id="m-jmeno" name="jmeno" />
        </p>
        <RoleFields idPrefix="m" label="Role" />
        <button type="submit">Přidat</button>
      </form>
    </WsLayout>
  );
}

export function TokensPage(props: Frame & { tokens: Array<{ id: number; label: string; created_at: string; revoked_at: string | null; last_used_at: string | null; may_manage_members: number }>; newToken?: string; notice?: string }) {
  const o = props.organization;
  return (
    <WsLayout title="Tokeny API" {...props} current={`${base(o)}/tokeny`}>
      <h1>Tokeny API</h1>
      <p>
        Token dovoluje publikovat za organizaci přes <a href="/api">API</a> (hlavička <code>Authorization: Bearer …</code>). Každá změna tokenem se zapisuje do auditního záznamu.
      </p>
      <Notice message={props.notice} />
      {props.newToken ? (
        <div class="banner ok" role="status">
          <p>Nový token (zobrazí se jen teď; uložte si ho):</p>
          <p>
            <code>{props.newToken}</code>
          </p>
        </div>
      ) : null}
      <form method="post" action={`${base(o)}/tokeny`} class="ws-form">
        <CsrfField token={props.signedIn.csrfToken} />
        <p>
          <label for="t-nazev">Název tokenu (k čemu slouží)</label>
          <input id="t-nazev" name="nazev" required />
        </p>
        <p>
          <input type="checkbox" id="t-uzivatele" name="uzivatele" value="1" aria-describedby="t-uzivatele-pomoc" /> <label for="t-uzivatele">Smí spravovat uživatele organizace</label>
          <br />
          <span id="t-uzivatele-pomoc" class="muted">
            Jen pro token, který přiděluje a odebírá role (např. napojení na personální systém). Kdo by takový token získal, mohl by si přidělit roli správce.
          </span>
        </p>
        <button type="submit">Vytvořit token</button>
      </form>
      <h2>Tokeny</h2>
      {props.tokens.length === 0 ? (
        <p class="muted">Organizace zatím nemá žádný token.</p>
      ) : (
        <ul>
          {props.tokens.map((t) => (
            <li>
              {t.label} <span class="muted">(vytvořen {formatTimestamp(t.created_at)}{t.last_used_at ? `, naposledy použit ${formatTimestamp(t.last_used_at)}` : ''}{t.may_manage_members === 1 ? ', smí spravovat uživatele' : ''})</span>{' '}
              {t.revoked_at ? (
                <span>zrušen {formatTimestamp(t.revoked_at)}</span>
              ) : (
                <form method="post" action={`${base(o)}/tokeny/${t.id}/zrusit`} class="inline">
                  <CsrfField token={props.signedIn.csrfToken} />
                  <button type="submit" class="secondary" aria-label={`Zrušit token ${t.label}`}>
                    Zrušit
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
    </WsLayout>
  );
}

export function HarvestPage(props: Frame & { sources: HarvestSource[]; error?: string; notice?: string }) {
  const o = props.organization;
  return (
    <WsLayout title="Sklizeň" {...props} current={`${base(o)}/sklizen`}>
      <h1>Sklizeň z webu organizace</h1>
      <p>Zveřejňuje-li organizace soubor podle standardu na svém webu, portál si ho pravidelně stáhne a naimportuje, co se změnilo. Výsledky jsou v protokolu sklizně na veřejné stránce organizace.</p>
      <Notice message={props.notice} />
      <Notice message={props.error} kind="error" />
      <form method="post" action={`${base(o)}/sklizen`} class="ws-form">
        <CsrfField token={props.signedIn.csrfToken} />
        <p>
          <label for="h-url">Adresa souboru (https://…)</label>
          <input id="h-url" name="url" type="url" required />
        </p>
        <p>
          <label for="h-typ">Typ záznamů bez sloupce typ</label>
          <select id="h-typ" name="typ">
            <option value="">uvedeno v souboru</option>
            {RECORD_TYPES.map((t) => (
              <option value={t}>{RECORD_TYPE_LABELS[t].many}</option>
            ))}
          </select>
        </p>
        <button type="submit">Přidat adresu</button>
      </form>
      <h2>Adresy</h2>
      {props.sources.length === 0 ? (
        <p class="muted">Žádná adresa ke sklizni.</p>
      ) : (
        <ul>
          {props.sources.map((s) => (
            <li>
              {s.url} {s.active ? '' : <span class="muted">(vypnuto)</span>}
              {s.active ? (
                <form method="post" action={`${base(o)}/sklizen/${s.id}/vypnout`} class="inline">
                  <CsrfField token={props.signedIn.csrfToken} />
                  <button type="submit" class="secondary" aria-label={`Vypnout sklizeň ${s.url}`}>
                    Vypnout
                  </button>
                </form>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </WsLayout>
  );
}

export function AuditPage(props: Frame & { entries: AuditEntry[]; nextBefore: number | null }) {
  const o = props.organization;
  return (
    <WsLayout title="Auditní záznam" {...props} current={`${base(o)}/audit`}>
      <h1>Auditní záznam</h1>
      <p>Každá změna provedená v organizaci osobou nebo tokenem: kdo, kdy, co a odkud.</p>
      {props.entries.length === 0 ? (
        <p class="muted">Zatím žádné změny.</p>
      ) : (
        <div class="table-scroll" tabindex={0} role="region" aria-label="Auditní záznam">
          <table>
            <caption class="visually-hidden">Auditní záznam</caption>
            <thead>
              <tr>
                <th scope="col">Kdy</th>
                <th scope="col">Kdo</th>
                <th scope="col">Co</th>
                <th scope="col">Čeho se týká</th>
                <th scope="col">Odkud</th>
              </tr>
            </thead>
            <tbody>
              {props.entries.map((e) => (
                <tr>
                  <td>{formatTimestamp(e.at)}</td>
                  <td>{e.actor}</td>
                  <td>
                    {e.actionLabel}
                    {e.detail ? <span class="muted"> {Object.entries(e.detail).filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ')}</span> : null}
                  </td>
                  <td>{e.target ?? ''}</td>
                  <td>{e.ip ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.nextBefore ? (
        <p>
          <a href={`${base(o)}/audit?pred=${props.nextBefore}`}>Starší záznamy</a>
        </p>
      ) : null}
    </WsLayout>
  );
}

export function SettingsPage(props: Frame & { notice?: string; error?: string }) {
  const o = props.organization;
  return (
    <WsLayout title="Nastavení" {...props} current={`${base(o)}/nastaveni`}>
      <h1>Nastavení organizace</h1>
      <p>Údaje organizace na portálu a v katalogu otevřených dat (kód obce RÚIAN určuje prostorové pokrytí datových sad). IČO změnit nelze.</p>
      <Notice message={props.notice} />
      <Notice message={props.error} kind="error" />
      <form method="post" action={`${base(o)}/nastaveni`} class="ws-form">
        <CsrfField token={props.signedIn.csrfToken} />
        <p>
          <label for="s-nazev">Název</label>
          <input id="s-nazev" name="nazev" required value={o.name} />
        </p>
        <p>
          <label for="s-druh">Druh</label>
          <select id="s-druh" name="druh">
            {Object.entries(ORGANIZATION_KINDS).map(([kind, label]) => (
              <option value={kind} selected={kind === o.kind}>
                {label}
              </option>
            ))}
          </select>
        </p>
        <p>
          <label for="s-ruian">Kód obce RÚIAN</label>
          <input id="s-ruian" name="ruian" inputmode="numeric" value={o.ruianCode ?? ''} />
        </p>
        <p>
          <label for="s-ds">Datová schránka</label>
          <input id="s-ds" name="datovaSchranka" value={o.dataBox ?? ''} />
        </p>
        <p>
          <label for="s-obyvatele">Počet obyvatel</label>
          <input id="s-obyvatele" name="obyvatele" inputmode="numeric" value={o.population === null ? '' : String(o.population)} />
        </p>
        <button type="submit">Uložit</button>
      </form>
    </WsLayout>
  );
}
