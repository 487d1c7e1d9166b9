/**
 * The use-cases of the publisher workspace, shared by its pages and the API: publish a record from the form,
 * correct it, withdraw it, save drafts, upload files for import, and what needs attention. Every change is
 * written to the audit log with its actor.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { AccountService, SignedIn } from '../accounts/service.ts';
import type { Logger } from '../shared/log.ts';
import type { Organization, OrganizationService } from '../organizations/service.ts';
import type { RegisterService, PublishOutcome, RecordDetail } from '../register/service.ts';
import type { PublishingService, PublishFileOptions, PublishFileReport } from '../publishing/service.ts';
import type { JobService, ImportJob } from '../jobs/service.ts';
import type { TableImportService } from '../imports/table/service.ts';
import type { IsdocImportService } from '../imports/isdoc/service.ts';
import type { RegisterImportService } from '../imports/registr-smluv/service.ts';
import type { HarvestService } from '../harvest/service.ts';
import type { AuditService } from '../audit/service.ts';
import type { AttachmentService, StoredAttachment } from '../attachments/service.ts';
import type { DraftService, Draft } from '../drafts/service.ts';
import { sourceOf, type Actor } from '../audit/rules.ts';
import { bytesSource } from '../imports/source.ts';
import { normalizeIco } from '../shared/identifiers.ts';
import { daysBetween, nowUtc } from '../shared/dates.ts';
import type { RecordType } from '../standard/schema.ts';
import type { ValidationIssue } from '../standard/validate.ts';
import { recordFromForm, restoreHiddenValues } from './form.ts';
import { uploadKind, UPLOAD_KIND_LABELS } from './upload.ts';
import type { WorkspaceRepository } from './repository.ts';

export interface WorkspaceDeps {
  organizations: OrganizationService;
  register: RegisterService;
  publishing: PublishingService;
  jobs: JobService;
  tables: TableImportService;
  isdoc: IsdocImportService;
  registerImport: RegisterImportService;
  harvest: HarvestService;
  audit: AuditService;
  attachments: AttachmentService;
  drafts: DraftService;
  accounts: AccountService;
  logger: Logger;
}

/** Who grants a role: a signed-in person (their own memberships decide), or a token allowed to manage members. */
export type Granter = { kind: 'person'; signedIn: SignedIn } | { kind: 'token' };

export interface MemberInput {
  email: string;
  name?: string;
  role: string;
  includeSubordinates: boolean;
}

export type FormPublishResult = { ok: true; outcome: PublishOutcome; key: string } | { ok: false; issues: ValidationIssue[] };

/** The register law's deadline: a contract is published within 30 days of its conclusion. */
export const PUBLICATION_DEADLINE_DAYS = 30;
/** Contracts from this value (CZK without VAT) fall under the register law. */
export const REGISTER_LAW_THRESHOLD_HALERE = 50_000_00;

export interface Attention {
  drafts: Draft[];
  importsWithRejections: ImportJob[];
  deadlines: Array<{ key: string | null; draftId: number | null; subject: string; concluded: string; deadline: string; daysLeft: number }>;
  belowB: { total: number; items: Array<{ id: string; subject: string; quality: string }> };
  failedHarvests: Array<{ url: string; at: string; message: string | null }>;
}

