/** Turns service results into the API's JSON shapes (money as decimal strings, links as absolute URLs). */
import { halereToDecimal } from '../shared/money.ts';
import type { Organization } from '../organizations/service.ts';
import type { RecordDetail, RecordListItem, VersionView } from '../register/service.ts';

export function recordPath(ico: string, id: string): string {
  return `/organizace/${ico}/zaznam/${encodeURIComponent(id)}`;
}

export function apiOrganization(organization: Organization, baseUrl: string, parentIco: string | null) {
  return {
    ico: organization.ico,
    name: organization.name,
    kind: organization.kind,
    ruianCode: organization.ruianCode,
    dataBox: organization.dataBox,
    parentIco,
    population: organization.population,
    isDemo: organization.isDemo,
    url: `${baseUrl}/organizace/${organization.ico}`,
  };
}

export function apiListItem(item: RecordListItem, baseUrl: string) {
  return {
    ...item,
    amountWithoutVat: item.amountWithoutVat === null ? null : halereToDecimal(item.amountWithoutVat),
    amountWithVat: item.amountWithVat === null ? null : halereToDecimal(item.amountWithVat),
    url: baseUrl + recordPath(item.organizationIco, item.id),
  };
}

function apiVersion(version: VersionView) {
  return {
    version: version.versionNo,
    change: version.change,
    publishedAt: version.publishedAt,
    quality: version.quality,
    qualityGaps: version.qualityGaps,
    warnings: version.warnings,
    redactedFields: version.redactedPaths,
    note: version.note,
    source: version.source,
    changes: version.changes,
    record: version.content,
  };
}

export function apiDetail(detail: RecordDetail) {
  return {
    organization: { ico: detail.organization.ico, name: detail.organization.name },
    id: detail.id,
    type: detail.type,
    status: detail.status,
    withdrawalReason: detail.withdrawalReason,
    withdrawnAt: detail.withdrawnAt,
    firstPublishedAt: detail.firstPublishedAt,
    updatedAt: detail.updatedAt,
    currentVersion: detail.current.versionNo,
    record: detail.current.content,
    versions: detail.versions.map(apiVersion),
  };
}
