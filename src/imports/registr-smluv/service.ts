/**
 * Importing a contract register dump: each `zaznam` becomes a version of the contract `idSmlouvy` of its
 * publisher (found by IČO, then by data box, or created). Versions are ordered by the register's idVerze, so a
 * re-import, or a later dump repeating records, changes nothing that did not change.
 */
import { czechXmlReason } from '../../shared/xml-errors.ts';
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { SaxesParser } from 'saxes';
import { AppError } from '../../errors.ts';
import { rejectedRecordsCs } from '../../shared/format.ts';
import { isValidDataBox, normalizeDataBox } from '../../shared/identifiers.ts';
import { issue } from '../../standard/validate.ts';
import { kindFromName, parseOrganizationIco } from '../../organizations/rules.ts';
import type { Organization, OrganizationService } from '../../organizations/service.ts';
import type { PreparedForOrganization, PublishOutcome, PublishReport, RegisterService } from '../../register/service.ts';
import type { ImportJob, JobService } from '../../jobs/service.ts';
import { countsAfterResume, jobSource, type ImportCounts } from '../../jobs/rules.ts';
import { prepareDumpInWorker } from '../../publishing/prepare-in-worker.ts';
import { countingBytes, type ImportSource } from '../source.ts';
import type { RegisterPublisher } from './mapping.ts';
import { prepareRegisterEntry, type PreparedRegisterEntry } from './prepare.ts';
import { VersionIndex } from './versions.ts';
import { readRegisterDump } from './reader.ts';

export interface RegisterImportReport extends ImportCounts {
  job: ImportJob;
  withWarnings: number;
  organizationsCreated: number;
  issues: PublishOutcome[];
  issuesTruncated: boolean;
}

export interface RegisterImportOptions {
  actor: string;
  gzip?: boolean;
  /** All or nothing: one transaction for the whole dump, rolled back when any record is rejected. */
  atomic?: boolean;
  /** Files on disk are read and prepared by a worker thread while this thread writes; off for tests of small inputs. */
  useWorker?: boolean;
  maxIssues?: number;
  onProgress?: (counts: ImportCounts, doneBytes: number) => void;
  onJobStarted?: (jobId: number) => void;
  /** Only records of these organisations are stored (an upload in the workspace); others are rejected and no organisation is created. */
  onlyOrganizations?: ReadonlySet<number>;
  /** The organisation the job belongs to (an upload in its workspace); a dump of many publishers has none. */
  organizationId?: number;
}

// Records per batch (and transaction). 500 instead of 1,000 kept the peak ~10 MB lower at the same speed.
const BATCH_SIZE = 500;

