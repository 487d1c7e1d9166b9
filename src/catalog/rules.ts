/**
 * The local open-data catalog (LKOD) under DCAT-AP-CZ 2024-05-28: a catalog lists dataset IRIs, each dataset is
 * its own JSON-LD document with its distributions. Pure: built from organisations and the export index, so every
 * distribution points at a file that exists.
 */
import { schemaUrl } from '../standard/json-schema.ts';
import { RECORD_TYPE_LABELS, type RecordType } from '../standard/schema.ts';
import { PLATFORM_SCOPE, TYPE_SLUGS, type ExportFileEntry } from '../exports/rules.ts';

export const DCAT_CONTEXT = 'https://ofn.gov.cz/dcat-ap-cz-rozhraní-katalogů-otevřených-dat/2024-05-28/kontexty/rozhraní-katalogů-otevřených-dat.jsonld';
const OVM_PREFIX = 'https://rpp-opendata.egon.gov.cz/odrpp/zdroj/orgán-veřejné-moci/';
const THEME = 'http://publications.europa.eu/resource/authority/data-theme/';
const FILE_TYPE = 'http://publications.europa.eu/resource/authority/file-type/';
const MEDIA_TYPE = 'http://www.iana.org/assignments/media-types/';
const TERMS = 'https://data.gov.cz/podmínky-užití/';
const RUIAN = 'https://linked.cuzk.cz/resource/ruian/';
export const OCDS_RELEASE_PACKAGE_SCHEMA = 'https://standard.open-contracting.org/schema/1__1__5/release-package-schema.json';

export interface CatalogOrganization {
  ico: string;
  name: string;
  ruianCode: string | null;
  kind: string;
}

export interface CatalogSettings {
  baseUrl: string;
  contactEmail: string;
  /** IČO of the association that runs the platform; the platform-wide datasets name it as publisher when set. */
  publisherIco: string | null;
}

export function publisherIri(ico: string): string {
  return `${OVM_PREFIX}${ico}`;
}

export function catalogIri(baseUrl: string, ico: string | null): string {
  return ico ? `${baseUrl}/lkod/${ico}/katalog.jsonld` : `${baseUrl}/lkod/katalog.jsonld`;
}

export function datasetIri(baseUrl: string, ico: string | null, type: RecordType): string {
  return `${baseUrl}/lkod/${ico ?? PLATFORM_SCOPE}/${TYPE_SLUGS[type]}.jsonld`;
}

export function downloadUrl(baseUrl: string, path: string): string {
  return `${baseUrl}/otevrena-data/soubory/${path}`;
}

function platformPublisher(settings: CatalogSettings): string {
  return settings.publisherIco ? publisherIri(settings.publisherIco) : `${settings.baseUrl}/`;
}

function contactPoint(settings: CatalogSettings) {
  return { typ: 'Organizace', jméno: { cs: 'Otevřená města', en: 'Open Cities' }, 'e-mail': `mailto:${settings.contactEmail}` };
}

/** Datasets that exist: one per organisation and type with files, and the platform-wide ones that have files. */
export function datasetKeys(files: readonly ExportFileEntry[]): Array<{ ico: string | null; type: RecordType }> {
  const seen = new Map<string, { ico: string | null; type: RecordType }>();
  for (const file of files) {
    if (!file.type) continue;
    seen.set(`${file.organization ?? ''}:${file.type}`, { ico: file.organization, type: file.type });
  }
  return [...seen.values()].sort((a, b) => (a.ico ?? '').localeCompare(b.ico ?? '') || a.type.localeCompare(b.type));
}

export function catalogDocument(settings: CatalogSettings, organization: CatalogOrganization | null, files: readonly ExportFileEntry[]) {
  const datasets = datasetKeys(files).filter((key) => organization === null || key.ico === organization.ico);
  return {
    '@context': DCAT_CONTEXT,
    iri: catalogIri(settings.baseUrl, organization?.ico ?? null),
    typ: 'Katalog',
    název: organization
      ? { cs: `Katalog otevřených dat: ${organization.name}`, en: `Open data catalogue: ${organization.name}` }
      : { cs: 'Katalog otevřených dat platformy Otevřená města', en: 'Open data catalogue of the Open Cities platform' },
    popis: organization
      ? { cs: `Smlouvy, objednávky a faktury organizace ${organization.name} (IČO ${organization.ico}) podle publikačního standardu Otevřená města.` }
      : { cs: 'Smlouvy, objednávky a faktury měst, obcí a jejich organizací podle publikačního standardu Otevřená města, za každou organizaci i za celou platformu.' },
    poskytovatel: organization ? publisherIri(organization.ico) : platformPublisher(settings),
    kontaktní_bod: contactPoint(settings),
    domovská_stránka: organization ? `${settings.baseUrl}/organizace/${organization.ico}` : `${settings.baseUrl}/otevrena-data`,
    datová_sada: datasets.map((key) => datasetIri(settings.baseUrl, key.ico, key.type)),
  };
}

