/**
 * `om import ocds`: OCDS 1.1 release packages and record packages (planning, tender, award, contract,
 * implementation). Releases are stored as published and never changed; each contracting process keeps its
 * compiled state and the stages it reached, for the procurement module. Re-importing changes nothing. A package
 * is read as a stream, one release or record at a time, in one transaction: any size, bounded memory.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../errors.ts';
import { countingBytes, type ImportSource } from '../imports/source.ts';
import { jsonArrayElements, JsonStreamError } from '../shared/json-stream.ts';
import type { JobService, ImportJob } from '../jobs/service.ts';
import type { ImportCounts } from '../jobs/rules.ts';
import type { OrganizationService } from '../organizations/service.ts';
import { OcdsImportRepository } from './repository.ts';
import { compileReleases, stagesOf } from './merge.ts';

type Json = Record<string, unknown>;

/** A package streams release by release (or record by record), each parsed on its own up to this size. */
export const MAX_OCDS_ELEMENT_BYTES = 16 * 1024 * 1024;
/** Releases stored per batch (one lookup of known ids per process and batch). */
const RELEASE_BATCH = 500;
const MAX_ISSUES = 10_000;
/** The report lists this many processes; the rest are counted, not listed. */
const MAX_LISTED_PROCESSES = 10_000;

const RELEASE_TAGS = new Set([
  'planning', 'planningUpdate', 'tender', 'tenderAmendment', 'tenderUpdate', 'tenderCancellation', 'award', 'awardUpdate', 'awardCancellation',
  'contract', 'contractUpdate', 'contractAmendment', 'implementation', 'implementationUpdate', 'contractTermination',
]);

export interface OcdsIssue {
  /** Position of the release in the package (1-based), or of the record for linked records. */
  index: number;
  ocid: string | null;
  releaseId: string | null;
  field: string;
  /** Czech, for people. */
  message: string;
}

export interface OcdsImportResult extends ImportCounts {
  job: ImportJob;
  packageType: 'release' | 'record';
  processes: Array<{ ocid: string; stages: string[]; releases: number; title: string | null }>;
  issues: OcdsIssue[];
}

function releaseProblem(release: unknown): { field: string; message: string } | null {
  if (typeof release !== 'object' || release === null || Array.isArray(release)) return { field: '', message: 'Vydání (release) musí být objekt JSON.' };
  const r = release as Json;
  if (typeof r.ocid !== 'string' || r.ocid === '') return { field: 'ocid', message: 'Chybí ocid (identifikátor zadávacího procesu).' };
  if (typeof r.id !== 'string' || r.id === '') return { field: 'id', message: 'Chybí id vydání.' };
  if (typeof r.date !== 'string' || Number.isNaN(Date.parse(r.date)) || !/T\d{2}:\d{2}/.test(r.date)) return { field: 'date', message: 'Datum vydání musí být datum a čas ve formátu ISO 8601 (např. 2024-05-10T09:30:00Z).' };
  if (!Array.isArray(r.tag) || r.tag.length === 0 || !r.tag.every((t) => typeof t === 'string' && RELEASE_TAGS.has(t))) return { field: 'tag', message: 'Štítek vydání (tag) musí být neprázdný seznam hodnot z číselníku releaseTag.' };
  return null;
}

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');

export class OcdsImportService {
  constructor(
    private readonly repository: OcdsImportRepository,
    private readonly organizations: OrganizationService,
    private readonly jobs: JobService,
  ) {}

