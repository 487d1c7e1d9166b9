/**
 * Writes each organisation's contracting processes as an OCDS 1.1 release package and record package, and for an
 * export of the whole platform one pair with every organisation's processes.
 */
import { join } from 'node:path';
import { AtomicFile } from '../shared/atomic-file.ts';
import type { Invoice, StandardRecord } from '../standard/schema.ts';
import { ocdsPath, type ExportFileEntry } from '../exports/rules.ts';
import { OcdsRepository, type OcdsLinkRow } from './repository.ts';
import { compiledRelease, ocidOf, packageMeta, processReleases, type OcdsVersion } from './rules.ts';

const CHUNK = 500;

export interface OcdsExportSettings {
  prefix: string;
  baseUrl: string;
  publisherIco: string | null;
}

export class OcdsExporter {
  constructor(
    private readonly repository: OcdsRepository,
    private readonly settings: OcdsExportSettings,
  ) {}

  /**
   * Writes the packages of these organisations (all with contracts when absent) into `directory`; an export of the
   * whole platform also writes one pair of packages with every organisation's processes.
   */
  async write(directory: string, generatedAt: string, organizationIds?: number[]): Promise<ExportFileEntry[]> {
    const entries: ExportFileEntry[] = [];
    const platform = organizationIds ? null : new PackagePair(directory, null, generatedAt, this.settings.baseUrl, { publisherName: 'Otevřená města', publisherIco: this.settings.publisherIco });
    try {
      for (const organization of await this.repository.organizationsWithContracts(organizationIds)) {
        entries.push(...(await this.writeOrganization(directory, generatedAt, organization, platform)));
      }
      if (platform) entries.push(...platform.commit());
    } catch (error) {
      platform?.abort();
      throw error;
    }
    return entries;
  }

  private async writeOrganization(directory: string, generatedAt: string, organization: { id: number; ico: string; name: string }, platform: PackagePair | null): Promise<ExportFileEntry[]> {
    const links = await this.repository.links(organization.id);
    const amendmentIds = new Set(links.filter((l) => l.kind === 'dodatekKSmlouve').map((l) => l.record_id));
    const byTarget = new Map<string, OcdsLinkRow[]>();
    for (const link of links) {
      if (link.kind === 'objednavka') continue;
      if (link.kind === 'smlouva' && link.type !== 'faktura') continue;
      const list = byTarget.get(link.target_key) ?? [];
      list.push(link);
      byTarget.set(link.target_key, list);
    }
    const publisher = this.settings.publisherIco ? { publisherName: 'Otevřená města', publisherIco: this.settings.publisherIco } : { publisherName: organization.name, publisherIco: organization.ico };
    const own = new PackagePair(directory, organization.ico, generatedAt, this.settings.baseUrl, publisher);
    try {
      let afterId = 0;
      for (;;) {
        const chunk = await this.repository.contractsAfter(organization.id, afterId, CHUNK);
        if (chunk.length === 0) break;
        afterId = chunk[chunk.length - 1]!.id;
        const contracts = chunk.filter((c) => !amendmentIds.has(c.id));
        const children = contracts.flatMap((c) => byTarget.get(c.record_key) ?? []);
        const amendmentRecordIds = children.filter((l) => l.kind === 'dodatekKSmlouve').map((l) => l.record_id);
        const invoiceIds = children.filter((l) => l.kind === 'smlouva').map((l) => l.record_id);
        const versionRows = await this.repository.versions([...contracts.map((c) => c.id), ...amendmentRecordIds]);
        const versions = groupVersions(versionRows);
        const invoices = new Map((await this.repository.currentContents(invoiceIds)).map((row) => [row.id, row]));
        const personalData = versionRows.some((row) => row.content.includes('"typOsoby":"fyzicka')) || [...invoices.values()].some((row) => row.content.includes('"typOsoby":"fyzicka'));
        for (const contract of contracts) {
          const linked = byTarget.get(contract.record_key) ?? [];
          const releases = processReleases({
            prefix: this.settings.prefix,
            baseUrl: this.settings.baseUrl,
            buyer: { ico: organization.ico, name: organization.name },
            contractKey: contract.record_key,
            contractVersions: versions.get(contract.id) ?? [],
            amendments: linked.filter((l) => l.kind === 'dodatekKSmlouve').map((l) => ({ key: l.record_key, versions: versions.get(l.record_id) ?? [] })),
            invoices: linked
              .filter((l) => l.kind === 'smlouva' && invoices.get(l.record_id)?.status === 'published')
              .map((l) => {
                const row = invoices.get(l.record_id)!;
                return { key: row.record_key, record: JSON.parse(row.content) as Invoice, publishedAt: row.published_at };
              }),
            releasesUrl: own.releasesUrl,
          });
          if (releases.length === 0) continue;
          // Serialised once for the organisation's packages and the platform's.
          const contracting = { ocid: ocidOf(this.settings.prefix, organization.ico, contract.record_key), releases, releasesJson: releases.map((release) => JSON.stringify(release)), compiledJson: JSON.stringify(compiledRelease(releases)) };
          own.add(contracting, personalData);
          platform?.add(contracting, personalData);
        }
      }
      return own.commit();
    } catch (error) {
      own.abort();
      throw error;
    }
  }
}

