/**
 * Attachments uploaded in the workspace or through the API: the file is stored once by its SHA-256 under
 * ATTACHMENT_DIR, with the media type read from its bytes; each uploading organisation owns its use of it.
 * The public sees a file once a published record of an organisation that uploaded it names it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../errors.ts';
import { nowUtc } from '../shared/dates.ts';
import type { Organization } from '../organizations/service.ts';
import type { AttachmentRepository } from './repository.ts';
import { checkAttachment } from './rules.ts';

export interface StoredAttachment {
  sha256: string;
  mediaType: string;
  size: number;
  name: string;
  published: boolean;
  path: string;
}

export class AttachmentService {
  constructor(
    private readonly repository: AttachmentRepository,
    private readonly directory: string,
  ) {}

  pathOf(sha256: string): string {
    return join(this.directory, sha256.slice(0, 2), sha256);
  }

  async store(organization: Organization, name: string, bytes: Uint8Array): Promise<StoredAttachment> {
    const safeName = [...name.replace(/[\\/]/g, '_')].filter((ch) => ch.charCodeAt(0) >= 0x20).join('').trim().slice(0, 200) || 'priloha';
    const check = checkAttachment(safeName, bytes);
    if (!check.ok) throw new AppError('unsupported_media_type', check.reason, check.logReason);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const path = this.pathOf(sha256);
    // The rows first, then the file: a prune of the same file either commits before the rows are renewed (and the
    // file is written again here) or leaves the renewed use alone (AttachmentRepository.dropUnnamedUse). Only
    // `om attachments prune --days 0`, which takes even the newest uploads, can still drop them in between: then
    // the upload is stored again.
    for (let attempt = 1; ; attempt++) {
      await this.repository.insertIfMissing({ sha256, mediaType: check.mediaType, size: bytes.length, name: safeName, organizationId: organization.id, now: nowUtc() });
      if (!existsSync(path)) {
        mkdirSync(join(this.directory, sha256.slice(0, 2)), { recursive: true });
        const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
        writeFileSync(temporary, bytes);
        renameSync(temporary, path);
      }
      const stored = await this.owned(organization, sha256);
      if (stored && existsSync(path)) return stored;
      if (attempt === 3) throw new AppError('internal_error', 'Přílohu se nepodařilo uložit.', `attachment ${sha256} removed while being stored, three times`);
    }
  }

  /** The organisation's own attachment (also before publication); undefined for another organisation's file. */
  async owned(organization: Organization, sha256: string): Promise<StoredAttachment | undefined> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return undefined;
    const row = await this.repository.findOwned(organization.id, sha256);
    return row ? { sha256, mediaType: row.media_type, size: Number(row.size), name: row.name, published: row.published_at !== null, path: this.pathOf(sha256) } : undefined;
  }

  /**
   * A published file for the public. Records published through the API or an import name their files without the
   * workspace marking them, so an unmarked file is published on first request when such a record names it.
   */
  async published(sha256: string): Promise<StoredAttachment | undefined> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return undefined;
    const row = await this.repository.find(sha256);
    if (!row) return undefined;
    if (row.published_at === null) {
      const owner = await this.repository.namedByPublishedRecord(sha256);
      if (owner === undefined) return undefined;
      await this.repository.markPublished(owner, [sha256], nowUtc());
    }
    return { sha256, mediaType: row.media_type, size: Number(row.size), name: row.name, published: true, path: this.pathOf(sha256) };
  }

  markPublished(organization: Organization, hashes: readonly string[]): Promise<void> {
    return this.repository.markPublished(organization.id, hashes.map((h) => h.toLowerCase()), nowUtc());
  }

  /**
   * Removes uploads that nothing names: no open draft of the organisation and no version of its records. A file
   * goes from the disk when no organisation uses it any more; published files always stay. With `hashes`, only
   * those, last uploaded at or before `uploadedBy` (a discarded draft's files, as of its last save: one uploaded
   * again since, for another form not saved yet, stays). Otherwise every upload last uploaded more than
   * `olderThanDays` ago (default 30, so that an upload whose form was not saved yet does not vanish under the
   * clerk), or every one with 0.
   */
  async pruneUnnamed(options: { organization?: Organization; hashes?: readonly string[]; uploadedBy?: string; olderThanDays?: number } = {}): Promise<AttachmentPruneReport> {
    const days = options.olderThanDays ?? 30;
    const uploadedBy = options.hashes ? options.uploadedBy : days > 0 ? new Date(Date.now() - days * 86_400_000).toISOString() : undefined;
    const uses = await this.repository.unpublishedUses({ organizationId: options.organization?.id, hashes: options.hashes?.map((hash) => hash.toLowerCase()), uploadedBy });
    const report: AttachmentPruneReport = { checked: uses.length, usesRemoved: 0, filesRemoved: 0 };
    for (const use of uses) {
      const dropped = await this.repository.dropUnnamedUse(use.organization_id, use.sha256, uploadedBy, () => rmSync(this.pathOf(use.sha256), { force: true }));
      if (dropped !== 'none') report.usesRemoved++;
      if (dropped === 'file') report.filesRemoved++;
    }
    return report;
  }
}

export interface AttachmentPruneReport {
  /** Unpublished uses looked at. */
  checked: number;
  usesRemoved: number;
  filesRemoved: number;
}
