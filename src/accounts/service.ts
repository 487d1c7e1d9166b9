/**
 * People of the workspace: accounts, roles per organisation, sessions, one-time links and password resets.
 * Secrets (session ids, link tokens) are random and stored only as SHA-256; passwords as scrypt hashes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../errors.ts';
import { nowUtc } from '../shared/dates.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Organization, OrganizationService } from '../organizations/service.ts';
import type { AccountRepository } from './repository.ts';
import { hashPassword, verifyPassword, DUMMY_HASH } from './passwords.ts';
import { accessTo, leavesWithoutAdmin, mayAdminister, mayGrantSubordinates, mayPublish, normalizeEmail, passwordProblems, SignInThrottle, type Access, type Membership, type Role, ROLES, ROLE_LABELS } from './rules.ts';
import type { Logger } from '../shared/log.ts';

export interface User {
  id: number;
  email: string;
  name: string;
  isPlatformAdmin: boolean;
}

export interface SignedIn {
  user: User;
  csrfToken: string;
  memberships: Membership[];
}

export type LinkPurpose = 'sign_in' | 'reset';

const SESSION_HOURS = 12;
/** How deep a chain of superior organisations is followed. */
const MAX_DEPTH = 10;
const LINK_HOURS: Record<LinkPurpose, number> = { sign_in: 72, reset: 1 };

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const secret = () => randomBytes(32).toString('base64url');
const hoursFrom = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();

export class AccountService {
  private readonly throttle = new SignInThrottle(5, 60_000);
  private readonly ipThrottle = new SignInThrottle(20, 60_000);
  /** Reset links per address and hour, so that nobody can flood a mailbox through the form. */
  private readonly resetThrottle = new SignInThrottle(3, 3600_000);

  constructor(
    private readonly repository: AccountRepository,
    private readonly organizations: OrganizationService,
    private readonly mailer: Mailer,
    private readonly baseUrl: string,
    private readonly logger: Logger,
  ) {}

  async createUser(input: { email: string; name: string; isPlatformAdmin?: boolean }): Promise<User> {
    const email = normalizeEmail(input.email);
    if (!email) throw new AppError('validation_failed', 'Zadejte platnou e-mailovou adresu.', `invalid e-mail ${input.email}`);
    if (await this.repository.findUserByEmail(email)) throw new AppError('conflict', `Uživatel s e-mailem ${email} už existuje.`, `user ${email} exists`);
    const name = input.name.trim() || email;
    const id = await this.repository.insertUser({ email, name, isPlatformAdmin: input.isPlatformAdmin ?? false, now: nowUtc() });
    return { id, email, name, isPlatformAdmin: input.isPlatformAdmin ?? false };
  }

  async findByEmail(rawEmail: string): Promise<User | undefined> {
    const email = normalizeEmail(rawEmail);
    const row = email ? await this.repository.findUserByEmail(email) : undefined;
    return row ? { id: row.id, email: row.email, name: row.name, isPlatformAdmin: row.is_platform_admin === 1 } : undefined;
  }

  /** Throws unless `role` is one an organisation's member can have. */
  requireRole(role: string): asserts role is Role {
    if (!(ROLES as readonly string[]).includes(role)) throw new AppError('validation_failed', 'Role musí být správce organizace nebo editor.', `unknown role ${role}`);
  }

  async grant(user: User, organization: Organization, role: string, includeSubordinates: boolean): Promise<void> {
    this.requireRole(role);
    await this.repository.upsertMembership({ userId: user.id, organizationId: organization.id, role, includeSubordinates, now: nowUtc() });
  }

  /**
   * Gives `user` the role (or, with null, takes their role away), unless the organisation would be left without an
   * administrator of its own: then it answers conflict and changes nothing. Checked and changed while the
   * organisation's roles are held, so that two such changes at once cannot both pass.
   */
  async changeRoleKeepingAdmin(organization: Organization, userId: number, change: { role: Role; includeSubordinates: boolean } | null): Promise<void> {
    await this.repository.withMembershipsHeld(organization.id, async (repository) => {
      if (leavesWithoutAdmin(await repository.membersOf(organization.id), userId, change?.role ?? null)) {
        throw new AppError('conflict', 'Organizace musí mít alespoň jednoho správce. Nejdřív přidělte roli správce organizace někomu dalšímu.', `last admin of ${organization.ico} kept`);
      }
      if (change) await repository.upsertMembership({ userId, organizationId: organization.id, role: change.role, includeSubordinates: change.includeSubordinates, now: nowUtc() });
      else if (!(await repository.deleteMembership(userId, organization.id))) throw new AppError('not_found', 'Tento uživatel v organizaci žádnou roli nemá.', `user ${userId} has no role in ${organization.ico}`);
    });
  }

  async members(organization: Organization) {
    const rows = await this.repository.membersOf(organization.id);
    return rows.map((row) => ({
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role as Role,
      roleLabel: ROLE_LABELS[row.role as Role] ?? row.role,
      includeSubordinates: row.include_subordinates === 1,
      hasPassword: row.password_hash !== null,
    }));
  }