const KEYWORDS: Record<RecordType, { cs: string[]; en: string[] }> = {
  smlouva: { cs: ['smlouvy', 'registr smluv', 'veřejné finance', 'otevřená města'], en: ['contracts', 'public finance', 'open cities'] },
  objednavka: { cs: ['objednávky', 'veřejné finance', 'otevřená města'], en: ['purchase orders', 'public finance', 'open cities'] },
  faktura: { cs: ['faktury', 'výdaje', 'veřejné finance', 'otevřená města'], en: ['invoices', 'spending', 'public finance', 'open cities'] },
};

const ENGLISH_TYPES: Record<RecordType, string> = { smlouva: 'Contracts', objednavka: 'Purchase orders', faktura: 'Invoices' };

const FORMATS: Record<ExportFileEntry['format'], { label: string; fileType: string; mediaType: string }> = {
  csv: { label: 'CSV podle standardu', fileType: 'CSV', mediaType: 'text/csv' },
  excel: { label: 'CSV pro Excel (středníky, desetinné čárky)', fileType: 'CSV', mediaType: 'text/csv' },
  ndjson: { label: 'NDJSON s historií verzí', fileType: 'JSON', mediaType: 'application/x-ndjson' },
  ocds: { label: 'OCDS 1.1 release package', fileType: 'JSON', mediaType: 'application/json' },
};

export function datasetDocument(settings: CatalogSettings, organization: CatalogOrganization | null, type: RecordType, files: readonly ExportFileEntry[]) {
  const iri = datasetIri(settings.baseUrl, organization?.ico ?? null, type);
  const own = files.filter((file) => file.organization === (organization?.ico ?? null) && (file.type === type || (type === 'smlouva' && file.format === 'ocds' && file.path.endsWith('ocds-releases.json'))));
  const label = RECORD_TYPE_LABELS[type].many;
  const spatial = organization?.ruianCode && organization.kind === 'obec' ? `${RUIAN}obec/${organization.ruianCode}` : `${RUIAN}stat/1`;
  return {
    '@context': DCAT_CONTEXT,
    iri,
    typ: 'Datová sada',
    název: organization ? { cs: `${label}: ${organization.name}`, en: `${ENGLISH_TYPES[type]}: ${organization.name}` } : { cs: `${label} všech organizací na platformě Otevřená města`, en: `${ENGLISH_TYPES[type]} of all organisations on the Open Cities platform` },
    popis: {
      cs: `${label} ${organization ? `organizace ${organization.name} (IČO ${organization.ico})` : 'všech organizací platformy'} podle publikačního standardu Otevřená města: každý záznam se smluvními stranami, částkami a přílohami; NDJSON navíc s celou historií verzí včetně oprav a znepřístupnění. Soubory se obnovují každou noc.`,
    },
    poskytovatel: organization ? publisherIri(organization.ico) : platformPublisher(settings),
    téma: [`${THEME}GOVE`, `${THEME}ECON`],
    periodicita_aktualizace: 'http://publications.europa.eu/resource/authority/frequency/DAILY',
    klíčové_slovo: KEYWORDS[type],
    prvek_rúian: [spatial],
    kontaktní_bod: contactPoint(settings),
    dokumentace: `${settings.baseUrl}/standard`,
    specifikace: [schemaUrl(settings.baseUrl, type)],
    distribuce: own.map((file) => {
      const format = FORMATS[file.format];
      const url = downloadUrl(settings.baseUrl, file.path);
      return {
        typ: 'Distribuce',
        iri: `${iri}#${file.format}`,
        název: { cs: `${label}: ${format.label}` },
        podmínky_užití: {
          typ: 'Specifikace podmínek užití',
          autorské_dílo: `${TERMS}neobsahuje-autorská-díla/`,
          databáze_jako_autorské_dílo: `${TERMS}není-autorskoprávně-chráněnou-databází/`,
          databáze_chráněná_zvláštními_právy: `${TERMS}není-chráněna-zvláštním-právem-pořizovatele-databáze/`,
          osobní_údaje: file.personalData ? `${TERMS}obsahuje-osobní-údaje/` : `${TERMS}neobsahuje-osobní-údaje/`,
        },
        přístupové_url: url,
        soubor_ke_stažení: url,
        formát: `${FILE_TYPE}${format.fileType}`,
        typ_média: `${MEDIA_TYPE}${format.mediaType}`,
        schéma: file.format === 'ocds' ? OCDS_RELEASE_PACKAGE_SCHEMA : schemaUrl(settings.baseUrl, type),
      };
    }),
  };
}
