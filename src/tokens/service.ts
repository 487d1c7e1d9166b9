/**
 * API tokens of organisations. A token is 32 random bytes shown once; only its SHA-256 is stored
 * (a slow hash adds nothing for random secrets of this length).
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../errors.ts';
import { nowUtc } from '../shared/dates.ts';
import type { Organization } from '../organizations/service.ts';
import type { TokenRepository } from './repository.ts';

const PREFIX = 'om_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class TokenService {
  constructor(private readonly repository: TokenRepository) {}

  /** `mayManageMembers`: the token may also grant and revoke roles in the organisation (off unless asked for). */
  async create(organization: Organization, label: string, options: { mayManageMembers?: boolean } = {}): Promise<{ id: number; token: string }> {
    const token = PREFIX + randomBytes(32).toString('base64url');
    const id = await this.repository.insert(organization.id, hashToken(token), label.trim() || 'token', nowUtc(), options.mayManageMembers ?? false);
    return { id, token };
  }

  /** The organisation id a token may write for; throws unauthorized for a missing, unknown or revoked token. */
  async authenticate(token: string | undefined): Promise<{ tokenId: number; organizationId: number; mayManageMembers: boolean }> {
    if (!token) throw new AppError('unauthorized', 'Chybí přístupový token (hlavička Authorization: Bearer …).', 'missing bearer token');
    const row = token.startsWith(PREFIX) ? await this.repository.findActiveByHash(hashToken(token)) : undefined;
    if (!row) throw new AppError('unauthorized', 'Přístupový token je neplatný nebo zrušený.', 'unknown or revoked token');
    await this.repository.touch(row.id, nowUtc());
    return { tokenId: row.id, organizationId: row.organization_id, mayManageMembers: row.may_manage_members === 1 };
  }

  async revoke(id: number): Promise<void> {
    if (!(await this.repository.revoke(id, nowUtc()))) throw new AppError('not_found', `Token ${id} neexistuje nebo už je zrušen.`, `token ${id} not found or revoked`);
  }

  list(organization: Organization) {
    return this.repository.listForOrganization(organization.id);
  }
}
