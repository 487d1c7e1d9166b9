import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export class AttachmentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Registers the file (once) and the organisation's use of it (once per organisation). */
  async insertIfMissing(values: { sha256: string; mediaType: string; size: number; name: string; organizationId: number; now: string }): Promise<void> {
    await this.db
      .insertInto('attachments')
      .values({ sha256: values.sha256, media_type: values.mediaType, size: values.size, name: values.name, organization_id: values.organizationId, created_at: values.now, published_at: null })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute();
    await this.db
      .insertInto('organization_attachments')
      .values({ organization_id: values.organizationId, sha256: values.sha256, name: values.name, created_at: values.now })
      .onConflict((oc) => oc.columns(['organization_id', 'sha256']).doNothing())
      .execute();
  }

  find(sha256: string) {
    return this.db.selectFrom('attachments').selectAll().where('sha256', '=', sha256).executeTakeFirst();
  }

  /** The organisation's own use of a file: its name for it. */
  findOwned(organizationId: number, sha256: string) {
    return this.db
      .selectFrom('organization_attachments as o')
      .innerJoin('attachments as a', 'a.sha256', 'o.sha256')
      .select(['a.sha256', 'a.media_type', 'a.size', 'a.published_at', 'o.name', 'o.organization_id'])
      .where('o.organization_id', '=', organizationId)
      .where('o.sha256', '=', sha256)
      .executeTakeFirst();
  }

  /** Publishes the files among `hashes` that the organisation uploaded; another organisation's file stays as it was. */
  async markPublished(organizationId: number, hashes: readonly string[], now: string): Promise<void> {
    if (hashes.length === 0) return;
    await this.db
      .updateTable('attachments')
      .set({ published_at: now })
      .where('sha256', 'in', (eb) => eb.selectFrom('organization_attachments').select('sha256').where('organization_id', '=', organizationId).where('sha256', 'in', hashes))
      .where('published_at', 'is', null)
      .execute();
  }

  /** Organisations that uploaded the file and have a published record (current version) that names it. */
  async namedByPublishedRecord(sha256: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('organization_attachments as o')
      .innerJoin('records as r', 'r.organization_id', 'o.organization_id')
      .innerJoin('record_versions as v', (join) => join.onRef('v.record_id', '=', 'r.id').onRef('v.version_no', '=', 'r.current_version_no'))
      .select('o.organization_id')
      .where('o.sha256', '=', sha256)
      .where('r.status', '=', 'published')
      .where('v.content', 'like', `%${sha256}%`)
      .limit(1)
      .executeTakeFirst();
    return row?.organization_id;
  }
}
