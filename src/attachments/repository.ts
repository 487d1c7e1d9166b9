import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export class AttachmentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Registers the file (once) and the organisation's use of it (once per organisation), in one transaction; uploading
   * the file again renews the use's `created_at`, which is when it was last uploaded, so that a prune that would
   * drop an older use leaves it (and waits for this transaction, where both touch the row).
   */
  async insertIfMissing(values: { sha256: string; mediaType: string; size: number; name: string; organizationId: number; now: string }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('attachments')
        .values({ sha256: values.sha256, media_type: values.mediaType, size: values.size, name: values.name, organization_id: values.organizationId, created_at: values.now, published_at: null })
        .onConflict((oc) => oc.column('sha256').doNothing())
        .execute();
      await trx
        .insertInto('organization_attachments')
        .values({ organization_id: values.organizationId, sha256: values.sha256, name: values.name, created_at: values.now })
        .onConflict((oc) => oc.columns(['organization_id', 'sha256']).doUpdateSet({ created_at: values.now }))
        .execute();
    });
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
      // Hashes may be written in upper case; PostgreSQL's LIKE, unlike SQLite's, minds the case.
      .where(sql`lower(v.content)`, 'like', `%${sha256.toLowerCase()}%`)
      .limit(1)
      .executeTakeFirst();
    return row?.organization_id;
  }

  /**
   * Uses of files that are not published: by the organisation (all when absent), of these files (all when absent),
   * last uploaded at or before `uploadedBy` (any time when absent).
   */
  unpublishedUses(filter: { organizationId?: number; hashes?: readonly string[]; uploadedBy?: string }): Promise<Array<{ organization_id: number; sha256: string }>> {
    let query = this.db
      .selectFrom('organization_attachments as o')
      .innerJoin('attachments as a', 'a.sha256', 'o.sha256')
      .select(['o.organization_id', 'o.sha256'])
      .where('a.published_at', 'is', null);
    if (filter.organizationId !== undefined) query = query.where('o.organization_id', '=', filter.organizationId);
    if (filter.hashes) {
      if (filter.hashes.length === 0) return Promise.resolve([]);
      query = query.where('o.sha256', 'in', [...filter.hashes]);
    }
    if (filter.uploadedBy !== undefined) query = query.where('o.created_at', '<=', filter.uploadedBy);
    return query.orderBy('o.organization_id').orderBy('o.sha256').execute();
  }

  /**
   * Drops the organisation's use of an unpublished file that no open draft of the organisation and no version of its
   * records names, and that was last uploaded at or before `uploadedBy` (when given); when no organisation uses the
   * file any more, also the file's row. `removeFile` runs inside the same transaction, before the commit (should the
   * commit fail, the rows stay without a file, unnamed and unpublished, and the next prune drops them). An upload of
   * the same file meanwhile either renews the use first, and the use stays, or waits for the commit (row lock, or
   * SQLite's single writer) and writes the file again afterwards. Returns what went.
   */
  async dropUnnamedUse(organizationId: number, sha256: string, uploadedBy: string | undefined, removeFile: () => void): Promise<'use' | 'file' | 'none'> {
    return (this.db as Kysely<Database>).transaction().execute(async (trx) => {
      const file = await trx.selectFrom('attachments').select('published_at').where('sha256', '=', sha256).executeTakeFirst();
      if (!file || file.published_at !== null || (await namedBy(trx, organizationId, sha256))) return 'none';
      let drop = trx.deleteFrom('organization_attachments').where('organization_id', '=', organizationId).where('sha256', '=', sha256);
      if (uploadedBy !== undefined) drop = drop.where('created_at', '<=', uploadedBy);
      const dropped = await drop.executeTakeFirst();
      if (Number(dropped.numDeletedRows) === 0) return 'none';
      const others = await trx.selectFrom('organization_attachments').select('organization_id').where('sha256', '=', sha256).limit(1).executeTakeFirst();
      if (others) return 'use';
      await trx.deleteFrom('attachments').where('sha256', '=', sha256).where('published_at', 'is', null).execute();
      removeFile();
      return 'file';
    });
  }
}

/** Whether an open draft of the organisation, or any version of any of its records, names the file. */
async function namedBy(db: Kysely<Database>, organizationId: number, sha256: string): Promise<boolean> {
  const draft = await db
    .selectFrom('drafts')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('published_at', 'is', null)
    .where(sql`lower(fields)`, 'like', `%${sha256.toLowerCase()}%`)
    .limit(1)
    .executeTakeFirst();
  if (draft) return true;
  const version = await db
    .selectFrom('record_versions as v')
    .innerJoin('records as r', 'r.id', 'v.record_id')
    .select('v.id')
    .where('r.organization_id', '=', organizationId)
    .where(sql`lower(v.content)`, 'like', `%${sha256.toLowerCase()}%`)
    .limit(1)
    .executeTakeFirst();
  return version !== undefined;
}
