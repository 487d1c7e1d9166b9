/** @jsxImportSource hono/jsx */
/**
 * The publisher workspace under /sprava. Thin like every edge: check the session, the CSRF token and the role,
 * call the services the API calls too, render. Every organisation route checks that the person may act for it.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import type { SignedIn } from '../../accounts/service.ts';
import type { Organization } from '../../organizations/service.ts';
import { mayAdminister, type Access } from '../../accounts/rules.ts';
import { RECORD_TYPES, type RecordType } from '../../standard/schema.ts';
import { fieldsOf } from '../../standard/fields.ts';
import { validateRecord } from '../../standard/validate.ts';
import { normalizeCzechDecimal } from '../../shared/money.ts';
import { normalizeCzechDate } from '../../shared/dates.ts';
import { nowUtc } from '../../shared/dates.ts';
import type { RecordDetail } from '../../register/service.ts';
import { formFromRecord, formValues, nextAttachmentSlot, recordFromForm, restoreHiddenValues, slotsFor, type FormSlots } from '../../workspace/form.ts';
import { anonymousFormToken, checkCsrf, clearSessionCookie, clientIp, sessionId, setSessionCookie, userActor } from './session.ts';
import { AdminPage, ChooseOrganizationPage, LinkInvalidPage, ResetRequestPage, SetPasswordPage, SignInPage } from './account-pages.tsx';
import { AuditPage, DiscardDraftPage, HarvestPage, JobPage, MembersPage, RecordsPage, SettingsPage, TokensPage, UploadPage, WithdrawPage, WorkspaceHomePage } from './pages.tsx';
import { FormPage, type HiddenField } from './form-page.tsx';
import { formFields, issuesByInput } from '../../workspace/form.ts';
import type { ValidationIssue } from '../../standard/validate.ts';

type Vars = { signedIn: SignedIn | undefined; organization: Organization; access: Access };
type Ctx = Context<{ Variables: Vars }>;

export const UPLOAD_MAX_BYTES = 100 * 1024 * 1024;
const FORM_MAX_BYTES = 256 * 1024;
/** The posts that carry files: an upload and the record form (attachments). */
const CARRIES_FILES = /^\/sprava\/\d{8}\/(nahrat|formular\/[a-z]+)$/;

const NOTICES: Record<string, string> = {
  koncept: 'Koncept je uložen. Najdete ho na přehledu organizace.',
  zahozeno: 'Koncept byl zahozen.',
  zverejneno: 'Záznam je zveřejněn.',
  opraveno: 'Oprava je zveřejněna jako nová verze záznamu.',
  znepristupneno: 'Záznam je znepřístupněn; jeho historie zůstává veřejná.',
  nezmeneno: 'Záznam se nezměnil, nová verze proto nevznikla.',
  uzivatel: 'Uživateli byla přidělena role. Nový uživatel dostal e-mailem odkaz pro nastavení hesla.',
  odebrano: 'Role byla odebrána.',
  token: 'Token byl zrušen.',
  sklizen: 'Adresa sklizně byla uložena.',
  vypnuto: 'Sklizeň z adresy byla vypnuta.',
  organizace: 'Organizace byla založena.',
  nastaveni: 'Údaje organizace jsou uloženy.',
  heslo: 'Heslo je nastaveno, jste přihlášeni.',
};