  async importFile(source: ImportSource, options: { actor: string }): Promise<OcdsImportResult> {
    const result = await this.jobs.run({ kind: 'ocds', organizationId: null, sourceName: source.name, sourceKey: source.key, actor: options.actor, totalBytes: source.size }, async (tracker) => {
      const counts: ImportCounts = { read: 0, created: 0, newVersions: 0, unchanged: 0, rejected: 0 };
      const issues: OcdsIssue[] = [];
      const consumed = { bytes: 0 };
      const kind: { packageType: 'release' | 'record' | null } = { packageType: null };
      const processes: OcdsImportResult['processes'] = [];
      let processCount = 0;
      const note = (process: OcdsImportResult['processes'][number]) => {
        processCount++;
        if (processes.length < MAX_LISTED_PROCESSES) processes.push(process);
      };
      await this.repository.inTransaction(async (repository) => {
        const now = new Date().toISOString();
        // Processes this package has releases of: compiled once at the end, from everything stored.
        const touched = new Set<string>();
        let pending: Array<{ index: number; release: Json }> = [];
        const flush = async () => {
          await this.storeReleases(repository, pending, counts, issues, touched, tracker.id, now);
          pending = [];
          // Not awaited: on SQLite the job row waits for this transaction's connection (best effort, as elsewhere).
          void tracker.progress(counts, consumed.bytes);
        };
        try {
          for await (const { key, index, value } of jsonArrayElements(countingBytes(source.open(), consumed), ['releases', 'records'], { maxElementBytes: MAX_OCDS_ELEMENT_BYTES })) {
            const type = key === 'releases' ? 'release' : 'record';
            kind.packageType ??= type;
            if (type !== kind.packageType) throw new AppError('unreadable_input', 'Balíček OCDS má buď pole „releases“, nebo „records“, ne obě.', 'OCDS package with both releases and records');
            if (type === 'release') {
              counts.read++;
              const problem = releaseProblem(value);
              if (problem) this.reject(value, index, problem, counts, issues);
              else pending.push({ index, release: value as Json });
            } else {
              const record = (typeof value === 'object' && value !== null ? value : {}) as Json;
              const releases = Array.isArray(record.releases) ? (record.releases as Json[]) : [];
              const embedded = releases.filter((r) => typeof r === 'object' && r !== null && typeof r.ocid === 'string' && !('url' in r));
              if (embedded.length > 0) {
                for (const release of embedded) {
                  counts.read++;
                  const problem = releaseProblem(release);
                  if (problem) this.reject(release, index, problem, counts, issues);
                  else pending.push({ index, release });
                }
              } else if (typeof record.ocid === 'string' && typeof record.compiledRelease === 'object' && record.compiledRelease !== null) {
                // Linked releases live elsewhere; the record's compiled release still describes the process.
                counts.read++;
                const compiled = record.compiledRelease as Json;
                const known = await repository.process(record.ocid);
                // A process compiled from its own releases is better than a record's summary of them: it stays.
                if (known && (known.compiled === JSON.stringify(compiled) || (await repository.hasReleases(record.ocid)))) counts.unchanged++;
                else {
                  counts.created++;
                  note(await this.saveProcess(repository, record.ocid, compiled, releases.length, now));
                }
              } else {
                counts.read++;
                counts.rejected++;
                if (issues.length < MAX_ISSUES) issues.push({ index, ocid: typeof record.ocid === 'string' ? record.ocid : null, releaseId: null, field: 'releases', message: 'Záznam (record) nemá vložená vydání ani compiledRelease.' });
              }
            }
            if (pending.length >= RELEASE_BATCH) await flush();
          }
        } catch (error) {
          if (error instanceof JsonStreamError) throw new AppError('unreadable_input', `Soubor ${source.name} není platný JSON v kódování UTF-8 (bajt ${error.position.toLocaleString('cs-CZ')}).`, `ocds file ${source.name} is not JSON: ${error.message}`);
          throw error;
        }
        if (!kind.packageType) throw new AppError('unreadable_input', 'Soubor není balíček OCDS: chybí pole „releases“ (release package) nebo „records“ (record package).', 'not an OCDS package');
        await flush();
        for (const ocid of touched) {
          const releases = (await repository.releaseContents(ocid)).map((text) => JSON.parse(text) as Json);
          note(await this.saveProcess(repository, ocid, compileReleases(releases), releases.length, now));
        }
      });
      await tracker.progress(counts, consumed.bytes);
      return { counts, report: { packageType: kind.packageType, issues, processes, processesTruncated: processCount > processes.length } };
    });
    const report = result.report as { packageType: 'release' | 'record'; issues: OcdsIssue[]; processes: OcdsImportResult['processes'] };
    return { ...result.counts, job: result.job, ...report };
  }

