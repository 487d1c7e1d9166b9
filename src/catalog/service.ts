/** The catalog documents for the platform and each organisation, from the organisations and the export index. */
import { AppError } from '../errors.ts';
import type { OrganizationService } from '../organizations/service.ts';
import type { ExportService } from '../exports/service.ts';
import { RECORD_TYPES, type RecordType } from '../standard/schema.ts';
import { TYPE_SLUGS, type ExportFileEntry } from '../exports/rules.ts';
import { catalogDocument, datasetDocument, type CatalogOrganization, type CatalogSettings } from './rules.ts';

export class CatalogService {
  constructor(
    private readonly organizations: OrganizationService,
    private readonly exports: ExportService,
    private readonly settings: CatalogSettings,
  ) {}

  private async files(): Promise<ExportFileEntry[]> {
    return (await this.exports.readIndex())?.files ?? [];
  }

  private async organization(ico: string): Promise<CatalogOrganization> {
    const organization = await this.organizations.getByIco(ico);
    return { ico: organization.ico, name: organization.name, ruianCode: organization.ruianCode, kind: organization.kind };
  }

  async catalog(ico: string | null) {
    return catalogDocument(this.settings, ico === null ? null : await this.organization(ico), await this.files());
  }

  /** The dataset of a scope (IČO or `vse`) and type slug (`smlouvy`…), if the export has files for it. */
  async dataset(scope: string, slug: string) {
    const type = RECORD_TYPES.find((t) => TYPE_SLUGS[t] === slug) as RecordType | undefined;
    const organization = scope === 'vse' ? null : await this.organization(scope);
    const files = await this.files();
    if (!type || !files.some((file) => file.type === type && file.organization === (organization?.ico ?? null))) {
      throw new AppError('not_found', 'Taková datová sada v katalogu není.', `no dataset ${scope}/${slug}`);
    }
    return datasetDocument(this.settings, organization, type, files);
  }
}