  listUsers() {
    return this.repository.listUsers();
  }

  /** A one-time link (first sign-in or password reset); the raw token exists only in the returned URL. */
  async issueLink(user: User, purpose: LinkPurpose): Promise<string> {
    const token = secret();
    await this.repository.insertLink({ tokenHash: sha256(token), userId: user.id, purpose, now: nowUtc(), expiresAt: hoursFrom(LINK_HOURS[purpose]) });
    return `${this.baseUrl}/sprava/odkaz/${token}`;
  }

  /** Sends the first sign-in link to a new person. */
  async invite(user: User, invitedBy: string): Promise<string> {
    const link = await this.issueLink(user, 'sign_in');
    await this.mailer.send({
      to: user.email,
      subject: 'Otevřená města: přístup do správy',
      text: `Dobrý den,\n\n${invitedBy} vám zřídil(a) přístup do správy portálu Otevřená města.\nHeslo si nastavíte na této adrese (platí ${LINK_HOURS.sign_in} hodin a jen jednou):\n\n${link}\n\nPokud jste o přístup nežádali, zprávu můžete smazat.\n`,
    });
    return link;
  }

  /**
   * Sends a reset link when the address has an account. The caller answers the same either way and does not wait
   * for this, so neither the answer nor its timing tells whether an account exists.
   */
  requestResetInBackground(rawEmail: string): void {
    this.requestReset(rawEmail).catch((error: unknown) => this.logger.error('password reset mail failed', { error: (error as Error).message }));
  }

  async requestReset(rawEmail: string): Promise<void> {
    const user = await this.findByEmail(rawEmail);
    if (!user) return;
    const key = [`reset:${user.email}`];
    if (this.resetThrottle.retryAfterSeconds(key, Date.now()) > 0) {
      this.logger.warn('password reset throttled', { email: user.email });
      return;
    }
    this.resetThrottle.fail(key, Date.now());
    const link = await this.issueLink(user, 'reset');
    await this.mailer.send({
      to: user.email,
      subject: 'Otevřená města: obnovení hesla',
      text: `Dobrý den,\n\nnové heslo do správy portálu Otevřená města nastavíte na této adrese (platí ${LINK_HOURS.reset} hodinu a jen jednou):\n\n${link}\n\nPokud jste o obnovení nežádali, zprávu můžete smazat; heslo zůstává beze změny.\n`,
    });
  }

  /** Who a one-time link belongs to, without using it up; undefined when unknown, used or expired. */
  async peekLink(token: string): Promise<{ user: User; purpose: LinkPurpose } | undefined> {
    const row = await this.repository.validLink(sha256(token), nowUtc());
    return row ? { user: { id: row.user_id, email: row.email, name: row.name, isPlatformAdmin: false }, purpose: row.purpose as LinkPurpose } : undefined;
  }

  /** Uses a one-time link to set a password; ends every other session of the person and starts a new one. */
  async setPasswordWithLink(token: string, password: string, ip: string | null): Promise<{ sessionId: string; user: User }> {
    const link = await this.peekLink(token);
    if (!link) throw new AppError('not_found', 'Odkaz je neplatný, už byl použit, nebo mu vypršela platnost. Požádejte o nový.', 'one-time link invalid');
    const problems = passwordProblems(password, link.user.email);
    if (problems.length > 0) throw new AppError('validation_failed', problems.join(' '), 'password rejected by policy', problems);
    if (!(await this.repository.useLink(sha256(token), nowUtc()))) throw new AppError('not_found', 'Odkaz už byl použit.', 'one-time link used concurrently');
    await this.repository.setPasswordHash(link.user.id, await hashPassword(password));
    await this.repository.useAllLinksOf(link.user.id, nowUtc());
    await this.repository.endSessionsOf(link.user.id, nowUtc());
    return { sessionId: await this.startSession(link.user.id, ip), user: link.user };
  }

  /**
   * Checks e-mail and password. After five failures within a minute for the same e-mail (or twenty from the same
   * address) further attempts are refused for the rest of that minute, right password or not.
   */
  async signIn(rawEmail: string, password: string, ip: string | null): Promise<{ sessionId: string; user: User }> {
    const email = normalizeEmail(rawEmail) ?? rawEmail.trim().toLowerCase().slice(0, 254);
    const keys = [`email:${email}`];
    const now = Date.now();
    const wait = Math.max(this.throttle.retryAfterSeconds(keys, now), ip ? this.ipThrottle.retryAfterSeconds([`ip:${ip}`], now) : 0);
    if (wait > 0) throw new AppError('rate_limited', `Příliš mnoho neúspěšných pokusů o přihlášení. Zkuste to znovu za ${wait} s.`, `sign-in throttled for ${email}`, { retryAfterSeconds: wait });
    const row = await this.repository.findUserByEmail(email);
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
    if (!row || !ok || row.password_hash === null || row.disabled_at !== null) {
      this.throttle.fail(keys, now);
      if (ip) this.ipThrottle.fail([`ip:${ip}`], now);
      throw new AppError('unauthorized', 'E-mail nebo heslo nesouhlasí.', `failed sign-in for ${email}`);
    }
    this.throttle.succeed(keys);
    return { sessionId: await this.startSession(row.id, ip), user: { id: row.id, email: row.email, name: row.name, isPlatformAdmin: row.is_platform_admin === 1 } };
  }