  /** Stores new releases of a batch; a known id with the same content is unchanged, with other content rejected. */
  private async storeReleases(repository: OcdsImportRepository, entries: Array<{ index: number; release: Json }>, counts: ImportCounts, issues: OcdsIssue[], touched: Set<string>, jobId: number, now: string): Promise<void> {
    const byOcid = new Map<string, Array<{ index: number; release: Json }>>();
    for (const entry of entries) {
      const ocid = entry.release.ocid as string;
      const list = byOcid.get(ocid);
      if (list) list.push(entry);
      else byOcid.set(ocid, [entry]);
    }
    for (const [ocid, list] of byOcid) {
      const existing = await repository.existingHashes(ocid, list.map((e) => e.release.id as string));
      const fresh = [];
      touched.add(ocid);
      for (const { index, release } of list) {
        const content = JSON.stringify(release);
        const hash = hashOf(content);
        const known = existing.get(release.id as string);
        if (known === hash) {
          counts.unchanged++;
        } else if (known !== undefined) {
          counts.rejected++;
          if (issues.length < MAX_ISSUES) issues.push({ index, ocid, releaseId: release.id as string, field: 'id', message: 'Vydání s tímto id už je uloženo s jiným obsahem. Vydání OCDS se nemění: změna patří do nového vydání s novým id.' });
        } else {
          existing.set(release.id as string, hash);
          fresh.push({ ocid, release_id: release.id as string, release_date: release.date as string, tags: (release.tag as string[]).join(' '), content, content_hash: hash, job_id: jobId, imported_at: now });
          counts.created++;
        }
      }
      await repository.insertReleases(fresh);
    }
  }

  private reject(release: unknown, index: number, problem: { field: string; message: string }, counts: ImportCounts, issues: OcdsIssue[]): void {
    const r = (typeof release === 'object' && release !== null ? release : {}) as Json;
    counts.rejected++;
    if (issues.length < MAX_ISSUES) issues.push({ index, ocid: typeof r.ocid === 'string' ? r.ocid : null, releaseId: typeof r.id === 'string' ? r.id : null, ...problem });
  }

  private async saveProcess(repository: OcdsImportRepository, ocid: string, compiled: Json, releaseCount: number, now: string) {
    const parties = Array.isArray(compiled.parties) ? (compiled.parties as Json[]) : [];
    const buyerId = (compiled.buyer as Json | undefined)?.id;
    const buyer = parties.find((p) => p.id === buyerId);
    const identifier = buyer?.identifier as Json | undefined;
    const organization = identifier?.scheme === 'CZ-ICO' && typeof identifier.id === 'string' ? await this.organizations.findByIco(identifier.id) : undefined;
    const tender = compiled.tender as Json | undefined;
    const contract = (compiled.contracts as Json[] | undefined)?.[0];
    const budget = (compiled.planning as Json | undefined)?.budget as Json | undefined;
    const title = (tender?.title ?? contract?.title ?? budget?.project ?? null) as string | null;
    const stages = stagesOf(compiled);
    await repository.saveProcess({
      ocid,
      organization_id: organization?.id ?? null,
      buyer_name: ((compiled.buyer as Json | undefined)?.name as string | undefined) ?? null,
      title,
      stages: stages.join(' '),
      release_count: releaseCount,
      compiled: JSON.stringify(compiled),
      updated_at: now,
    });
    return { ocid, stages, releases: releaseCount, title };
  }
}
