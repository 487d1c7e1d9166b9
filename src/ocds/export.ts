/**
 * Writes each organisation's contracting processes as an OCDS 1.1 release package and record package, streamed
 * process by process (a package is one JSON document, so releases are written between its head and tail).
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

  /** Writes the packages of these organisations (all with contracts when absent) into `directory`. */
  async write(directory: string, generatedAt: string, organizationIds?: number[]): Promise<ExportFileEntry[]> {
    const entries: ExportFileEntry[] = [];
    for (const organization of await this.repository.organizationsWithContracts(organizationIds)) {
      entries.push(...(await this.writeOrganization(directory, generatedAt, organization)));
    }
    return entries;
  }

  private async writeOrganization(directory: string, generatedAt: string, organization: { id: number; ico: string; name: string }): Promise<ExportFileEntry[]> {
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
    const releasesPath = ocdsPath(organization.ico, 'releases');
    const recordsPath = ocdsPath(organization.ico, 'records');
    const releasesUrl = `${this.settings.baseUrl}/otevrena-data/soubory/${releasesPath}`;
    const publisher = this.settings.publisherIco ? { publisherName: 'Otevřená města', publisherIco: this.settings.publisherIco } : { publisherName: organization.name, publisherIco: organization.ico };
    const head = (path: string) => JSON.stringify(packageMeta({ uri: `${this.settings.baseUrl}/otevrena-data/soubory/${path}`, publishedDate: generatedAt, ...publisher })).slice(0, -1);
    const releaseFile = new AtomicFile(join(directory, releasesPath));
    const recordFile = new AtomicFile(join(directory, recordsPath));
    let releaseCount = 0;
    let recordCount = 0;
    let personalData = false;
    try {
      releaseFile.write(`${head(releasesPath)},"releases":[`);
      recordFile.write(`${head(recordsPath)},"packages":[${JSON.stringify(releasesUrl)}],"records":[`);
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
        personalData ||= versionRows.some((row) => row.content.includes('"typOsoby":"fyzicka')) || [...invoices.values()].some((row) => row.content.includes('"typOsoby":"fyzicka'));
        for (const contract of contracts) {
          const own = byTarget.get(contract.record_key) ?? [];
          const releases = processReleases({
            prefix: this.settings.prefix,
            baseUrl: this.settings.baseUrl,
            buyer: { ico: organization.ico, name: organization.name },
            contractKey: contract.record_key,
            contractVersions: versions.get(contract.id) ?? [],
            amendments: own.filter((l) => l.kind === 'dodatekKSmlouve').map((l) => ({ key: l.record_key, versions: versions.get(l.record_id) ?? [] })),
            invoices: own
              .filter((l) => l.kind === 'smlouva' && invoices.get(l.record_id)?.status === 'published')
              .map((l) => {
                const row = invoices.get(l.record_id)!;
                return { key: row.record_key, record: JSON.parse(row.content) as Invoice, publishedAt: row.published_at };
              }),
            releasesUrl,
          });
          if (releases.length === 0) continue;
          for (const release of releases) releaseFile.write(`${releaseCount++ === 0 ? '' : ','}${JSON.stringify(release)}`);
          const record = {
            ocid: ocidOf(this.settings.prefix, organization.ico, contract.record_key),
            releases: releases.map((release) => ({ url: `${releasesUrl}#${release.id as string}`, date: release.date, tag: release.tag })),
            compiledRelease: compiledRelease(releases),
          };
          recordFile.write(`${recordCount++ === 0 ? '' : ','}${JSON.stringify(record)}`);
        }
      }
      // OCDS packages need at least one release: an organisation whose contracts are all amendments gets none.
      if (releaseCount === 0) {
        releaseFile.abort();
        recordFile.abort();
        return [];
      }
      releaseFile.write(']}\n');
      recordFile.write(']}\n');
      const writtenReleases = releaseFile.commit();
      const writtenRecords = recordFile.commit();
      const entry = (path: string, rows: number, written: { bytes: number; sha256: string }): ExportFileEntry => ({
        path,
        organization: organization.ico,
        type: null,
        format: 'ocds',
        rows,
        bytes: written.bytes,
        sha256: written.sha256,
        personalData,
        generatedAt,
      });
      return [entry(releasesPath, releaseCount, writtenReleases), entry(recordsPath, recordCount, writtenRecords)];
    } catch (error) {
      releaseFile.abort();
      recordFile.abort();
      throw error;
    }
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
