/** The OpenAPI 3.1 document, generated from the same zod schemas the routes and the standard use. */
import { z } from 'zod';
import { ERROR_CODES } from '../errors.ts';
import { jsonSchemaFile } from '../standard/json-schema.ts';
import { STANDARD_VERSION } from '../standard/schema.ts';
import {
  changeListSchema,
  changesQuery,
  errorSchema,
  organizationListQuery,
  organizationListSchema,
  organizationSchema,
  publishQuery,
  publishReportSchema,
  recordDetailSchema,
  recordListQuery,
  recordListSchema,
  validationReportSchema,
  withdrawBody,
  importJobSchema,
  uploadQuery,
  draftBody,
  draftSchema,
  draftListSchema,
  attachmentQuery,
  storedAttachmentSchema,
  auditListQuery,
  auditListSchema,
  partyLookupSchema,
  harvestSourceBody,
  harvestSourceSchema,
  harvestSourceListSchema,
  memberBody,
  memberSchema,
  memberListSchema,
} from './schemas.ts';

type Json = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType): Json => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any' }) as Json;
  return rest;
};

function queryParameters(schema: z.ZodObject): Json[] {
  const js = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as { properties: Record<string, Json>; required?: string[] };
  return Object.entries(js.properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: 'query', required: (js.required ?? []).includes(name), description, schema: rest };
  });
}

const pathParam = (name: string, description: string): Json => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });

const errorResponses = (...codes: Array<keyof typeof ERROR_CODES>): Json => {
  const out: Json = {};
  for (const code of codes) {
    const status = String(ERROR_CODES[code].status);
    const existing = out[status] as { description: string } | undefined;
    out[status] = {
      description: existing ? `${existing.description}; ${code}` : code,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return out;
};

const ETAG_HEADER: Json = { ETag: { description: 'Silný validátor odpovědi; pošlete ho v If-None-Match a při beze změny dostanete 304.', schema: { type: 'string' } } };

const ok = (description: string, ref: string): Json => ({ description, headers: ETAG_HEADER, content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });

/** A list answer: JSON, or the same page as CSV (format=csv or Accept: text/csv) with the next page in Link. */
const okList = (description: string, ref: string): Json => ({
  description,
  headers: { ...ETAG_HEADER, Link: { description: 'U CSV: adresa další stránky (rel="next").', schema: { type: 'string' } } },
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } }, 'text/csv': { schema: { type: 'string' } } },
});

const notModified: Json = { '304': { description: 'Beze změny proti If-None-Match.' } };

