/** Accounts: roles, what each role may do, passwords and the sign-in throttle. Pure. */

export const ROLES = ['admin', 'editor'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role | 'platform_admin', string> = {
  platform_admin: 'správce platformy',
  admin: 'správce organizace',
  editor: 'editor',
};

export interface Membership {
  organizationId: number;
  role: Role;
  includeSubordinates: boolean;
}

export interface AccessSubject {
  isPlatformAdmin: boolean;
  memberships: readonly Membership[];
}

export type Access = 'platform_admin' | Role;

/**
 * The role a person has for an organisation, given the organisation and its superiors (nearest first).
 * A role on the organisation itself always counts; a role on a superior counts where it was granted
 * for subordinate organisations too. The strongest role wins.
 */
export function accessTo(subject: AccessSubject, organizationChain: readonly number[]): Access | null {
  if (subject.isPlatformAdmin) return 'platform_admin';
  let best: Access | null = null;
  organizationChain.forEach((organizationId, depth) => {
    for (const m of subject.memberships) {
      if (m.organizationId !== organizationId || (depth > 0 && !m.includeSubordinates)) continue;
      if (m.role === 'admin') best = 'admin';
      else if (best === null) best = 'editor';
    }
  });
  return best;
}

/**
 * Whether a person may grant a role that reaches the organisation's subordinates: only a platform admin, or an
 * admin whose own role already reaches them (on this organisation or a superior, granted with subordinates).
 */
export function mayGrantSubordinates(subject: AccessSubject, organizationChain: readonly number[]): boolean {
  if (subject.isPlatformAdmin) return true;
  return subject.memberships.some((m) => m.role === 'admin' && m.includeSubordinates && organizationChain.includes(m.organizationId));
}

/**
 * Whether giving `userId` the role `newRole` (null: taking the role away) would leave the organisation without an
 * administrator of its own: then nobody but a platform admin or a superior's admin could manage its people and tokens.
 */
export function leavesWithoutAdmin(members: ReadonlyArray<{ id: number; role: string }>, userId: number, newRole: Role | null): boolean {
  if (newRole === 'admin') return false;
  const admins = members.filter((member) => member.role === 'admin');
  return admins.length === 1 && admins[0]!.id === userId;
}

export function mayPublish(access: Access | null): boolean {
  return access !== null;
}

/** Users, tokens, harvest URLs, settings and the audit log of an organisation. */
export function mayAdminister(access: Access | null): boolean {
  return access === 'admin' || access === 'platform_admin';
}

export const MIN_PASSWORD_LENGTH = 10;

/** Czech reasons why a password is not acceptable; empty when it is. */
export function passwordProblems(password: string, email: string): string[] {
  const problems: string[] = [];
  if ([...password].length < MIN_PASSWORD_LENGTH) problems.push(`Heslo musí mít alespoň ${MIN_PASSWORD_LENGTH} znaků.`);
  if ([...password].length > 200) problems.push('Heslo smí mít nejvýše 200 znaků.');
  const lower = password.toLowerCase();
  if (lower === email.toLowerCase() || lower === email.split('@')[0]!.toLowerCase()) problems.push('Heslo nesmí být stejné jako e-mail.');
  if (new Set(password).size < 4) problems.push('Heslo je příliš jednoduché (málo různých znaků).');
  return problems;
}

export function normalizeEmail(raw: string): string | null {
  const email = raw.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) && email.length <= 254 ? email : null;
}

/**
 * Failed sign-ins per key (an e-mail, an address) in a sliding window. Once a key has `limit` failures within
 * the window, further attempts are refused until the oldest failure leaves it, whether the password is right or not.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 5,
    private readonly windowMs = 60_000,
  ) {}

  /** Seconds to wait before the next attempt for any of the keys; 0 when one may try now. */
  retryAfterSeconds(keys: readonly string[], nowMs: number): number {
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key, nowMs);
      if (recent.length >= this.limit) wait = Math.max(wait, Math.ceil((recent[recent.length - this.limit]! + this.windowMs - nowMs) / 1000));
    }
    return wait;
  }

  fail(keys: readonly string[], nowMs: number): void {
    for (const key of keys) {
      const recent = this.recent(key, nowMs);
      recent.push(nowMs);
      this.failures.set(key, recent);
    }
    if (this.failures.size > 10_000) for (const [key] of this.failures) if (this.recent(key, nowMs).length === 0) this.failures.delete(key);
  }

  succeed(keys: readonly string[]): void {
    for (const key of keys) this.failures.delete(key);
  }

  private recent(key: string, nowMs: number): number[] {
    return (this.failures.get(key) ?? []).filter((at) => nowMs - at < this.windowMs);
  }
}
