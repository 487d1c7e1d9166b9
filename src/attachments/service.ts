/**
 * Attachments uploaded in the workspace or through the API: the file is stored once by its SHA-256 under
 * ATTACHMENT_DIR, with the media type read from its bytes; each uploading organisation owns its use of it.
 * The public sees a file once a published record of an organisation that uploaded it names it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync, existsSync } from 'node:fs';
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
    if (!existsSync(path)) {
      mkdirSync(join(this.directory, sha256.slice(0, 2)), { recursive: true });
      const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      writeFileSync(temporary, bytes);
      renameSync(temporary, path);
    }
    await this.repository.insertIfMissing({ sha256, mediaType: check.mediaType, size: bytes.length, name: safeName, organizationId: organization.id, now: nowUtc() });
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
}
