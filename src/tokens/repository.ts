import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export class TokenRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(organizationId: number, tokenHash: string, label: string, now: string, mayManageMembers: boolean): Promise<number> {
    const row = await this.db
      .insertInto('api_tokens')
      .values({ organization_id: organizationId, token_hash: tokenHash, label, created_at: now, revoked_at: null, last_used_at: null, may_manage_members: mayManageMembers ? 1 : 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  findActiveByHash(tokenHash: string) {
    return this.db
      .selectFrom('api_tokens')
      .select(['id', 'organization_id', 'may_manage_members'])
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
  }

  async touch(id: number, now: string): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
  }

  async revoke(id: number, now: string): Promise<boolean> {
    const result = await this.db.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  listForOrganization(organizationId: number) {
    return this.db
      .selectFrom('api_tokens')
      .select(['id', 'label', 'created_at', 'revoked_at', 'last_used_at', 'may_manage_members'])
      .where('organization_id', '=', organizationId)
      .orderBy('id')
      .execute();
  }
}
