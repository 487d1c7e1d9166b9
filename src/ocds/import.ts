/**
 * `om import ocds`: OCDS 1.1 release packages and record packages (planning, tender, award, contract,
 * implementation). Releases are stored as published and never changed; each contracting process keeps its
 * compiled state and the stages it reached, for the procurement module. Re-importing changes nothing.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../errors.ts';
import { readAllBytes, type ImportSource } from '../imports/source.ts';
import type { JobService, ImportJob } from '../jobs/service.ts';
import type { ImportCounts } from '../jobs/rules.ts';
import type { OrganizationService } from '../organizations/service.ts';
import { OcdsImportRepository } from './repository.ts';
import { compileReleases, stagesOf } from './merge.ts';

type Json = Record<string, unknown>;

/** A package is parsed whole; beyond this size it should be split into one package per process. */
export const MAX_OCDS_BYTES = 200 * 1024 * 1024;

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
      const bytes = await readAllBytes(source.open(), MAX_OCDS_BYTES);
      if (!bytes) throw new AppError('unreadable_input', `Soubor ${source.name} je větší než 200 MB; rozdělte ho na balíčky po jednotlivých procesech.`, `ocds file ${source.name} over limit`);
      let document: Json;
      try {
        document = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Json;
      } catch {
        throw new AppError('unreadable_input', `Soubor ${source.name} není platný JSON v kódování UTF-8.`, `ocds file ${source.name} is not JSON`);
      }
      const counts: ImportCounts = { read: 0, created: 0, newVersions: 0, unchanged: 0, rejected: 0 };
      const issues: OcdsIssue[] = [];
      const byOcid = new Map<string, Array<{ index: number; release: Json }>>();
      const linkedCompiled = new Map<string, { compiled: Json; releases: number }>();
      let packageType: 'release' | 'record';
      if (Array.isArray(document.releases)) {
        packageType = 'release';
        document.releases.forEach((release, i) => this.collect(release, i + 1, byOcid, issues, counts));
      } else if (Array.isArray(document.records)) {
        packageType = 'record';
        document.records.forEach((raw, i) => {
          const record = raw as Json;
          const releases = Array.isArray(record.releases) ? (record.releases as Json[]) : [];
          const embedded = releases.filter((r) => typeof r.ocid === 'string' && !('url' in r));
          if (embedded.length > 0) {
            embedded.forEach((release) => this.collect(release, i + 1, byOcid, issues, counts));
          } else if (typeof record.ocid === 'string' && typeof record.compiledRelease === 'object' && record.compiledRelease !== null) {
            // Linked releases live elsewhere; the record's compiled release still describes the process.
            counts.read++;
            linkedCompiled.set(record.ocid, { compiled: record.compiledRelease as Json, releases: releases.length });
          } else {
            counts.read++;
            counts.rejected++;
            issues.push({ index: i + 1, ocid: typeof record.ocid === 'string' ? record.ocid : null, releaseId: null, field: 'releases', message: 'Záznam (record) nemá vložená vydání ani compiledRelease.' });
          }
        });
      } else {
        throw new AppError('unreadable_input', 'Soubor není balíček OCDS: chybí pole „releases“ (release package) nebo „records“ (record package).', 'not an OCDS package');
      }

      const processes: OcdsImportResult['processes'] = [];
      await this.repository.inTransaction(async (repository) => {
        const now = new Date().toISOString();
        for (const [ocid, entries] of byOcid) {
          const existing = await repository.existingHashes(ocid, entries.map((e) => e.release.id as string));
          const fresh = [];
          for (const { index, release } of entries) {
            const content = JSON.stringify(release);
            const hash = hashOf(content);
            const known = existing.get(release.id as string);
            if (known === hash) {
              counts.unchanged++;
            } else if (known !== undefined) {
              counts.rejected++;
              issues.push({ index, ocid, releaseId: release.id as string, field: 'id', message: 'Vydání s tímto id už je uloženo s jiným obsahem. Vydání OCDS se nemění: změna patří do nového vydání s novým id.' });
            } else {
              existing.set(release.id as string, hash);
              fresh.push({ ocid, release_id: release.id as string, release_date: release.date as string, tags: (release.tag as string[]).join(' '), content, content_hash: hash, job_id: tracker.id, imported_at: now });
              counts.created++;
            }
          }
          await repository.insertReleases(fresh);
          const releases = (await repository.releaseContents(ocid)).map((text) => JSON.parse(text) as Json);
          processes.push(await this.saveProcess(repository, ocid, compileReleases(releases), releases.length, now));
        }
        for (const [ocid, { compiled, releases }] of linkedCompiled) {
          const known = await repository.process(ocid);
          // A process compiled from its own releases is better than a record's summary of them: it stays.
          if (known && (known.compiled === JSON.stringify(compiled) || (await repository.hasReleases(ocid)))) counts.unchanged++;
          else {
            counts.created++;
            processes.push(await this.saveProcess(repository, ocid, compiled, releases, now));
          }
        }
      });
      await tracker.progress(counts, bytes.length);
      return { counts, report: { packageType, issues, processes } };
    });
    const report = result.report as { packageType: 'release' | 'record'; issues: OcdsIssue[]; processes: OcdsImportResult['processes'] };
    return { ...result.counts, job: result.job, ...report };
  }

  private collect(release: unknown, index: number, byOcid: Map<string, Array<{ index: number; release: Json }>>, issues: OcdsIssue[], counts: ImportCounts): void {
    counts.read++;
    const problem = releaseProblem(release);
    const r = (typeof release === 'object' && release !== null ? release : {}) as Json;
    if (problem) {
      counts.rejected++;
      issues.push({ index, ocid: typeof r.ocid === 'string' ? r.ocid : null, releaseId: typeof r.id === 'string' ? r.id : null, ...problem });
      return;
    }
    const list = byOcid.get(r.ocid as string) ?? [];
    list.push({ index, release: r });
    byOcid.set(r.ocid as string, list);
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
