import type { Kysely, Transaction } from 'kysely';
import { serializeMembershipChanges } from '../db/dialect.ts';
import type { Database } from '../db/schema.ts';

export class AccountRepository {
  constructor(private readonly db: Kysely<Database> | Transaction<Database>) {}

  /** Runs `work` in a transaction that holds the organisation's roles against any other change until it commits. */
  async withMembershipsHeld<T>(organizationId: number, work: (repository: AccountRepository) => Promise<T>): Promise<T> {
    return (this.db as Kysely<Database>).transaction().execute(async (trx) => {
      await serializeMembershipChanges(trx, organizationId);
      return work(new AccountRepository(trx));
    });
  }

  async insertUser(values: { email: string; name: string; isPlatformAdmin: boolean; now: string }): Promise<number> {
    const row = await this.db
      .insertInto('users')
      .values({ email: values.email, name: values.name, password_hash: null, is_platform_admin: values.isPlatformAdmin ? 1 : 0, created_at: values.now, disabled_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  findUserByEmail(email: string) {
    return this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  }

  findUserById(id: number) {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async setPasswordHash(userId: number, hash: string): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: hash }).where('id', '=', userId).execute();
  }

  membershipsOf(userId: number) {
    return this.db.selectFrom('memberships').select(['organization_id', 'role', 'include_subordinates']).where('user_id', '=', userId).execute();
  }

  async upsertMembership(values: { userId: number; organizationId: number; role: string; includeSubordinates: boolean; now: string }): Promise<void> {
    await this.db
      .insertInto('memberships')
      .values({ user_id: values.userId, organization_id: values.organizationId, role: values.role, include_subordinates: values.includeSubordinates ? 1 : 0, created_at: values.now })
      .onConflict((oc) => oc.columns(['user_id', 'organization_id']).doUpdateSet({ role: values.role, include_subordinates: values.includeSubordinates ? 1 : 0 }))
      .execute();
  }

  async deleteMembership(userId: number, organizationId: number): Promise<boolean> {
    const result = await this.db.deleteFrom('memberships').where('user_id', '=', userId).where('organization_id', '=', organizationId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  membersOf(organizationId: number) {
    return this.db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select(['users.id', 'users.email', 'users.name', 'users.password_hash', 'memberships.role', 'memberships.include_subordinates', 'memberships.created_at'])
      .where('memberships.organization_id', '=', organizationId)
      .orderBy('users.email')
      .execute();
  }

  listUsers() {
    return this.db.selectFrom('users').select(['id', 'email', 'name', 'is_platform_admin', 'password_hash', 'created_at']).orderBy('email').execute();
  }

  async insertSession(values: { idHash: string; userId: number; csrfToken: string; now: string; expiresAt: string; ip: string | null }): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({ id_hash: values.idHash, user_id: values.userId, csrf_token: values.csrfToken, created_at: values.now, expires_at: values.expiresAt, ip: values.ip, ended_at: null })
      .execute();
  }

  activeSession(idHash: string, now: string) {
    return this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['sessions.csrf_token', 'sessions.expires_at', 'users.id as user_id', 'users.email', 'users.name', 'users.is_platform_admin'])
      .where('sessions.id_hash', '=', idHash)
      .where('sessions.ended_at', 'is', null)
      .where('sessions.expires_at', '>', now)
      .where('users.disabled_at', 'is', null)
      .executeTakeFirst();
  }

  async endSession(idHash: string, now: string): Promise<void> {
    await this.db.updateTable('sessions').set({ ended_at: now }).where('id_hash', '=', idHash).execute();
  }

  async endSessionsOf(userId: number, now: string): Promise<void> {
    await this.db.updateTable('sessions').set({ ended_at: now }).where('user_id', '=', userId).where('ended_at', 'is', null).execute();
  }

  async insertLink(values: { tokenHash: string; userId: number; purpose: string; now: string; expiresAt: string }): Promise<void> {
    await this.db
      .insertInto('one_time_links')
      .values({ token_hash: values.tokenHash, user_id: values.userId, purpose: values.purpose, created_at: values.now, expires_at: values.expiresAt, used_at: null })
      .execute();
  }

  validLink(tokenHash: string, now: string) {
    return this.db
      .selectFrom('one_time_links')
      .innerJoin('users', 'users.id', 'one_time_links.user_id')
      .select(['one_time_links.purpose', 'users.id as user_id', 'users.email', 'users.name'])
      .where('one_time_links.token_hash', '=', tokenHash)
      .where('one_time_links.used_at', 'is', null)
      .where('one_time_links.expires_at', '>', now)
      .where('users.disabled_at', 'is', null)
      .executeTakeFirst();
  }

  /** Uses up every open link of a person (after a password was set, older invitations and resets must not work). */
  async useAllLinksOf(userId: number, now: string): Promise<void> {
    await this.db.updateTable('one_time_links').set({ used_at: now }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
  }

  /** Marks the link used; false when another request used it first. */
  async useLink(tokenHash: string, now: string): Promise<boolean> {
    const result = await this.db.updateTable('one_time_links').set({ used_at: now }).where('token_hash', '=', tokenHash).where('used_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