const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export class WorkspaceService {
  constructor(
    private readonly repository: WorkspaceRepository,
    private readonly deps: WorkspaceDeps,
  ) {}

  /**
   * Publishes one record from the form, as a new record or (with `correcting`) as a new version of an existing one.
   * A record that does not pass the standard is not stored; its problems come back. `dropHidden`: paths of hidden
   * values (birth numbers) the correction removes instead of keeping.
   */
  async publishForm(actor: Actor, organization: Organization, type: RecordType, values: Record<string, string>, options: { note?: string; draftId?: number; correcting?: string; dropHidden?: readonly string[] } = {}): Promise<FormPublishResult> {
    let record = recordFromForm(type, values);
    if (options.draftId !== undefined && (await this.deps.drafts.get(organization, options.draftId)).publishedAt !== null) {
      throw new AppError('conflict', 'Koncept už byl zveřejněn; další změny publikujte jako opravu záznamu.', `draft ${options.draftId} already published`);
    }
    if (options.correcting !== undefined) {
      const current = await this.deps.register.detail(organization, options.correcting);
      if (current.status === 'withdrawn') throw new AppError('conflict', 'Znepřístupněný záznam nelze opravit.', `correcting withdrawn record ${options.correcting}`);
      // The form shows the public content: what it keeps hidden (a birth number) is put back, not dropped.
      const hidden = (await this.deps.register.hiddenValues(organization, options.correcting)).filter((value) => !options.dropHidden?.includes(value.path));
      if (hidden.length > 0) record = recordFromForm(type, restoreHiddenValues(values, hidden, current.current.content));
      if (record.id !== options.correcting) {
        return { ok: false, issues: [{ severity: 'error', path: 'id', code: 'invalid_value', message: 'Identifikátor opravovaného záznamu nelze změnit.' }] };
      }
    } else if (typeof record.id === 'string' && (await this.exists(organization, record.id))) {
      return { ok: false, issues: [{ severity: 'error', path: 'id', code: 'invalid_value', message: 'Záznam s tímto identifikátorem už existuje. Chcete-li ho změnit, použijte Opravit.' }] };
    }
    const draftId = options.draftId;
    // The draft is marked published in the transaction that stores the record: both happen, or neither.
    const alsoInTransaction = draftId === undefined ? undefined : (transaction: Transaction<Database>) => this.deps.drafts.markPublishedWithin(transaction, organization, draftId, String(record.id));
    const report = await this.deps.register.publish(organization, [{ line: 1, data: record }], { source: sourceOf(actor), note: options.note?.trim() || undefined, keepOutcomes: 'all', alsoInTransaction });
    const outcome = report.outcomes[0]!;
    if (outcome.status === 'rejected') return { ok: false, issues: outcome.issues };
    const key = outcome.id!;
    const hashes = ((record.prilohy as Array<{ sha256?: string }> | undefined) ?? []).map((a) => a.sha256).filter((h): h is string => typeof h === 'string');
    await this.deps.attachments.markPublished(organization, hashes);
    if (outcome.status !== 'unchanged') {
      await this.deps.audit.record(actor, options.correcting !== undefined ? 'record.corrected' : 'record.published', {
        organizationId: organization.id,
        target: key,
        detail: { version: outcome.version, note: options.note?.trim() || null },
      });
    }
    return { ok: true, outcome, key };
  }

  private async exists(organization: Organization, key: string): Promise<boolean> {
    try {
      await this.deps.register.detail(organization, key);
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') return false;
      throw error;
    }
  }

  /** A whole file or request body (the API): the register's publishing path, audited. */
  async publishFile(actor: Actor, organization: Organization, body: Uint8Array, options: Omit<PublishFileOptions, 'source'>): Promise<PublishFileReport> {
    const report = await this.deps.publishing.publishFile(organization, body, { ...options, source: sourceOf(actor) });
    if (report.created + report.newVersions > 0) {
      await this.deps.audit.record(actor, 'records.published', { organizationId: organization.id, detail: { read: report.read, created: report.created, newVersions: report.newVersions, unchanged: report.unchanged, rejected: report.rejected } });
    }
    return report;
  }

  async withdraw(actor: Actor, organization: Organization, key: string, reason: string, note?: string): Promise<RecordDetail> {
    const text = reason.trim();
    if ([...text].length < 3) throw new AppError('validation_failed', 'Uveďte důvod znepřístupnění (alespoň 3 znaky).', 'withdrawal reason too short');
    const detail = await this.deps.register.withdraw(organization, key, text, { source: sourceOf(actor), note: note?.trim() || undefined });
    await this.deps.audit.record(actor, 'record.withdrawn', { organizationId: organization.id, target: key, detail: { reason: text } });
    return detail;
  }

  async saveDraft(actor: Actor & { kind: 'user' | 'token' }, organization: Organization, type: RecordType, values: Record<string, string>, draftId?: number): Promise<number> {
    const id = await this.deps.drafts.save(organization, type, values, actor.kind === 'user' ? actor.userId : null, draftId);
    await this.deps.audit.record(actor, 'draft.saved', { organizationId: organization.id, target: `koncept ${id}`, detail: { subject: values.predmet ?? null } });
    return id;
  }

  /** Discards an unpublished draft and the files uploaded for it that nothing else names (another draft, a record). */
  async discardDraft(actor: Actor, organization: Organization, draftId: number): Promise<void> {
    const draft = await this.deps.drafts.discard(organization, draftId);
    const hashes = Object.entries(draft.fields)
      .filter(([name, value]) => /^prilohy\.\d+\.sha256$/.test(name) && /^[0-9a-fA-F]{64}$/.test(value))
      .map(([, value]) => value);
    // The draft is gone either way: a failed clean-up is logged (the next `om attachments prune` retries it), and the
    // discard is still audited.
    let attachmentsRemoved: number | null = null;
    try {
      attachmentsRemoved = (await this.deps.attachments.pruneUnnamed({ organization, hashes, uploadedBy: draft.updatedAt })).usesRemoved;
    } catch (error) {
      this.deps.logger.warn('attachments of a discarded draft not removed', { organization: organization.ico, draftId, error: (error as Error).message });
    }
    await this.deps.audit.record(actor, 'draft.discarded', { organizationId: organization.id, target: `koncept ${draftId}`, detail: { subject: draft.subject, attachmentsRemoved } });
  }

  async storeAttachment(actor: Actor, organization: Organization, name: string, bytes: Uint8Array): Promise<StoredAttachment> {
    const stored = await this.deps.attachments.store(organization, name, bytes);
    await this.deps.audit.record(actor, 'attachment.stored', { organizationId: organization.id, target: stored.sha256, detail: { name: stored.name, mediaType: stored.mediaType, size: stored.size } });
    return stored;
  }

  /**
   * Starts the import of an uploaded file and returns its job id as soon as the job exists; the import goes on in
   * the background and the job page follows it. A register dump stores only the organisation's own records, so
   * that the job, its report and the audit log all belong to the organisation whose records changed.
   */
  async startUpload(actor: Actor, organization: Organization, file: { name: string; bytes: Uint8Array }): Promise<number> {
    const kind = uploadKind(file.name, file.bytes);
    if (!kind) {
      throw new AppError('unsupported_media_type', 'Tento druh souboru nelze nahrát. Nahrajte CSV nebo XLSX podle standardu, fakturu ISDOC (.isdoc, .isdocx, ZIP) nebo export z registru smluv (.xml).', `unsupported upload ${file.name}`);
    }
    const source = bytesSource(file.name, file.bytes);
    const actorName = sourceOf(actor);
    let started: (id: number) => void = () => undefined;
    const jobId = new Promise<number>((resolve) => (started = resolve));
    const work =
      kind === 'table'
        ? this.deps.tables.importTable(organization, source, { actor: actorName, onJobStarted: started })
        : kind === 'isdoc'
          ? this.deps.isdoc.importFiles([{ name: file.name, bytes: file.bytes }], { actor: actorName, organization, sourceKey: source.key, onJobStarted: started })
          : this.deps.registerImport.importDump(source, { actor: actorName, useWorker: false, onlyOrganizations: new Set([organization.id]), organizationId: organization.id, onJobStarted: started });
    const failed = work.then(
      () => null,
      (error: unknown) => {
        this.deps.logger.warn('upload import failed', { organization: organization.ico, file: file.name, error: (error as Error).message });
        return error;
      },
    );
    // A failure before the job exists (none today, but cheap to cover) must reach the clerk rather than hang.
    const first = await Promise.race([jobId, failed.then((error) => (error === null ? jobId : Promise.reject(error)))]);
    await this.deps.audit.record(actor, 'import.started', { organizationId: organization.id, target: `import ${first}`, detail: { file: file.name, kind: UPLOAD_KIND_LABELS[kind], size: file.bytes.length } });
    return first;
  }

  /**
   * Gives a person a role in the organisation; a new address gets an account and an e-mailed one-time sign-in link.
   * A token never grants a role that covers subordinate organisations: it has no role of its own that could cover them.
   */
  async addMember(actor: Actor, granter: Granter, organization: Organization, input: MemberInput): Promise<{ userId: number }> {
    const { audit } = this.deps;
    // Typed here, so that requireRole's assertion narrows input.role (TypeScript needs the explicit annotation).
    const accounts: AccountService = this.deps.accounts;
    // Every check comes before an account is created, so that a refused grant leaves no account behind.
    accounts.requireRole(input.role);
    const existing = await accounts.findByEmail(input.email);
    if (granter.kind === 'person') {
      await accounts.requireGrant(granter.signedIn, organization, { userId: existing?.id ?? null, role: input.role, includeSubordinates: input.includeSubordinates });
    } else if (input.includeSubordinates) {
      throw new AppError('forbidden', 'Roli pro podřízené organizace token přidělit nemůže; přidělí ji správce ve správě.', `token may not grant subordinates in ${organization.ico}`);
    }
    const user = existing ?? (await accounts.createUser({ email: input.email, name: input.name ?? '' }));
    if (!existing) await audit.record(actor, 'user.created', { organizationId: organization.id, target: user.email });
    // A new account cannot be the last administrator, so only an existing one's change can be refused here.
    await accounts.changeRoleKeepingAdmin(organization, user.id, { role: input.role, includeSubordinates: input.includeSubordinates });
    await audit.record(actor, 'member.granted', { organizationId: organization.id, target: user.email, detail: { role: input.role, subordinates: input.includeSubordinates } });
    if (!existing) await accounts.invite(user, granter.kind === 'person' ? granter.signedIn.user.name : `${organization.name} (API)`);
    return { userId: user.id };
  }

  /** Takes a person's role in the organisation away; a person cannot take their own, nor the last administrator's. */
  async removeMember(actor: Actor, organization: Organization, userId: number): Promise<void> {
    const member = (await this.deps.accounts.members(organization)).find((m) => m.id === userId);
    if (!member) throw new AppError('not_found', 'Tento uživatel v organizaci žádnou roli nemá.', `user ${userId} not a member of ${organization.ico}`);
    if (actor.kind === 'user' && actor.userId === userId) throw new AppError('forbidden', 'Svou vlastní roli odebrat nemůžete; požádejte jiného správce.', 'revoking own role');
    await this.deps.accounts.changeRoleKeepingAdmin(organization, userId, null);
    await this.deps.audit.record(actor, 'member.revoked', { organizationId: organization.id, target: member.email, detail: { role: member.role } });
  }

  async job(organization: Organization, jobId: number) {
    const found = await this.deps.jobs.getReport(jobId);
    if (found.job.organizationId !== organization.id) {
      throw new AppError('not_found', `Import č. ${jobId} neexistuje.`, `job ${jobId} not of ${organization.ico}`);
    }
    return found;
  }

  /** A party known by IČO: an organisation of the platform, or a party of an earlier record. */
  async partyByIco(rawIco: string): Promise<{ ico: string; name: string } | null> {
    const ico = normalizeIco(rawIco);
    if (!ico) return null;
    const organization = await this.deps.organizations.findByIco(ico);
    if (organization) return { ico, name: organization.name };
    const party = await this.repository.latestPartyByIco(ico);
    return party ? { ico, name: party.name } : null;
  }

  async attention(organization: Organization, today = nowUtc().slice(0, 10)): Promise<Attention> {
    const [drafts, jobs, recent, belowB, belowBTotal, harvestLog] = await Promise.all([
      this.deps.drafts.listOpen(organization, 50),
      this.deps.jobs.listForOrganization(organization.id, 10),
      this.repository.contractsConcludedSince(organization.id, addDays(today, -PUBLICATION_DEADLINE_DAYS), REGISTER_LAW_THRESHOLD_HALERE, 20),
      this.deps.register.list({ organizationIds: [organization.id], quality: 'C' }, { limit: 20 }),
      this.deps.register.count({ organizationIds: [organization.id], quality: 'C' }),
      this.deps.harvest.log(organization, 10),
    ]);
    const deadlines: Attention['deadlines'] = [];
    for (const draft of drafts) {
      const concluded = draft.type === 'smlouva' ? draft.fields.datumUzavreni : undefined;
      if (!concluded || !/^\d{4}-\d{2}-\d{2}$/.test(concluded)) continue;
      const deadline = addDays(concluded, PUBLICATION_DEADLINE_DAYS);
      deadlines.push({ key: null, draftId: draft.id, subject: draft.subject, concluded, deadline, daysLeft: daysBetween(today, deadline) });
    }
    for (const row of recent) {
      const deadline = addDays(row.primary_date, PUBLICATION_DEADLINE_DAYS);
      deadlines.push({ key: row.record_key, draftId: null, subject: row.subject, concluded: row.primary_date, deadline, daysLeft: daysBetween(today, deadline) });
    }
    deadlines.sort((a, b) => a.daysLeft - b.daysLeft);
    return {
      drafts,
      importsWithRejections: jobs.filter((job) => job.counts.rejected > 0 || job.state === 'failed'),
      deadlines,
      belowB: { total: belowBTotal, items: belowB.items.map((item) => ({ id: item.id, subject: item.subject, quality: item.quality })) },
      failedHarvests: harvestLog.filter((entry) => entry.outcome === 'failed').map((entry) => ({ url: entry.url, at: entry.startedAt, message: entry.message })),
    };
  }
}