function recordType(value: string | undefined): RecordType {
  if (value && (RECORD_TYPES as readonly string[]).includes(value)) return value as RecordType;
  throw new AppError('not_found', 'Takový typ záznamu standard nezná.', `unknown record type ${value}`);
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** Name prefix of the correction form's checkboxes that remove a hidden value (`_odebratSkryte.strany.2.ico`). */
const DROP_HIDDEN = '_odebratSkryte.';

/** The hidden values of the record being corrected, as the form offers them for removal. */
function hiddenFields(redactedPaths: readonly string[], dropped: readonly string[]): HiddenField[] {
  return redactedPaths.flatMap((path) => {
    const match = /^strany\.(\d+)\.(\w+)$/.exec(path);
    if (!match) return [];
    const field = match[2] === 'dic' ? 'DIČ' : match[2] === 'zahranicniId' ? 'zahraniční identifikátor' : 'IČO';
    return [{ name: `${DROP_HIDDEN}${path}`, label: `Odebrat skryté rodné číslo (${field}) strany ${match[1]}`, drop: dropped.includes(path) }];
  });
}

/** The form's values with Czech decimal commas and dates turned into the standard's forms, as the table importer does. */
function normalizedValues(type: RecordType, raw: Record<string, unknown>): Record<string, string> {
  const values = formValues(type, raw);
  const kinds = new Map(fieldsOf(type).map((f) => [f.key, f.kind]));
  for (const [name, value] of Object.entries(values)) {
    if (value === '') {
      delete values[name];
      continue;
    }
    const kind = kinds.get(name.replace(/\.\d+\./, '.*.'));
    if (kind === 'amount') values[name] = normalizeCzechDecimal(value) ?? value;
    if (kind === 'date') values[name] = normalizeCzechDate(value) ?? value;
  }
  return values;
}

/** A record as the public would see it once published, for the preview. */
function previewDetail(organization: Organization, type: RecordType, values: Record<string, string>, correctingVersion: number): { detail: RecordDetail } | { issues: ValidationIssue[] } {
  const result = validateRecord(recordFromForm(type, values), { defaultType: type });
  if (!result.ok) return { issues: result.errors };
  const now = nowUtc();
  const v = result.value;
  const current = {
    versionNo: correctingVersion + 1,
    change: correctingVersion > 0 ? ('corrected' as const) : ('created' as const),
    content: v.publicRecord,
    quality: v.quality.level,
    qualityGaps: v.quality.gaps,
    warnings: v.warnings,
    redactedPaths: v.redactions.map((r) => r.path),
    note: null,
    source: 'náhled',
    publishedAt: now,
    changes: [],
  };
  return { detail: { organization, id: v.record.id, type, status: 'published', withdrawalReason: null, withdrawnAt: null, firstPublishedAt: now, updatedAt: now, current, versions: [current] } };
}

function serveStoredFile(c: Context, path: string, mediaType: string, name: string): Response {
  const size = statSync(path).size;
  const body = Readable.toWeb(createReadStream(path)) as unknown as ReadableStream;
  const isPdf = mediaType === 'application/pdf';
  const inline = isPdf || mediaType.startsWith('image/');
  return c.body(body, 200, {
    'content-type': mediaType,
    'content-length': String(size),
    'content-disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(name)}`,
    // An attachment is a document, never a page of this site: no scripts and no access to the site's cookies.
    // A sandboxed PDF would not open in Chromium's viewer, so PDFs get the rest of the policy only.
    'content-security-policy': `${isPdf ? '' : 'sandbox; '}default-src 'none'; img-src 'self'; style-src 'unsafe-inline'`,
    'cache-control': 'private, max-age=3600',
  });
}

export function attachmentResponse(ctx: AppContext) {
  return async (c: Context) => {
    const found = await ctx.attachments.published(c.req.param('sha256') ?? '');
    if (!found) throw new AppError('not_found', 'Taková příloha neexistuje.', 'attachment not found or unpublished');
    return serveStoredFile(c, found.path, found.mediaType, found.name);
  };
}

export function workspaceRoutes(ctx: AppContext): Hono<{ Variables: Vars }> {
  const ws = new Hono<{ Variables: Vars }>();
  const secure = ctx.config.secureCookies;

  ws.use('*', async (c, next) => {
    c.set('signedIn', await ctx.accounts.session(sessionId(c)));
    await next();
    c.header('cache-control', 'no-store');
  });

  const uploadLimit = bodyLimit({
    maxSize: UPLOAD_MAX_BYTES,
    onError: () => {
      throw new AppError('payload_too_large', 'Soubor je větší než 100 MB. Větší soubory nahrajte příkazem om import nebo přes API.', 'workspace upload over limit');
    },
  });
  const formLimit = bodyLimit({
    maxSize: FORM_MAX_BYTES,
    onError: () => {
      throw new AppError('payload_too_large', 'Formulář je příliš velký.', 'workspace form over limit');
    },
  });

  // Every form post: from this site, with the right CSRF token. Posts that carry files are read (up to 100 MB)
  // only once the person's role for the organisation is known; every other form is small.
  ws.post('*', async (c, next) => {
    if (CARRIES_FILES.test(c.req.path)) {
      if (!c.get('signedIn')) throw new AppError('unauthorized', 'Nejste přihlášeni, nebo vaše přihlášení vypršelo. Přihlaste se prosím znovu.', 'workspace upload without session');
      return next();
    }
    return formLimit(c, async () => {
      checkCsrf(c, await c.req.parseBody(), c.get('signedIn'));
      await next();
    });
  });

  /** The token a form repeats: the session's once signed in, else the anonymous form cookie's. */
  const formToken = (c: Ctx) => c.get('signedIn')?.csrfToken ?? anonymousFormToken(c, secure);

  // Signing in and out, one-time links.
  ws.get('/prihlaseni', (c) => {
    if (c.get('signedIn')) return c.redirect('/sprava', 303);
    return c.html(<SignInPage csrf={anonymousFormToken(c, secure)} back={c.req.query('zpet')} notice={c.req.query('odhlaseno') ? 'Byli jste odhlášeni.' : undefined} />);
  });

  ws.post('/prihlaseni', async (c) => {
    const form = await c.req.parseBody();
    const email = text(form.email);
    const back = text(form.zpet);
    try {
      const { sessionId: id, user } = await ctx.accounts.signIn(email, text(form.heslo), clientIp(c));
      setSessionCookie(c, id, secure);
      await ctx.audit.record({ kind: 'user', userId: user.id, label: user.email, ip: clientIp(c) }, 'session.signed_in', { target: user.email });
      return c.redirect(back.startsWith('/sprava/') && !back.startsWith('//') ? back : '/sprava', 303);
    } catch (error) {
      if (!(error instanceof AppError) || (error.code !== 'unauthorized' && error.code !== 'rate_limited')) throw error;
      if (error.code === 'rate_limited') c.header('retry-after', String((error.details as { retryAfterSeconds: number }).retryAfterSeconds));
      return c.html(<SignInPage csrf={anonymousFormToken(c, secure)} error={error.userMessage} email={email} back={back || undefined} />, error.code === 'rate_limited' ? 429 : 401);
    }
  });

  ws.post('/odhlaseni', async (c) => {
    const person = c.get('signedIn');
    await ctx.accounts.signOut(sessionId(c));
    if (person) await ctx.audit.record(userActor(person, c), 'session.signed_out', { target: person.user.email });
    clearSessionCookie(c, secure);
    return c.redirect('/sprava/prihlaseni?odhlaseno=1', 303);
  });

  ws.get('/zapomenute-heslo', (c) => c.html(<ResetRequestPage csrf={formToken(c)} />));
  ws.post('/zapomenute-heslo', async (c) => {
    const form = await c.req.parseBody();
    ctx.accounts.requestResetInBackground(text(form.email));
    return c.html(<ResetRequestPage csrf={formToken(c)} sent />);
  });

  ws.get('/odkaz/:token', async (c) => {
    const link = await ctx.accounts.peekLink(c.req.param('token'));
    if (!link) return c.html(<LinkInvalidPage />, 404);
    return c.html(<SetPasswordPage csrf={formToken(c)} token={c.req.param('token')} user={link.user} purpose={link.purpose} />);
  });

  ws.post('/odkaz/:token', async (c) => {
    const token = c.req.param('token');
    const link = await ctx.accounts.peekLink(token);
    if (!link) return c.html(<LinkInvalidPage />, 404);
    const form = await c.req.parseBody();
    const page = (error: string) => c.html(<SetPasswordPage csrf={formToken(c)} token={token} user={link.user} purpose={link.purpose} error={error} />, 422);
    if (text(form.heslo) !== text(form.heslo2)) return page('Hesla se neshodují.');
    try {
      const { sessionId: id, user } = await ctx.accounts.setPasswordWithLink(token, text(form.heslo), clientIp(c));
      setSessionCookie(c, id, secure);
      await ctx.audit.record({ kind: 'user', userId: user.id, label: user.email, ip: clientIp(c) }, 'password.set', { target: user.email, detail: { purpose: link.purpose } });
      return c.redirect('/sprava?hotovo=heslo', 303);
    } catch (error) {
      if (error instanceof AppError && error.code === 'validation_failed') return page(error.userMessage);
      throw error;
    }
  });

  // Everything below needs a signed-in person.
  ws.use('*', async (c, next) => {
    if (c.get('signedIn')) return next();
    if (c.req.method === 'GET') return c.redirect(`/sprava/prihlaseni?zpet=${encodeURIComponent(c.req.path)}`, 303);
    throw new AppError('unauthorized', 'Nejste přihlášeni, nebo vaše přihlášení vypršelo. Přihlaste se prosím znovu.', 'workspace post without session');
  });

  const signedIn = (c: Ctx) => c.get('signedIn')!;

  ws.get('/', async (c) => {
    const person = signedIn(c);
    const organizations = await ctx.accounts.organizationsOf(person);
    if (organizations.length === 1 && !person.user.isPlatformAdmin && !c.req.query('hotovo')) return c.redirect(`/sprava/${organizations[0]!.organization.ico}`, 303);
    return c.html(<ChooseOrganizationPage signedIn={person} organizations={organizations} />);
  });

  // The platform administration.
  const requirePlatformAdmin = async (c: Ctx, next: () => Promise<void>) => {
    if (!signedIn(c).user.isPlatformAdmin) throw new AppError('forbidden', 'Správa platformy je jen pro její správce.', `user ${signedIn(c).user.id} is not a platform admin`);
    await next();
  };
  ws.use('/admin', requirePlatformAdmin);
  ws.use('/admin/*', requirePlatformAdmin);

  const adminPage = async (c: Ctx, extra: { notice?: string; error?: string } = {}, status = 200) =>
    c.html(<AdminPage signedIn={signedIn(c)} organizations={(await ctx.organizations.list({ limit: 5000, offset: 0 })) as Organization[]} users={await ctx.accounts.listUsers()} {...extra} />, status as 200);

  ws.get('/admin', (c) => adminPage(c, { notice: NOTICES[c.req.query('hotovo') ?? ''] }));

  ws.post('/admin/organizace', async (c) => {
    const form = await c.req.parseBody();
    try {
      const organization = await ctx.organizations.create({ ico: text(form.ico), name: text(form.nazev).trim(), kind: text(form.druh) || 'obec', parentIco: text(form.nadrizena).trim() || null });
      await ctx.audit.record(userActor(signedIn(c), c), 'organization.created', { organizationId: organization.id, target: organization.ico, detail: { name: organization.name } });
      return c.redirect('/sprava/admin?hotovo=organizace', 303);
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return adminPage(c, { error: error.userMessage }, error.status);
      throw error;
    }
  });

  ws.post('/admin/uzivatele', async (c) => {
    const form = await c.req.parseBody();
    const person = signedIn(c);
    try {
      const organization = text(form.organizace).trim() ? await ctx.organizations.getByIco(text(form.organizace).trim()) : null;
      if (organization) await ctx.accounts.requireGrant(person, organization, { userId: null, role: text(form.role) || 'editor', includeSubordinates: form.podrizene === '1' });
      const user = await ctx.accounts.createUser({ email: text(form.email), name: text(form.jmeno), isPlatformAdmin: form.spravce_platformy === '1' });
      await ctx.audit.record(userActor(person, c), 'user.created', { organizationId: organization?.id ?? null, target: user.email, detail: { platformAdmin: user.isPlatformAdmin } });
      if (organization) {
        await ctx.accounts.grant(user, organization, text(form.role) || 'editor', form.podrizene === '1');
        await ctx.audit.record(userActor(person, c), 'member.granted', { organizationId: organization.id, target: user.email, detail: { role: text(form.role) || 'editor', subordinates: form.podrizene === '1' } });
      }
      await ctx.accounts.invite(user, person.user.name);
      return c.redirect('/sprava/admin?hotovo=uzivatel', 303);
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return adminPage(c, { error: error.userMessage }, error.status);
      throw error;
    }
  });

  // An organisation's workspace: the person must be allowed to publish for it; some sections need its admin.
  const requireOrganization = async (c: Ctx, next: () => Promise<void>) => {
    const organization = await ctx.organizations.getByIco(c.req.param('ico')!);
    c.set('organization', organization);
    c.set('access', await ctx.accounts.require(signedIn(c), organization, 'publish'));
    if (c.req.method === 'POST' && CARRIES_FILES.test(c.req.path)) {
      return uploadLimit(c, async () => {
        checkCsrf(c, await c.req.parseBody(), signedIn(c));
        await next();
      });
    }
    await next();
  };
  ws.use('/:ico', requireOrganization);
  ws.use('/:ico/*', requireOrganization);
  const requireAdmin = async (c: Ctx, next: () => Promise<void>) => {
    if (!mayAdminister(c.get('access'))) throw new AppError('forbidden', 'Tuto část spravuje jen správce organizace.', `user ${signedIn(c).user.id} is not admin of ${c.get('organization').ico}`);
    await next();
  };
  for (const section of ['uzivatele', 'tokeny', 'sklizen', 'audit', 'nastaveni']) {
    ws.use(`/:ico/${section}`, requireAdmin);
    ws.use(`/:ico/${section}/*`, requireAdmin);
  }

  const frame = (c: Ctx) => ({ signedIn: signedIn(c), organization: c.get('organization'), access: c.get('access') });
  const actor = (c: Ctx) => userActor(signedIn(c), c);
  const orgPath = (c: Ctx, rest = '') => `/sprava/${c.get('organization').ico}${rest}`;

  ws.get('/:ico', async (c) => c.html(<WorkspaceHomePage {...frame(c)} attention={await ctx.workspace.attention(c.get('organization'))} notice={NOTICES[c.req.query('hotovo') ?? '']} />));

  ws.get('/:ico/nahrat', (c) => c.html(<UploadPage {...frame(c)} />));
  ws.post('/:ico/nahrat', async (c) => {
    const form = await c.req.parseBody();
    const file = form.soubor;
    if (!(file instanceof File) || file.size === 0) return c.html(<UploadPage {...frame(c)} error="Vyberte prosím soubor k nahrání." />, 400);
    try {
      const jobId = await ctx.workspace.startUpload(actor(c), c.get('organization'), { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
      return c.redirect(orgPath(c, `/importy/${jobId}`), 303);
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return c.html(<UploadPage {...frame(c)} error={error.userMessage} />, error.status as 400);
      throw error;
    }
  });

  const jobId = (c: Ctx) => {
    const id = Number(c.req.param('id'));
    if (!Number.isSafeInteger(id) || id <= 0) throw new AppError('not_found', 'Takový import neexistuje.', `bad job id ${c.req.param('id')}`);
    return id;
  };
  ws.get('/:ico/importy/:id', async (c) => {
    const found = await ctx.workspace.job(c.get('organization'), jobId(c));
    return c.html(<JobPage {...frame(c)} job={found.job} report={found.report} hasRejectedFile={found.rejectedCsv !== null} />);
  });
  ws.get('/:ico/importy/:id/odmitnute.csv', async (c) => {
    const found = await ctx.workspace.job(c.get('organization'), jobId(c));
    if (found.rejectedCsv === null) throw new AppError('not_found', 'Tento import žádné řádky neodmítl.', 'no rejected rows');
    return c.body(found.rejectedCsv, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="odmitnute-radky-${found.job.id}.csv"` });
  });

  ws.get('/:ico/zaznamy', async (c) => {
    const page = await ctx.register.list({ organizationIds: [c.get('organization').id], includeWithdrawn: true }, { cursor: c.req.query('cursor'), limit: 50 });
    return c.html(<RecordsPage {...frame(c)} items={page.items} nextCursor={page.nextCursor} />);
  });

  const formPage = (c: Ctx, props: { type: RecordType; values: Record<string, string>; slots?: FormSlots; issues?: ValidationIssue[]; correcting?: string; draftId?: number; note?: string; notice?: string; hidden?: HiddenField[]; preview?: Parameters<typeof FormPage>[0]['preview'] }, status = 200) =>
    c.html(<FormPage {...frame(c)} slots={props.slots ?? slotsFor(props.values)} issues={props.issues ?? []} {...props} />, status as 200);

  ws.get('/:ico/novy/:type', (c) => formPage(c, { type: recordType(c.req.param('type')), values: {} }));

  ws.get('/:ico/koncepty/:id', async (c) => {
    const draft = await ctx.drafts.get(c.get('organization'), Number(c.req.param('id')) || 0);
    if (draft.publishedAt) return c.redirect(`/organizace/${c.get('organization').ico}/zaznam/${encodeURIComponent(draft.recordKey!)}`, 303);
    return formPage(c, { type: draft.type, values: draft.fields, draftId: draft.id, notice: NOTICES[c.req.query('hotovo') ?? ''] });
  });

  ws.get('/:ico/koncepty/:id/zahodit', async (c) => {
    const draft = await ctx.drafts.get(c.get('organization'), Number(c.req.param('id')) || 0);
    if (draft.publishedAt) return c.redirect(orgPath(c, `/koncepty/${draft.id}`), 303);
    return c.html(<DiscardDraftPage {...frame(c)} draft={draft} />);
  });
  ws.post('/:ico/koncepty/:id/zahodit', async (c) => {
    await ctx.workspace.discardDraft(actor(c), c.get('organization'), Number(c.req.param('id')) || 0);
    return c.redirect(orgPath(c, '?hotovo=zahozeno'), 303);
  });

  ws.get('/:ico/zaznam/:id/opravit', async (c) => {
    const detail = await ctx.register.detail(c.get('organization'), c.req.param('id'));
    if (detail.status === 'withdrawn') throw new AppError('conflict', 'Znepřístupněný záznam nelze opravit.', 'correcting a withdrawn record');
    return formPage(c, { type: detail.type, values: formFromRecord(detail.current.content), correcting: detail.id, hidden: hiddenFields(detail.current.redactedPaths, []) });
  });

  ws.post('/:ico/formular/:type', async (c) => {
    const organization = c.get('organization');
    const type = recordType(c.req.param('type'));
    const form = await c.req.parseBody();
    const values = normalizedValues(type, form);
    const correcting = text(form._oprava) || undefined;
    const draftId = text(form._koncept) ? Number(text(form._koncept)) : undefined;
    const note = text(form._poznamka) || undefined;
    const action = text(form._akce) || 'nahled';
    // Hidden values (birth numbers) the clerk chose to remove with this correction: one checkbox each.
    const dropHidden = Object.keys(form).filter((name) => name.startsWith(DROP_HIDDEN) && text(form[name]) !== '').map((name) => name.slice(DROP_HIDDEN.length));
    const corrected = correcting ? await ctx.register.detail(organization, correcting) : null;
    const hidden = corrected ? hiddenFields(corrected.current.redactedPaths, dropHidden) : undefined;
    const extra: Partial<FormSlots> = {};
    const notices: string[] = [];
    let issues: ValidationIssue[] = [];

    const file = form._priloha;
    if (file instanceof File && file.size > 0) {
      try {
        const stored = await ctx.workspace.storeAttachment(actor(c), organization, file.name, new Uint8Array(await file.arrayBuffer()));
        const slot = nextAttachmentSlot(values);
        values[`prilohy.${slot}.nazev`] = stored.name;
        values[`prilohy.${slot}.typMedia`] = stored.mediaType.split(';')[0]!;
        values[`prilohy.${slot}.sha256`] = stored.sha256;
        values[`prilohy.${slot}.url`] = `${ctx.config.baseUrl}/prilohy/${stored.sha256}`;
        notices.push(`Příloha „${stored.name}“ je nahrána (${stored.mediaType.split(';')[0]}).`);
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        issues.push({ severity: 'error', path: '', code: 'invalid_value', message: `Příloha nebyla přijata: ${error.userMessage}` });
        return formPage(c, { type, values, issues, correcting, draftId, note, hidden }, 422);
      }
    } else if (action === 'priloha') {
      notices.push('Vyberte soubor přílohy a stiskněte Nahrát přílohu.');
    }

    const lookup = /^doplnit-(\d+)$/.exec(action);
    if (lookup) {
      const slot = Number(lookup[1]);
      const ico = values[`strany.${slot}.ico`] ?? '';
      const party = ico ? await ctx.workspace.partyByIco(ico) : null;
      if (party) {
        values[`strany.${slot}.ico`] = party.ico;
        values[`strany.${slot}.nazev`] = party.name;
        notices.push(`Strana ${slot}: doplněn název „${party.name}“ podle IČO ${party.ico}.`);
      } else {
        notices.push(ico ? `IČO ${ico} mezi známými organizacemi ani dřívějšími smluvními stranami není; vyplňte název ručně.` : `Nejdřív vyplňte IČO strany ${slot}.`);
      }
    }
    if (action === 'pridat-stranu') extra.strany = 1;

    if (action === 'koncept' && !correcting) {
      const id = await ctx.workspace.saveDraft(actor(c) as never, organization, type, values, draftId);
      return c.redirect(orgPath(c, `/koncepty/${id}?hotovo=koncept`), 303);
    }

    if (action === 'zverejnit') {
      const result = await ctx.workspace.publishForm(actor(c), organization, type, values, { note, draftId, correcting, dropHidden });
      if (result.ok) {
        const code = result.outcome.status === 'unchanged' ? 'nezmeneno' : correcting ? 'opraveno' : 'zverejneno';
        return c.redirect(orgPath(c, `/zaznam/${encodeURIComponent(result.key)}/hotovo?hotovo=${code}`), 303);
      }
      issues = result.issues;
      return formPage(c, { type, values, issues, correcting, draftId, note, hidden, notice: notices.join(' ') || undefined }, 422);
    }

    let preview: Parameters<typeof FormPage>[0]['preview'];
    if (action === 'nahled') {
      // As published: with the hidden values put back (the preview shows the public content, without them).
      const previewValues = corrected ? restoreHiddenValues(values, (await ctx.register.hiddenValues(organization, corrected.id)).filter((h) => !dropHidden.includes(h.path)), corrected.current.content) : values;
      const built = previewDetail(organization, type, previewValues, corrected?.current.versionNo ?? 0);
      if ('issues' in built) issues = built.issues;
      else {
        preview = { detail: built.detail, flags: await ctx.register.redFlags(built.detail) };
        issues = built.detail.current.warnings;
      }
    }
    return formPage(c, { type, values, slots: slotsFor(values, extra), issues, correcting, draftId, note, hidden, notice: notices.join(' ') || undefined, preview });
  });

  // The form's check while it is filled in (the optional script): the standard's rules and messages, by input.
  ws.post('/:ico/kontrola/:type', async (c) => {
    const type = recordType(c.req.param('type'));
    const values = normalizedValues(type, await c.req.parseBody());
    const result = validateRecord(recordFromForm(type, values), { defaultType: type });
    const issues = result.ok ? result.value.warnings : result.errors;
    const byInput = issuesByInput(issues, formFields(type, slotsFor(values, { prilohy: 1 })));
    return c.json({ issues: [...byInput].flatMap(([name, found]) => found.map((i) => ({ name, severity: i.severity, message: i.message }))) });
  });

  ws.get('/:ico/zaznam/:id/hotovo', async (c) => {
    const detail = await ctx.register.detail(c.get('organization'), c.req.param('id'));
    const page = await ctx.register.list({ organizationIds: [c.get('organization').id], includeWithdrawn: true }, { limit: 50 });
    const message = NOTICES[c.req.query('hotovo') ?? ''];
    return c.html(<RecordsPage {...frame(c)} items={page.items} nextCursor={page.nextCursor} notice={message ? { message, detail } : undefined} />);
  });

  ws.get('/:ico/zaznam/:id/znepristupnit', async (c) => c.html(<WithdrawPage {...frame(c)} detail={await ctx.register.detail(c.get('organization'), c.req.param('id'))} />));
  ws.post('/:ico/zaznam/:id/znepristupnit', async (c) => {
    const form = await c.req.parseBody();
    const organization = c.get('organization');
    try {
      await ctx.workspace.withdraw(actor(c), organization, c.req.param('id'), text(form.duvod), text(form.poznamka));
    } catch (error) {
      if (error instanceof AppError && (error.code === 'validation_failed' || error.code === 'conflict')) {
        return c.html(<WithdrawPage {...frame(c)} detail={await ctx.register.detail(organization, c.req.param('id'))} error={error.userMessage} />, error.status as 422);
      }
      throw error;
    }
    return c.redirect(orgPath(c, `/zaznam/${encodeURIComponent(c.req.param('id'))}/hotovo?hotovo=znepristupneno`), 303);
  });

  // An attachment before its record is published: only for the organisation that uploaded it.
  ws.get('/:ico/prilohy/:sha256', async (c) => {
    const found = await ctx.attachments.owned(c.get('organization'), c.req.param('sha256'));
    if (!found) throw new AppError('not_found', 'Taková příloha neexistuje.', 'attachment not found for organization');
    return serveStoredFile(c, found.path, found.mediaType, found.name);
  });

  // Organisation administration.
  const membersPage = async (c: Ctx, extra: { notice?: string; error?: string } = {}, status = 200) =>
    c.html(<MembersPage {...frame(c)} members={await ctx.accounts.members(c.get('organization'))} {...extra} />, status as 200);
  ws.get('/:ico/uzivatele', (c) => membersPage(c, { notice: NOTICES[c.req.query('hotovo') ?? ''] }));
  ws.post('/:ico/uzivatele', async (c) => {
    const form = await c.req.parseBody();
    const organization = c.get('organization');
    try {
      await ctx.workspace.addMember(actor(c), { kind: 'person', signedIn: signedIn(c) }, organization, { email: text(form.email), name: text(form.jmeno), role: text(form.role) || 'editor', includeSubordinates: form.podrizene === '1' });
      return c.redirect(orgPath(c, '/uzivatele?hotovo=uzivatel'), 303);
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return membersPage(c, { error: error.userMessage }, error.status);
      throw error;
    }
  });
  ws.post('/:ico/uzivatele/:userId/odebrat', async (c) => {
    try {
      await ctx.workspace.removeMember(actor(c), c.get('organization'), Number(c.req.param('userId')));
    } catch (error) {
      // The last administrator: the page explains what to do first. Other refusals keep their own error page.
      if (error instanceof AppError && error.code === 'conflict') return membersPage(c, { error: error.userMessage }, error.status);
      throw error;
    }
    return c.redirect(orgPath(c, '/uzivatele?hotovo=odebrano'), 303);
  });

  const tokensPage = async (c: Ctx, extra: { newToken?: string; notice?: string } = {}) => c.html(<TokensPage {...frame(c)} tokens={await ctx.tokens.list(c.get('organization'))} {...extra} />);
  ws.get('/:ico/tokeny', (c) => tokensPage(c, { notice: NOTICES[c.req.query('hotovo') ?? ''] }));
  ws.post('/:ico/tokeny', async (c) => {
    const form = await c.req.parseBody();
    const organization = c.get('organization');
    const mayManageMembers = form.uzivatele === '1';
    const created = await ctx.tokens.create(organization, text(form.nazev), { mayManageMembers });
    await ctx.audit.record(actor(c), 'token.created', { organizationId: organization.id, target: `token ${created.id}`, detail: { label: text(form.nazev).trim(), mayManageMembers } });
    // The token is shown once, in the answer to this post, and never stored in the clear.
    return tokensPage(c, { newToken: created.token });
  });
  ws.post('/:ico/tokeny/:id/zrusit', async (c) => {
    const organization = c.get('organization');
    const id = Number(c.req.param('id'));
    const token = (await ctx.tokens.list(organization)).find((t) => t.id === id);
    if (!token) throw new AppError('not_found', 'Takový token organizace nemá.', `token ${id} not of ${organization.ico}`);
    await ctx.tokens.revoke(id);
    await ctx.audit.record(actor(c), 'token.revoked', { organizationId: organization.id, target: `token ${id}`, detail: { label: token.label } });
    return c.redirect(orgPath(c, '/tokeny?hotovo=token'), 303);
  });

  const harvestPage = async (c: Ctx, extra: { notice?: string; error?: string } = {}, status = 200) =>
    c.html(<HarvestPage {...frame(c)} sources={await ctx.harvest.listSources(c.get('organization'), { includeInactive: true })} {...extra} />, status as 200);
  ws.get('/:ico/sklizen', (c) => harvestPage(c, { notice: NOTICES[c.req.query('hotovo') ?? ''] }));
  ws.post('/:ico/sklizen', async (c) => {
    const form = await c.req.parseBody();
    const organization = c.get('organization');
    try {
      const source = await ctx.harvest.addSource(organization, text(form.url), text(form.typ) || null);
      await ctx.audit.record(actor(c), 'harvest.added', { organizationId: organization.id, target: source.url });
      return c.redirect(orgPath(c, '/sklizen?hotovo=sklizen'), 303);
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return harvestPage(c, { error: error.userMessage }, error.status);
      throw error;
    }
  });
  ws.post('/:ico/sklizen/:id/vypnout', async (c) => {
    const organization = c.get('organization');
    await ctx.harvest.removeSource(organization, Number(c.req.param('id')));
    await ctx.audit.record(actor(c), 'harvest.removed', { organizationId: organization.id, target: `zdroj ${c.req.param('id')}` });
    return c.redirect(orgPath(c, '/sklizen?hotovo=vypnuto'), 303);
  });

  ws.get('/:ico/nastaveni', (c) => c.html(<SettingsPage {...frame(c)} notice={NOTICES[c.req.query('hotovo') ?? '']} />));
  ws.post('/:ico/nastaveni', async (c) => {
    const form = await c.req.parseBody();
    const organization = c.get('organization');
    const population = text(form.obyvatele).replace(/\s/g, '');
    try {
      if (population && !/^\d{1,9}$/.test(population)) throw new AppError('validation_failed', 'Počet obyvatel musí být celé číslo.', 'population not a number');
      const { organization: updated, changed } = await ctx.organizations.updateSettings(organization, {
        name: text(form.nazev),
        kind: text(form.druh),
        ruianCode: text(form.ruian).trim() || null,
        dataBox: text(form.datovaSchranka).trim() || null,
        population: population ? Number(population) : null,
      });
      if (changed) await ctx.audit.record(actor(c), 'organization.updated', { organizationId: organization.id, target: organization.ico, detail: { name: updated.name, ruianCode: updated.ruianCode, dataBox: updated.dataBox, population: updated.population } });
      return c.redirect(orgPath(c, '/nastaveni?hotovo=nastaveni'), 303);
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return c.html(<SettingsPage {...frame(c)} error={error.userMessage} />, error.status as 422);
      throw error;
    }
  });

  ws.get('/:ico/audit', async (c) => {
    const before = Number(c.req.query('pred'));
    const page = await ctx.audit.list(c.get('organization').id, { limit: 100, beforeId: Number.isSafeInteger(before) && before > 0 ? before : undefined });
    return c.html(<AuditPage {...frame(c)} entries={page.items} nextBefore={page.nextBefore} />);
  });

  return ws;
}
