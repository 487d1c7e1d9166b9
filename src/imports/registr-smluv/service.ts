/**
 * Importing a contract register dump: each `zaznam` becomes a version of the contract `idSmlouvy` of its
 * publisher (found by IČO, then by data box, or created). Versions are ordered by the register's idVerze, so a
 * re-import, or a later dump repeating records, changes nothing that did not change.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { SaxesParser } from 'saxes';
import { AppError } from '../../errors.ts';
import { isValidDataBox, normalizeDataBox } from '../../shared/identifiers.ts';
import { issue } from '../../standard/validate.ts';
import { kindFromName, parseOrganizationIco } from '../../organizations/rules.ts';
import type { Organization, OrganizationService } from '../../organizations/service.ts';
import type { InputItem, PublishCounts, PublishOutcome, RegisterService } from '../../register/service.ts';
import { contractOf, publisherOf, type RegisterEntry } from './mapping.ts';
import { readRegisterDump } from './reader.ts';

export interface RegisterImportReport extends PublishCounts {
  organizationsCreated: number;
  issues: PublishOutcome[];
  issuesTruncated: boolean;
}

export interface RegisterImportOptions {
  gzip?: boolean;
  chunkSize?: number;
  maxIssues?: number;
  onProgress?: (counts: PublishCounts) => void;
}

export class RegisterImportService {
  constructor(
    private readonly organizations: OrganizationService,
    private readonly register: RegisterService,
  ) {}

  async importDump(source: AsyncIterable<Uint8Array>, options: RegisterImportOptions = {}): Promise<RegisterImportReport> {
    const report: RegisterImportReport = { read: 0, created: 0, newVersions: 0, unchanged: 0, rejected: 0, withWarnings: 0, organizationsCreated: 0, issues: [], issuesTruncated: false };
    const maxIssues = options.maxIssues ?? 10_000;
    const publishers = new Map<string, Organization | null>();
    const addIssue = (outcome: PublishOutcome) => {
      if (report.issues.length < maxIssues) report.issues.push(outcome);
      else report.issuesTruncated = true;
    };

    let chunk: RegisterEntry[] = [];
    const flush = async () => {
      // Entries of one publisher keep their order; publishers are written one after another.
      const groups = new Map<number, { organization: Organization; items: InputItem[] }>();
      for (const entry of chunk) {
        const organization = await this.publisherOrganization(entry, publishers, report);
        if (!organization) {
          report.read++;
          report.rejected++;
          addIssue({ line: entry.line, id: entry.idSmlouvy ?? null, status: 'rejected', version: null, quality: null, issues: [issue('error', 'subjekt', 'publisher_unknown')] });
          continue;
        }
        let group = groups.get(organization.id);
        if (!group) {
          group = { organization, items: [] };
          groups.set(organization.id, group);
        }
        group.items.push({ line: entry.line, data: contractOf(entry) });
      }
      chunk = [];
      for (const { organization, items } of groups.values()) {
        const result = await this.register.publish(organization, items, { source: 'registr-smluv', keepOutcomes: 'problems', batchSize: items.length });
        report.read += result.read;
        report.created += result.created;
        report.newVersions += result.newVersions;
        report.unchanged += result.unchanged;
        report.rejected += result.rejected;
        report.withWarnings += result.withWarnings;
        for (const outcome of result.outcomes) addIssue(outcome);
      }
      options.onProgress?.(report);
    };

    for await (const entry of readRegisterDump(source, { gzip: options.gzip })) {
      chunk.push(entry);
      if (chunk.length >= (options.chunkSize ?? 2000)) await flush();
    }
    await flush();
    return report;
  }

  private async publisherOrganization(entry: RegisterEntry, cache: Map<string, Organization | null>, report: RegisterImportReport): Promise<Organization | null> {
    const publisher = publisherOf(entry);
    const ico = publisher.ico ? parseOrganizationIco(publisher.ico) : null;
    const dataBox = publisher.dataBox ? normalizeDataBox(publisher.dataBox) : null;
    const key = `${ico ?? ''}|${dataBox ?? ''}`;
    if (cache.has(key)) return cache.get(key)!;
    let organization = (ico ? await this.organizations.findByIco(ico) : undefined) ?? (dataBox ? await this.organizations.findByDataBox(dataBox) : undefined) ?? null;
    if (!organization && ico) {
      const created = await this.organizations.upsert({
        ico,
        name: publisher.name,
        kind: kindFromName(publisher.name),
        dataBox: dataBox && isValidDataBox(dataBox) ? dataBox : null,
      });
      organization = created.organization;
      if (created.outcome === 'created') report.organizationsCreated++;
    }
    cache.set(key, organization);
    return organization;
  }
}

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
    throw new AppError('unreadable_input', `Index dumpů nelze přečíst: ${(error as Error).message}`, `index unreadable: ${(error as Error).message}`);
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