/** Every operation can be refused by the rate limit. */
function withRateLimit(paths: Record<string, Record<string, Json>>): Record<string, Record<string, Json>> {
  for (const [path, methods] of Object.entries(paths)) {
    if (!path.startsWith('/api/')) continue;
    for (const operation of Object.values(methods)) {
      const responses = operation.responses as Json;
      responses['429'] = {
        description: 'rate_limited: příliš mnoho požadavků; počkejte počet sekund z Retry-After.',
        headers: { 'Retry-After': { schema: { type: 'integer' } }, 'RateLimit-Limit': { schema: { type: 'integer' } }, 'RateLimit-Remaining': { schema: { type: 'integer' } } },
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
  }
  return paths;
}

const recordBody: Json = {
  required: true,
  description:
    'Záznamy podle standardu: JSON (záznam, pole záznamů, nebo {"typ": …, "zaznamy": […]}), NDJSON (záznam na řádek) nebo CSV (hlavička se sloupci standardu; UTF-8 nebo windows-1250; oddělovač , ; nebo tabulátor).',
  content: {
    'application/json': { schema: { $ref: '#/components/schemas/RecordFile' } },
    'application/x-ndjson': { schema: { type: 'string' } },
    'text/csv': { schema: { type: 'string' } },
  },
};

export function buildOpenApi(baseUrl: string): Json {
  const { $schema: _s, $id: _id, ...recordFile } = jsonSchemaFile(baseUrl, 'soubor');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Otevřená města – API registru smluv, objednávek a faktur',
      version: '1.0.0',
      description: `Čtení a publikace záznamů podle standardu Otevřená města ${STANDARD_VERSION}. Čtení je volné (CORS), seznamy se stránkují kurzorem (nextCursor) a umějí výběr polí (fields) i CSV. Odpovědi nesou ETag pro podmíněné GET. Počet požadavků na klienta je omezen (429 s Retry-After). Chyby mají stabilní kódy (viz schéma Error). Zápis vyžaduje token organizace v hlavičce Authorization: Bearer. Token vytváří správce organizace a jedná s jeho oprávněními (publikace, importy, koncepty, přílohy, adresy sklizně, čtení auditního záznamu); každá změna tokenem se zapisuje do auditního záznamu.`,
    },
    servers: [{ url: baseUrl }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Token organizace (om token create --org IČO).' } },
      schemas: {
        Error: {
          ...jsonSchema(errorSchema),
          description: `Kódy chyb: ${Object.entries(ERROR_CODES)
            .map(([code, info]) => `${code} (${info.status}): ${info.description}`)
            .join(' | ')}`,
        },
        Organization: jsonSchema(organizationSchema),
        OrganizationList: jsonSchema(organizationListSchema),
        ChangeList: jsonSchema(changeListSchema),
        RecordList: jsonSchema(recordListSchema),
        RecordDetail: jsonSchema(recordDetailSchema),
        PublishReport: jsonSchema(publishReportSchema),
        ValidationReport: jsonSchema(validationReportSchema),
        WithdrawRequest: jsonSchema(withdrawBody),
        RecordFile: recordFile,
        ImportJob: jsonSchema(importJobSchema),
        DraftRequest: jsonSchema(draftBody),
        Draft: jsonSchema(draftSchema),
        DraftList: jsonSchema(draftListSchema),
        StoredAttachment: jsonSchema(storedAttachmentSchema),
        AuditList: jsonSchema(auditListSchema),
        Party: jsonSchema(partyLookupSchema),
        HarvestSourceRequest: jsonSchema(harvestSourceBody),
        HarvestSource: jsonSchema(harvestSourceSchema),
        HarvestSourceList: jsonSchema(harvestSourceListSchema),
        MemberRequest: jsonSchema(memberBody),
        Member: jsonSchema(memberSchema),
        MemberList: jsonSchema(memberListSchema),
      },
    },
    paths: withRateLimit({
      '/api/v1/organizations': {
        get: {
          summary: 'Seznam organizací podle IČO, stránkovaný kurzorem',
          operationId: 'listOrganizations',
          parameters: queryParameters(organizationListQuery),
          responses: { '200': okList('Stránka organizací', 'OrganizationList'), ...notModified, ...errorResponses('bad_request') },
        },
      },
      '/api/v1/changes': {
        get: {
          summary: 'Změny v pořadí uložení (nové záznamy, nové verze, znepřístupnění); zrcadlo pokračuje parametrem since',
          operationId: 'listChanges',
          parameters: queryParameters(changesQuery),
          responses: { '200': okList('Stránka změn', 'ChangeList'), ...notModified, ...errorResponses('bad_request', 'not_found') },
        },
      },
      '/api/v1/organizations/{ico}': {
        get: {
          summary: 'Organizace podle IČO',
          operationId: 'getOrganization',
          parameters: [pathParam('ico', 'IČO organizace')],
          responses: { '200': ok('Organizace', 'Organization'), ...notModified, ...errorResponses('not_found') },
        },
      },
      '/api/v1/records': {
        get: {
          summary: 'Záznamy všech organizací s filtry a stránkováním kurzorem (nejnovější první)',
          operationId: 'listRecords',
          parameters: queryParameters(recordListQuery),
          responses: { '200': okList('Stránka záznamů', 'RecordList'), ...notModified, ...errorResponses('bad_request', 'not_found') },
        },
      },
      '/api/v1/organizations/{ico}/records': {
        get: {
          summary: 'Záznamy jedné organizace',
          operationId: 'listOrganizationRecords',
          parameters: [pathParam('ico', 'IČO organizace'), ...queryParameters(recordListQuery.omit({ organization: true }))],
          responses: { '200': okList('Stránka záznamů', 'RecordList'), ...notModified, ...errorResponses('bad_request', 'not_found') },
        },
        post: {
          summary: 'Publikovat záznamy (vytvořit, nová verze, beze změny, odmítnuto)',
          operationId: 'publishRecords',
          security: [{ bearer: [] }],
          parameters: [pathParam('ico', 'IČO organizace'), ...queryParameters(publishQuery)],
          requestBody: recordBody,
          responses: {
            '200': ok('Výsledek pro každý záznam', 'PublishReport'),
            ...errorResponses('unreadable_input', 'unauthorized', 'forbidden', 'not_found', 'payload_too_large', 'unsupported_media_type', 'atomic_rejected'),
          },
        },
      },
      '/api/v1/organizations/{ico}/records/{id}': {
        get: {
          summary: 'Záznam se všemi verzemi a rozdíly mezi nimi',
          operationId: 'getRecord',
          parameters: [pathParam('ico', 'IČO organizace'), pathParam('id', 'Identifikátor záznamu (URL-kódovaný)')],
          responses: { '200': ok('Záznam', 'RecordDetail'), ...notModified, ...errorResponses('not_found') },
        },
      },
      '/api/v1/organizations/{ico}/records/{id}/withdraw': {
        post: {
          summary: 'Znepřístupnit záznam (s důvodem; historie zůstává veřejná)',
          operationId: 'withdrawRecord',
          security: [{ bearer: [] }],
          parameters: [pathParam('ico', 'IČO organizace'), pathParam('id', 'Identifikátor záznamu')],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/WithdrawRequest' } } } },
          responses: { '200': ok('Záznam po znepřístupnění', 'RecordDetail'), ...errorResponses('unauthorized', 'forbidden', 'not_found', 'conflict', 'validation_failed') },
        },
      },
      '/api/v1/organizations/{ico}/imports': {
        post: {
          summary: 'Nahrát soubor k importu (tabulka CSV/XLSX, faktury ISDOC, export registru smluv); import běží na pozadí',
          operationId: 'startImport',
          security: [{ bearer: [] }],
          parameters: [pathParam('ico', 'IČO organizace'), ...queryParameters(uploadQuery)],
          requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
          responses: { '202': ok('Import zahájen; stav na adrese z hlavičky Location', 'ImportJob'), ...errorResponses('bad_request', 'unauthorized', 'forbidden', 'not_found', 'payload_too_large', 'unsupported_media_type') },
        },
      },
      '/api/v1/organizations/{ico}/imports/{id}': {
        get: {
          summary: 'Stav a protokol importu: počty a problémy po řádcích',
          operationId: 'getImport',
          security: [{ bearer: [] }],
          parameters: [pathParam('ico', 'IČO organizace'), pathParam('id', 'Číslo importu')],
          responses: { '200': ok('Import', 'ImportJob'), ...notModified, ...errorResponses('unauthorized', 'forbidden', 'not_found') },
        },
      },
      '/api/v1/organizations/{ico}/imports/{id}/rejected.csv': {
        get: {
          summary: 'Odmítnuté řádky importu v původních sloupcích s důvody, k opravě a novému nahrání',
          operationId: 'getImportRejectedRows',
          security: [{ bearer: [] }],
          parameters: [pathParam('ico', 'IČO organizace'), pathParam('id', 'Číslo importu')],
          responses: { '200': { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } }, ...notModified, ...errorResponses('unauthorized', 'forbidden', 'not_found') },
        },
      },
      '/api/v1/organizations/{ico}/drafts': {
        get: {
          summary: 'Nezveřejněné koncepty organizace',
          operationId: 'listDrafts',
          security: [{ bearer: [] }],
          parameters: [pathParam('ico', 'IČO organizace')],
          responses: { '200': ok('Koncepty', 'DraftList'), ...notModified, ...errorResponses('unauthorized', 'forbidden', 'not_found') },
        },
        post: {
          summary: 'Uložit koncept záznamu (nemusí být úplný ani platný)',
          operationId: 'saveDraft',
          security: [{ bearer: [] }],
          parameters: [pathParam('ico', 'IČO organizace')],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/DraftRequest' } } } },
          responses: { '201': ok('Koncept', 'Draft'), ...errorResponses('bad_request', 'unauthorized', 'forbidden', 'not_found', 'validation_failed') },
        },
      },
      '/api/v1/organizations/{ico}/drafts/{id}': {
        get: {
          summary: 'Koncept',
          operationId: 'getDraft',
          security: [{ bearer: [] }],
          parameters: [pathParam('ico', 'IČO organizace'), pathParam('id', 'Číslo konceptu')],
          responses: { '200': ok('Koncept', 'Draft'), ...notModified, ...errorResponses('unauthorized', 'forbidden', 'not_found') },
        },
        delete: {
          summary: 'Zahodit nezveřejněný koncept (zveřejněný koncept zůstává jako původ svého záznamu)',
          operationId: 'discardDraft',
          security: [{ bearer: [] }],
          parameters: [pathParam('ico', 'IČO organizace'), pathParam('id', 'Číslo konceptu')],
          responses: { '204': { description: 'Koncept je zahozen' }, ...errorResponses('unauthorized', 'forbidden', 'not_found', 'conflict') },
        },
      },
      '/api/v1/organizations/{ico}/drafts/{id}/publish': {
        post: {
          summary: 'Zveřejnit koncept jako záznam (stejná pravidla jako formulář ve správě)',
          operationId: 'publishDraft',
          security: [{ bearer: [] }],
          parameters: [pathParam('ico', 'IČO organizace'), pathParam('id', 'Číslo konceptu')],
          responses: { '200': ok('Zveřejněný záznam', 'RecordDetail'), ...errorResponses('unauthorized', 'forbidden', 'not_found', 'conflict', 'validation_failed') },
        },
      },
      '/api/v1/organizations/{ico}/attachments': {
        post: {
          summary: 'Nahrát přílohu (uloží se podle SHA-256, typ se zjistí z obsahu; přípona neodpovídající obsahu je odmítnuta)',
          operationId: 'storeAttachment',
          security: [{ bearer: [] }],
          parameters: [pathParam('ico', 'IČO organizace'), ...queryParameters(attachmentQuery)],
          requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
          responses: { '201': ok('Uložená příloha', 'StoredAttachment'), ...errorResponses('unauthorized', 'forbidden', 'not_found', 'payload_too_large', 'unsupported_media_type') },
        },
      },
      '/api/v1/organizations/{ico}/audit': {
        get: {
          summary: 'Auditní záznam organizace: kdo, kdy, co a odkud (nejnovější první)',
          operationId: 'listAudit',
          security: [{ bearer: [] }],
          parameters: [pathParam('ico', 'IČO organizace'), ...queryParameters(auditListQuery)],
          responses: { '200': ok('Stránka auditního záznamu', 'AuditList'), ...notModified, ...errorResponses('bad_request', 'unauthorized', 'forbidden', 'not_found') },
        },
      },
      '/api/v1/organizations/{ico}/harvest-sources': {
        get: {
          summary: 'Adresy, odkud portál sklízí soubory organizace',
          operationId: 'listHarvestSources',
          security: [{ bearer: [] }],
          parameters: [pathParam('ico', 'IČO organizace')],
          responses: { '200': ok('Adresy sklizně', 'HarvestSourceList'), ...notModified, ...errorResponses('unauthorized', 'forbidden', 'not_found') },
        },
        post: {
          summary: 'Přidat adresu sklizně',
          operationId: 'addHarvestSource',
          security: [{ bearer: [] }],
          parameters: [pathParam('ico', 'IČO organizace')],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/HarvestSourceRequest' } } } },
          responses: { '201': ok('Adresa sklizně', 'HarvestSource'), ...errorResponses('bad_request', 'unauthorized', 'forbidden', 'not_found', 'validation_failed', 'conflict') },
        },
      },
      '/api/v1/organizations/{ico}/harvest-sources/{id}/deactivate': {
        post: {
          summary: 'Vypnout sklizeň z adresy (adresa i protokol zůstávají)',
          operationId: 'deactivateHarvestSource',
          security: [{ bearer: [] }],
          parameters: [pathParam('ico', 'IČO organizace'), pathParam('id', 'Číslo adresy')],
          responses: { '204': { description: 'Vypnuto' }, ...errorResponses('unauthorized', 'forbidden', 'not_found') },
        },
      },
      '/api/v1/organizations/{ico}/members': {
        get: {
          summary: 'Lidé s rolí v organizaci (token, který smí spravovat uživatele)',
          operationId: 'listMembers',
          security: [{ bearer: [] }],
          parameters: [pathParam('ico', 'IČO organizace')],
          responses: { '200': ok('Lidé a jejich role', 'MemberList'), ...notModified, ...errorResponses('unauthorized', 'forbidden', 'not_found') },
        },
        post: {
          summary: 'Přidělit roli; nová adresa dostane účet a jednorázový odkaz k přihlášení e-mailem. Poslední správce organizace o svou roli nepřijde (409).',
          operationId: 'addMember',
          security: [{ bearer: [] }],
          parameters: [pathParam('ico', 'IČO organizace')],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/MemberRequest' } } } },
          responses: { '201': ok('Člověk a jeho role', 'Member'), ...errorResponses('bad_request', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'validation_failed') },
        },
      },
      '/api/v1/organizations/{ico}/members/{userId}': {
        delete: {
          summary: 'Odebrat roli v organizaci (účet i auditní záznam zůstávají); posledního správce organizace odebrat nelze (409)',
          operationId: 'removeMember',
          security: [{ bearer: [] }],
          parameters: [pathParam('ico', 'IČO organizace'), pathParam('userId', 'Číslo uživatele')],
          responses: { '204': { description: 'Role je odebrána' }, ...errorResponses('unauthorized', 'forbidden', 'not_found', 'conflict') },
        },
      },
      '/api/v1/parties/{ico}': {
        get: {
          summary: 'Dohledání subjektu podle IČO mezi organizacemi a dřívějšími smluvními stranami',
          operationId: 'lookupParty',
          parameters: [pathParam('ico', 'IČO')],
          responses: { '200': ok('Subjekt', 'Party'), ...notModified, ...errorResponses('not_found') },
        },
      },
      '/api/v1/validate': {
        post: {
          summary: 'Validátor: zkontroluje soubor podle standardu, nic neukládá',
          operationId: 'validate',
          parameters: queryParameters(publishQuery.pick({ typ: true })),
          requestBody: recordBody,
          responses: { '200': ok('Protokol shody', 'ValidationReport'), ...errorResponses('unreadable_input', 'payload_too_large', 'unsupported_media_type') },
        },
      },
      '/healthz': {
        get: { summary: 'Stav služby (odpovídá, jakmile je databáze dostupná)', operationId: 'health', responses: { '200': { description: 'OK' }, '503': { description: 'Databáze nedostupná' } } },
      },
    }),
  };
}