  private async startSession(userId: number, ip: string | null): Promise<string> {
    const sessionId = secret();
    await this.repository.insertSession({ idHash: sha256(sessionId), userId, csrfToken: secret(), now: nowUtc(), expiresAt: hoursFrom(SESSION_HOURS), ip });
    return sessionId;
  }

  async session(sessionId: string | undefined): Promise<SignedIn | undefined> {
    if (!sessionId) return undefined;
    const row = await this.repository.activeSession(sha256(sessionId), nowUtc());
    if (!row) return undefined;
    const memberships = (await this.repository.membershipsOf(row.user_id)).map((m) => ({ organizationId: m.organization_id, role: m.role as Role, includeSubordinates: m.include_subordinates === 1 }));
    return { user: { id: row.user_id, email: row.email, name: row.name, isPlatformAdmin: row.is_platform_admin === 1 }, csrfToken: row.csrf_token, memberships };
  }

  async signOut(sessionId: string | undefined): Promise<void> {
    if (sessionId) await this.repository.endSession(sha256(sessionId), nowUtc());
  }

  /** The organisation and its superiors, nearest first. */
  private async chainOf(organization: Organization): Promise<number[]> {
    const chain = [organization.id];
    let parentId = organization.parentId;
    while (parentId !== null && chain.length < MAX_DEPTH && !chain.includes(parentId)) {
      chain.push(parentId);
      parentId = (await this.organizations.findById(parentId))?.parentId ?? null;
    }
    return chain;
  }

  /** The person's role for the organisation, through the organisation itself or a superior. */
  async access(signedIn: SignedIn, organization: Organization): Promise<Access | null> {
    return accessTo({ isPlatformAdmin: signedIn.user.isPlatformAdmin, memberships: signedIn.memberships }, await this.chainOf(organization));
  }

  /**
   * Checks that a person may give someone a role in the organisation: not to themselves, and reaching subordinate
   * organisations only when their own role reaches them.
   */
  async requireGrant(signedIn: SignedIn, organization: Organization, target: { userId: number | null; role: string; includeSubordinates: boolean }): Promise<void> {
    this.requireRole(target.role);
    if (target.userId === signedIn.user.id && !signedIn.user.isPlatformAdmin) {
      throw new AppError('forbidden', 'Svou vlastní roli měnit nemůžete; požádejte jiného správce.', `user ${signedIn.user.id} changing own role in ${organization.ico}`);
    }
    if (target.includeSubordinates && !mayGrantSubordinates({ isPlatformAdmin: signedIn.user.isPlatformAdmin, memberships: signedIn.memberships }, await this.chainOf(organization))) {
      throw new AppError('forbidden', 'Roli i pro podřízené organizace může přidělit jen ten, jehož role je sama zahrnuje.', `user ${signedIn.user.id} may not grant subordinates in ${organization.ico}`);
    }
  }

  /** Throws forbidden unless the person may publish (or, with `admin`, administer) for the organisation. */
  async require(signedIn: SignedIn, organization: Organization, level: 'publish' | 'admin'): Promise<Access> {
    const access = await this.access(signedIn, organization);
    const allowed = level === 'admin' ? mayAdminister(access) : mayPublish(access);
    if (!allowed || !access) {
      throw new AppError('forbidden', 'K této organizaci nemáte oprávnění.', `user ${signedIn.user.id} lacks ${level} access to ${organization.ico}`);
    }
    return access;
  }

  /** The organisations a person works for: those with a role, and their subordinates where granted. */
  async organizationsOf(signedIn: SignedIn): Promise<Array<{ organization: Organization; access: Access }>> {
    const out: Array<{ organization: Organization; access: Access }> = [];
    const seen = new Set<number>();
    for (const m of signedIn.memberships) {
      const organization = await this.organizations.findById(m.organizationId);
      if (!organization || seen.has(organization.id)) continue;
      seen.add(organization.id);
      out.push({ organization, access: m.role });
      // Subordinates at every depth, as access() reaches them.
      let level = m.includeSubordinates ? [organization] : [];
      for (let depth = 1; depth < MAX_DEPTH && level.length > 0; depth++) {
        const next: Organization[] = [];
        for (const parent of level) {
          for (const child of await this.organizations.children(parent)) {
            if (seen.has(child.id)) continue;
            seen.add(child.id);
            out.push({ organization: child, access: m.role });
            next.push(child);
          }
        }
        level = next;
      }
    }
    return out.sort((a, b) => a.organization.name.localeCompare(b.organization.name, 'cs'));
  }
}
