/** Drafts of records: the form's values as a clerk left them, valid or not, until published. */
import { AppError } from '../errors.ts';
import { nowUtc } from '../shared/dates.ts';
import type { Organization } from '../organizations/service.ts';
import { RECORD_TYPES, type RecordType } from '../standard/schema.ts';
import { DraftRepository } from './repository.ts';
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface Draft {
  id: number;
  organizationId: number;
  type: RecordType;
  fields: Record<string, string>;
  subject: string;
  updatedAt: string;
  publishedAt: string | null;
  recordKey: string | null;
}

function toDraft(row: Awaited<ReturnType<DraftRepository['get']>> & object): Draft {
  return {
    id: row.id,
    organizationId: row.organization_id,
    type: (RECORD_TYPES as readonly string[]).includes(row.type) ? (row.type as RecordType) : 'smlouva',
    fields: JSON.parse(row.fields) as Record<string, string>,
    subject: row.subject,
    updatedAt: row.updated_at,
    publishedAt: row.published_at,
    recordKey: row.record_key,
  };
}

export class DraftService {
  constructor(private readonly repository: DraftRepository) {}

  async save(organization: Organization, type: RecordType, fields: Record<string, string>, userId: number | null, draftId?: number): Promise<number> {
    const subject = (fields.predmet ?? '').trim().slice(0, 200) || '(bez předmětu)';
    const json = JSON.stringify(fields);
    if (draftId !== undefined) {
      if (!(await this.repository.update(draftId, organization.id, { fields: json, subject, now: nowUtc() }))) {
        throw new AppError('not_found', `Koncept č. ${draftId} neexistuje nebo už byl zveřejněn.`, `draft ${draftId} not found or published`);
      }
      return draftId;
    }
    return this.repository.insert({ organizationId: organization.id, type, fields: json, subject, userId, now: nowUtc() });
  }

  async get(organization: Organization, id: number): Promise<Draft> {
    const row = await this.repository.get(id, organization.id);
    if (!row) throw new AppError('not_found', `Koncept č. ${id} neexistuje.`, `draft ${id} not found in ${organization.ico}`);
    return toDraft(row);
  }

  async listOpen(organization: Organization, limit = 50): Promise<Draft[]> {
    return (await this.repository.listOpen(organization.id, limit)).map(toDraft);
  }

  /**
   * A draft was never published, so it can go for good: nothing public refers to it. A published draft is the origin
   * of its record and is kept.
   */
  async discard(organization: Organization, id: number): Promise<Draft> {
    const draft = await this.get(organization, id);
    if (!draft.publishedAt && (await this.repository.discard(id, organization.id))) return draft;
    // Published meanwhile, or discarded by a request running at the same time: read again which of the two.
    if ((await this.repository.get(id, organization.id))?.published_at ?? draft.publishedAt) {
      throw new AppError('conflict', `Koncept č. ${id} už byl zveřejněn; zveřejněný záznam lze opravit nebo znepřístupnit.`, `draft ${id} already published`);
    }
    throw new AppError('not_found', `Koncept č. ${id} neexistuje.`, `draft ${id} not found in ${organization.ico}`);
  }

  /**
   * Marks the draft published within the transaction that stores its record (RegisterService's
   * `alsoInTransaction`): a draft discarded or published by another request meanwhile throws, and the record is
   * not stored either. A discard that comes later finds the draft published.
   */
  async markPublishedWithin(transaction: Transaction<Database>, organization: Organization, id: number, recordKey: string): Promise<void> {
    const drafts = new DraftRepository(transaction);
    if (await drafts.markPublished(id, organization.id, recordKey, nowUtc())) return;
    const row = await drafts.get(id, organization.id);
    if (row) throw new AppError('conflict', 'Koncept mezitím zveřejnil někdo jiný; další změny publikujte jako opravu záznamu.', `draft ${id} published meanwhile`);
    throw new AppError('conflict', 'Koncept mezitím někdo zahodil; záznam se proto nezveřejnil.', `draft ${id} discarded meanwhile`);
  }
}
