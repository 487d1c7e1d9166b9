/**
 * Frozen: the publisher workspace. People (users) with roles per organisation, sessions, one-time links for
 * signing in and resetting a password, the audit log, drafts of records and uploaded attachments.
 */
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { DialectName } from '../connection.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const id = dialect === 'postgres' ? ('bigserial' as const) : ('integer' as const);
  const ref = dialect === 'postgres' ? ('bigint' as const) : ('integer' as const);
  const primaryKey = (c: ColumnDefinitionBuilder) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable('users')
    .addColumn('id', id, primaryKey)
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    // NULL until the person sets a password through a one-time link: there is never a default password.
    .addColumn('password_hash', 'text')
    .addColumn('is_platform_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('disabled_at', 'text')
    .execute();

  await db.schema
    .createTable('memberships')
    .addColumn('user_id', ref, (c) => c.notNull().references('users.id'))
    .addColumn('organization_id', ref, (c) => c.notNull().references('organizations.id'))
    // admin or editor
    .addColumn('role', 'text', (c) => c.notNull())
    // An editor may also publish for the organisation's subordinate organisations.
    .addColumn('include_subordinates', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('memberships_pk', ['user_id', 'organization_id'])
    .execute();
  await db.schema.createIndex('memberships_org').on('memberships').column('organization_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', ref, (c) => c.notNull().references('users.id'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('ended_at', 'text')
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('one_time_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', ref, (c) => c.notNull().references('users.id'))
    // sign_in (first sign-in, sets a password) or reset
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', id, primaryKey)
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('user_id', ref, (c) => c.references('users.id'))
    .addColumn('token_id', ref, (c) => c.references('api_tokens.id'))
    // Who, as shown: an e-mail, "token 3 (label)", or "om (CLI)".
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('organization_id', ref, (c) => c.references('organizations.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('detail', 'text')
    .addColumn('ip', 'text')
    .execute();
  await db.schema.createIndex('audit_log_org').on('audit_log').columns(['organization_id', 'id']).execute();

  await db.schema
    .createTable('drafts')
    .addColumn('id', id, primaryKey)
    .addColumn('organization_id', ref, (c) => c.notNull().references('organizations.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    // The form's values as sent (flat CSV columns of the standard), valid or not.
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('created_by', ref, (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    // Set once the draft became a record; a published draft stays as its trace.
    .addColumn('published_at', 'text')
    .addColumn('record_key', 'text')
    .execute();
  await db.schema.createIndex('drafts_org').on('drafts').columns(['organization_id', 'published_at']).execute();

  await db.schema
    .createTable('attachments')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('organization_id', ref, (c) => c.notNull().references('organizations.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    // Served publicly only once a published record names it.
    .addColumn('published_at', 'text')
    .execute();
}
