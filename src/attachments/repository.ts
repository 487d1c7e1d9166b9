import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export class AttachmentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertIfMissing(values: { sha256: string; mediaType: string; size: number; name: string; organizationId: number; now: string }): Promise<void> {
    await this.db
      .insertInto('attachments')
      .values({ sha256: values.sha256, media_type: values.mediaType, size: values.size, name: values.name, organization_id: values.organizationId, created_at: values.now, published_at: null })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute();
  }

  find(sha256: string) {
    return this.db.selectFrom('attachments').selectAll().where('sha256', '=', sha256).executeTakeFirst();
  }

  async markPublished(hashes: readonly string[], now: string): Promise<void> {
    if (hashes.length === 0) return;
    await this.db.updateTable('attachments').set({ published_at: now }).where('sha256', 'in', hashes).where('published_at', 'is', null).execute();
  }
}