async function* inThread(source: ImportSource, gzip: boolean, consumed: { bytes: number }): AsyncGenerator<PreparedRegisterEntry[]> {
  let batch: PreparedRegisterEntry[] = [];
  const versions = new VersionIndex();
  const bytes = countingBytes(source.open(), consumed);
  for await (const entry of readRegisterDump(bytes instanceof Uint8Array ? (async function* () { yield bytes; })() : bytes, { gzip })) {
    batch.push(prepareRegisterEntry(entry, versions));
    if (batch.length >= BATCH_SIZE) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

export class RegisterImportService {
  constructor(
    private readonly organizations: OrganizationService,
    private readonly register: RegisterService,
    private readonly jobs: JobService,
  ) {}

  /**
   * Imports a dump as one job. Each batch of records is one transaction; a killed import leaves whole batches,
   * and running it again stores what is missing and reports the rest as unchanged.
   */
  async importDump(source: ImportSource, options: RegisterImportOptions): Promise<RegisterImportReport> {
    const gzip = options.gzip ?? source.name.toLowerCase().endsWith('.gz');
    return this.jobs
      .run({ kind: 'registr-smluv', organizationId: options.organizationId ?? null, sourceName: source.name, sourceKey: source.key, actor: options.actor, totalBytes: source.size, onStarted: options.onJobStarted }, async (tracker) => {
        const publishers = new Map<string, Organization | null | 'new'>();
        const created = { organizations: 0 };
        const consumed = { bytes: 0 };
        let bytesRead = () => consumed.bytes;
        const open = async (): Promise<AsyncIterable<PreparedRegisterEntry[]>> => {
          if (source.path && (options.useWorker ?? true)) {
            const prepared = await prepareDumpInWorker(source.path, { gzip, batchSize: BATCH_SIZE });
            bytesRead = prepared.bytesRead;
            return prepared.batches;
          }
          consumed.bytes = 0;
          return inThread(source, gzip, consumed);
        };
        if (options.atomic) await this.checkBeforeAtomicImport(await open(), publishers, created);
        const batches = await open();
        const resolved = async function* (this: RegisterImportService): AsyncGenerator<PreparedForOrganization[]> {
          for await (const batch of batches) {
            const out: PreparedForOrganization[] = [];
            for (const { publisher, item } of batch) {
              const organization = await this.publisherOrganization(publisher, publishers, created, !options.onlyOrganizations);
              if (options.onlyOrganizations && organization && (organization === 'new' || !options.onlyOrganizations.has(organization.id))) {
                out.push({ organization: null, item: { rejected: true, line: item.line, id: item.rejected ? item.id : item.key, issues: [issue('error', 'subjekt', 'publisher_not_permitted')] } });
              } else if (organization && organization !== 'new') out.push({ organization, item });
              else out.push({ organization: null, item: { rejected: true, line: item.line, id: item.rejected ? item.id : item.key, issues: [issue('error', 'subjekt', 'publisher_unknown')] } });
            }
            yield out;
          }
        }.call(this);
        const report = await this.register.publishPreparedGroups(resolved, {
          source: jobSource('registr-smluv', tracker.id),
          atomic: options.atomic,
          keepOutcomes: 'problems',
          maxOutcomes: options.maxIssues ?? 10_000,
          onProgress: (counts) => {
            const counted = countsOf(counts);
            options.onProgress?.(counted, bytesRead());
            void tracker.progress(counted, bytesRead());
          },
        });
        const counts = tracker.resumed ? countsAfterResume(countsOf(report), await this.register.versionsWithSource(jobSource('registr-smluv', tracker.id))) : countsOf(report);
        const details = { withWarnings: report.withWarnings, organizationsCreated: created.organizations, issues: report.outcomes, issuesTruncated: report.outcomesTruncated };
        return { counts, report: details };
      })
      .then(({ counts, report, job }) => ({ ...counts, ...report, job }));
  }

  /**
   * The first pass of an atomic import: every record is checked and every publisher resolved before anything is
   * stored. With any rejection nothing is stored (not even new publishers); otherwise the new publishers are
   * created here, so that the single transaction of the second pass needs no other database work.
   */
  private async checkBeforeAtomicImport(batches: AsyncIterable<PreparedRegisterEntry[]>, cache: Map<string, Organization | null | 'new'>, created: { organizations: number }): Promise<void> {
    const report: PublishReport = { read: 0, created: 0, newVersions: 0, unchanged: 0, rejected: 0, withWarnings: 0, outcomes: [], outcomesTruncated: false };
    const toCreate = new Map<string, RegisterPublisher>();
    const reject = (line: number, id: string | null, issues: PublishOutcome['issues']) => {
      report.rejected++;
      if (report.outcomes.length < 10_000) report.outcomes.push({ line, id, status: 'rejected', version: null, quality: null, issues });
      else report.outcomesTruncated = true;
    };
    for await (const batch of batches) {
      for (const { publisher, item } of batch) {
        report.read++;
        if (item.rejected) {
          reject(item.line, item.id, item.issues);
          continue;
        }
        const organization = await this.publisherOrganization(publisher, cache, created, false);
        if (organization === 'new') toCreate.set(publisherKey(publisher).key, publisher);
        else if (!organization) reject(item.line, item.key, [issue('error', 'subjekt', 'publisher_unknown')]);
      }
    }
    if (report.rejected > 0) {
      throw new AppError('atomic_rejected', `${rejectedRecordsCs(report.rejected)}; v režimu „vše, nebo nic“ se proto neuložilo nic.`, `atomic register import rejected ${report.rejected} records; nothing stored`, report);
    }
    for (const publisher of toCreate.values()) await this.publisherOrganization(publisher, cache, created, true);
  }

  private async publisherOrganization(publisher: RegisterPublisher, cache: Map<string, Organization | null | 'new'>, created: { organizations: number }, create = true): Promise<Organization | null | 'new'> {
    const { ico, dataBox, key } = publisherKey(publisher);
    const cached = cache.get(key);
    if (cached !== undefined && !(cached === 'new' && create)) return cached;
    let organization = (ico ? await this.organizations.findByIco(ico) : undefined) ?? (dataBox ? await this.organizations.findByDataBox(dataBox) : undefined) ?? null;
    if (!organization && ico && !create) {
      cache.set(key, 'new');
      return 'new';
    }
    if (!organization && ico) {
      const result = await this.organizations.upsert({
        ico,
        name: publisher.name,
        kind: kindFromName(publisher.name),
        dataBox: dataBox && isValidDataBox(dataBox) ? dataBox : null,
      });
      organization = result.organization;
      if (result.outcome === 'created') created.organizations++;
    }
    cache.set(key, organization);
    return organization;
  }
}

function publisherKey(publisher: RegisterPublisher): { ico: string | null; dataBox: string | null; key: string } {
  const ico = publisher.ico ? parseOrganizationIco(publisher.ico) : null;
  const dataBox = publisher.dataBox ? normalizeDataBox(publisher.dataBox) : null;
  return { ico, dataBox, key: `${ico ?? ''}|${dataBox ?? ''}` };
}

const countsOf = (c: ImportCounts): ImportCounts => ({ read: c.read, created: c.created, newVersions: c.newVersions, unchanged: c.unchanged, rejected: c.rejected });

export interface DumpIndexEntry {
  file?: string;
  sha1?: string;
  size?: number;
}

/** Reads the dump index (index.xml): for each dump its file name, SHA-1 and size. */
export async function readDumpIndex(path: string): Promise<DumpIndexEntry[]> {
  const parser = new SaxesParser({ xmlns: true });
  const entries: DumpIndexEntry[] = [];
  let current: DumpIndexEntry | null = null;
  let text = '';
  parser.on('doctype', () => {
    throw new AppError('unreadable_input', 'Index obsahuje deklaraci DOCTYPE, která není povolena.', 'index DOCTYPE refused');
  });
  parser.on('opentag', (tag) => {
    text = '';
    if ((tag.local ?? tag.name) === 'dump') current = {};
  });
  parser.on('text', (value) => {
    text += value;
  });
  parser.on('closetag', (tag) => {
    const name = tag.local ?? tag.name;
    if (!current) return;
    if (name === 'hashDumpu') current.sha1 = text.trim().toLowerCase();
    else if (name === 'velikostDumpu') current.size = Number(text.trim());
    else if (name === 'odkaz') current.file = basename(text.trim());
    else if (name === 'dump') {
      entries.push(current);
      current = null;
    }
  });
  try {
    for await (const chunk of createReadStream(path, { encoding: 'utf8' })) parser.write(chunk as string);
    parser.close();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('unreadable_input', `Index dumpů nelze přečíst: ${czechXmlReason((error as Error).message)}.`, `index unreadable: ${(error as Error).message}`);
  }
  return entries;
}

/** Checks a dump file against its entry in the index (size and SHA-1) before anything is imported. */
export async function verifyDumpAgainstIndex(dumpPath: string, indexPath: string): Promise<void> {
  const entries = await readDumpIndex(indexPath);
  const name = basename(dumpPath);
  const entry = entries.find((e) => e.file === name) ?? (entries.length === 1 ? entries[0] : undefined);
  if (!entry) throw new AppError('unreadable_input', `Index neobsahuje soubor ${name}.`, `dump ${name} not in index`);
  const size = statSync(dumpPath).size;
  if (entry.size !== undefined && entry.size !== size) {
    throw new AppError('unreadable_input', `Soubor ${name} má ${size} bajtů, index uvádí ${entry.size}: soubor je neúplný nebo jiný.`, `dump size ${size} differs from index ${entry.size}`);
  }
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(dumpPath)) hash.update(chunk as Buffer);
  const sha1 = hash.digest('hex');
  if (entry.sha1 && entry.sha1 !== sha1) {
    throw new AppError('unreadable_input', `Otisk SHA-1 souboru ${name} neodpovídá indexu: soubor je poškozený.`, `dump sha1 ${sha1} differs from index ${entry.sha1}`);
  }
}
