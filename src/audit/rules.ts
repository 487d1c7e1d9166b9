/** Who does something: a signed-in person, an organisation's API token, or the command line. Pure. */

export type Actor =
  | { kind: 'user'; userId: number; label: string; ip: string | null }
  | { kind: 'token'; tokenId: number; organizationId: number; label: string; ip: string | null }
  | { kind: 'cli'; label: string };

/** How the register names the source of a version the actor published. */
export function sourceOf(actor: Actor): string {
  if (actor.kind === 'user') return `web:user-${actor.userId}`;
  if (actor.kind === 'token') return `api:token-${actor.tokenId}`;
  return 'cli';
}

export const AUDIT_ACTIONS = {
  'record.published': 'zveřejnění záznamu',
  'record.corrected': 'oprava záznamu',
  'record.withdrawn': 'znepřístupnění záznamu',
  'records.published': 'zveřejnění souboru',
  'import.started': 'nahrání souboru',
  'draft.saved': 'uložení konceptu',
  'draft.discarded': 'zahození konceptu',
  'attachment.stored': 'nahrání přílohy',
  'organization.created': 'založení organizace',
  'organization.updated': 'změna údajů organizace',
  'user.created': 'založení uživatele',
  'member.granted': 'přidělení role',
  'member.revoked': 'odebrání role',
  'token.created': 'vytvoření tokenu',
  'token.revoked': 'zrušení tokenu',
  'harvest.added': 'přidání adresy sklizně',
  'harvest.removed': 'vypnutí adresy sklizně',
  'session.signed_in': 'přihlášení',
  'session.signed_out': 'odhlášení',
  'password.set': 'nastavení hesla',
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;
