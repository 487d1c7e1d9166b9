import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export class DraftRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(values: { organizationId: number; type: string; fields: string; subject: string; userId: number | null; now: string }): Promise<number> {
    const row = await this.db
      .insertInto('drafts')
      .values({ organization_id: values.organizationId, type: values.type, fields: values.fields, subject: values.subject, created_by: values.userId, created_at: values.now, updated_at: values.now, published_at: null, record_key: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async update(id: number, organizationId: number, values: { fields: string; subject: string; now: string }): Promise<boolean> {
    const result = await this.db
      .updateTable('drafts')
      .set({ fields: values.fields, subject: values.subject, updated_at: values.now })
      .where('id', '=', id)
      .where('organization_id', '=', organizationId)
      .where('published_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  get(id: number, organizationId: number) {
    return this.db.selectFrom('drafts').selectAll().where('id', '=', id).where('organization_id', '=', organizationId).executeTakeFirst();
  }

  listOpen(organizationId: number, limit: number) {
    return this.db
      .selectFrom('drafts')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .where('published_at', 'is', null)
      .orderBy('updated_at', 'desc')
      .limit(limit)
      .execute();
  }

  /** Deletes an unpublished draft; a published one stays, as the record's origin. */
  async discard(id: number, organizationId: number): Promise<boolean> {
    const result = await this.db.deleteFrom('drafts').where('id', '=', id).where('organization_id', '=', organizationId).where('published_at', 'is', null).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Marks an open draft published; false when it is not open any more (published or discarded meanwhile). */
  async markPublished(id: number, organizationId: number, recordKey: string, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('drafts')
      .set({ published_at: now, record_key: recordKey, updated_at: now })
      .where('id', '=', id)
      .where('organization_id', '=', organizationId)
      .where('published_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
