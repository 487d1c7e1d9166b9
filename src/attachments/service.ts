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
    // The rows first, then the file: a prune of the same file commits before these rows exist or after the file is
    // written, never between (see AttachmentRepository.dropUnpublishedUse).
    await this.repository.insertIfMissing({ sha256, mediaType: check.mediaType, size: bytes.length, name: safeName, organizationId: organization.id, now: nowUtc() });
    if (!existsSync(path)) {
      mkdirSync(join(this.directory, sha256.slice(0, 2)), { recursive: true });
      const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      writeFileSync(temporary, bytes);
      renameSync(temporary, path);
    }
    return (await this.owned(organization, sha256))!;
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
   * those (a discarded draft's); otherwise every upload older than `olderThanDays` (default 30; an upload whose
   * draft was not saved yet must not vanish under the clerk), or every one with 0.
   */
  async pruneUnnamed(options: { organization?: Organization; hashes?: readonly string[]; olderThanDays?: number } = {}): Promise<AttachmentPruneReport> {
    const days = options.olderThanDays ?? 30;
    // 0 days: every unnamed upload, however recent.
    const before = options.hashes || days <= 0 ? undefined : new Date(Date.now() - days * 86_400_000).toISOString();
    const uses = await this.repository.unpublishedUses({ organizationId: options.organization?.id, hashes: options.hashes?.map((hash) => hash.toLowerCase()), before });
    const report: AttachmentPruneReport = { checked: uses.length, usesRemoved: 0, filesRemoved: 0 };
    for (const use of uses) {
      const dropped = await this.repository.dropUnnamedUse(use.organization_id, use.sha256, () => rmSync(this.pathOf(use.sha256), { force: true }));
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