/**
 * A release package and its record package, streamed process by process (a package is one JSON document, so
 * releases are written between its head and tail), and committed or abandoned together.
 */
class PackagePair {
  readonly releasesUrl: string;
  private readonly releasesPath: string;
  private readonly recordsPath: string;
  private readonly releaseFile: AtomicFile;
  private readonly recordFile: AtomicFile;
  private releaseCount = 0;
  private recordCount = 0;
  private personalData = false;

  constructor(
    directory: string,
    private readonly organizationIco: string | null,
    private readonly generatedAt: string,
    baseUrl: string,
    publisher: { publisherName: string; publisherIco: string | null },
  ) {
    this.releasesPath = ocdsPath(organizationIco, 'releases');
    this.recordsPath = ocdsPath(organizationIco, 'records');
    this.releasesUrl = `${baseUrl}/otevrena-data/soubory/${this.releasesPath}`;
    const head = (path: string) => JSON.stringify(packageMeta({ uri: `${baseUrl}/otevrena-data/soubory/${path}`, publishedDate: generatedAt, ...publisher })).slice(0, -1);
    this.releaseFile = new AtomicFile(join(directory, this.releasesPath));
    this.recordFile = new AtomicFile(join(directory, this.recordsPath));
    this.releaseFile.write(`${head(this.releasesPath)},"releases":[`);
    this.recordFile.write(`${head(this.recordsPath)},"packages":[${JSON.stringify(this.releasesUrl)}],"records":[`);
  }

  /** One contracting process: its releases, and its record pointing at them in this pair's release package. */
  add(contracting: { ocid: string; releases: Array<Record<string, unknown>>; releasesJson: string[]; compiledJson: string }, personalData: boolean): void {
    for (const release of contracting.releasesJson) this.releaseFile.write(`${this.releaseCount++ === 0 ? '' : ','}${release}`);
    const releases = contracting.releases.map((release) => ({ url: `${this.releasesUrl}#${release.id as string}`, date: release.date, tag: release.tag }));
    const record = `{"ocid":${JSON.stringify(contracting.ocid)},"releases":${JSON.stringify(releases)},"compiledRelease":${contracting.compiledJson}}`;
    this.recordFile.write(`${this.recordCount++ === 0 ? '' : ','}${record}`);
    this.personalData ||= personalData;
  }

  /** Commits both packages; with no release (OCDS packages need at least one) both are abandoned. */
  commit(): ExportFileEntry[] {
    if (this.releaseCount === 0) {
      this.abort();
      return [];
    }
    this.releaseFile.write(']}\n');
    this.recordFile.write(']}\n');
    const writtenReleases = this.releaseFile.commit();
    const writtenRecords = this.recordFile.commit();
    const entry = (path: string, rows: number, written: { bytes: number; sha256: string }): ExportFileEntry => ({
      path,
      organization: this.organizationIco,
      type: null,
      format: 'ocds',
      rows,
      bytes: written.bytes,
      sha256: written.sha256,
      personalData: this.personalData,
      generatedAt: this.generatedAt,
    });
    return [entry(this.releasesPath, this.releaseCount, writtenReleases), entry(this.recordsPath, this.recordCount, writtenRecords)];
  }

  abort(): void {
    this.releaseFile.abort();
    this.recordFile.abort();
  }
}

function groupVersions(rows: Array<{ record_id: number; version_no: number; change: string; content: string; published_at: string }>): Map<number, OcdsVersion[]> {
  const byRecord = new Map<number, OcdsVersion[]>();
  for (const row of rows) {
    const list = byRecord.get(row.record_id) ?? [];
    list.push({ versionNo: row.version_no, change: row.change, publishedAt: row.published_at, record: JSON.parse(row.content) as StandardRecord });
    byRecord.set(row.record_id, list);
  }
  return byRecord;
}
