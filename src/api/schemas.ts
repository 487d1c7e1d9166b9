/** zod schemas of the API's parameters and answers: the routes validate with them and the OpenAPI document is generated from them. */
import { z } from 'zod';
import { RECORD_TYPES } from '../standard/schema.ts';
import { ERROR_CODES } from '../errors.ts';

const amountParam = z.string().regex(/^\d{1,15}(\.\d{1,2})?$/).meta({ description: 'Částka v Kč (desetinná tečka).' });

const fieldsParam = z
  .string()
  .regex(/^[a-zA-Z]+(,[a-zA-Z]+)*$/)
  .max(500)
  .meta({ description: 'Výběr polí položek, oddělených čárkou (např. id,subject,date); neznámé pole je chyba bad_request.' });
const formatParam = z.enum(['json', 'csv']).meta({ description: 'csv: stránka jako CSV (UTF-8, RFC 4180); další stránka v hlavičce Link rel="next". Totéž zařídí Accept: text/csv.' });

export const recordListQuery = z.strictObject({
  organization: z.string().regex(/^\d{8}$/).optional().meta({ description: 'IČO publikující organizace.' }),
  type: z.enum(RECORD_TYPES).optional().meta({ description: 'Typ záznamu.' }),
  partyIco: z.string().regex(/^\d{1,8}$/).optional().meta({ description: 'IČO smluvní strany.' }),
  dateFrom: z.iso.date().optional().meta({ description: 'Datum (uzavření / vystavení) od, včetně.' }),
  dateTo: z.iso.date().optional().meta({ description: 'Datum (uzavření / vystavení) do, včetně.' }),
  amountFrom: amountParam.optional(),
  amountTo: amountParam.optional(),
  q: z.string().max(200).optional().meta({ description: 'Fulltext: každé slovo musí být začátkem slova v předmětu, stranách nebo číslech; bez ohledu na diakritiku a velikost písmen.' }),
  includeWithdrawn: z.enum(['true', 'false']).optional().meta({ description: 'Zahrnout znepřístupněné záznamy.' }),
  cursor: z.string().max(200).optional().meta({ description: 'Kurzor další stránky z odpovědi (nextCursor).' }),
  limit: z.string().regex(/^\d{1,3}$/).optional().meta({ description: 'Počet záznamů na stránku (1–500, výchozí 50).' }),
  fields: fieldsParam.optional(),
  format: formatParam.optional(),
});

export const organizationListQuery = z.strictObject({
  kind: z.string().max(50).optional().meta({ description: 'Druh organizace (obec, kraj, prispevkova-organizace, …).' }),
  cursor: z.string().regex(/^\d{8}$/).optional().meta({ description: 'Kurzor další stránky z odpovědi (nextCursor).' }),
  limit: z.string().regex(/^\d{1,4}$/).optional().meta({ description: 'Počet organizací na stránku (1–1000, výchozí 100).' }),
  fields: fieldsParam.optional(),
  format: formatParam.optional(),
});

export const changesQuery = z.strictObject({
  since: z.string().regex(/^\d{1,15}$/).optional().meta({ description: 'Pořadové číslo (seq) poslední zpracované změny; bez něj od začátku. Pokračuje se hodnotou nextSince.' }),
  organization: z.string().regex(/^\d{8}$/).optional().meta({ description: 'Jen změny jedné organizace (IČO).' }),
  limit: z.string().regex(/^\d{1,4}$/).optional().meta({ description: 'Počet změn na stránku (1–1000, výchozí 500).' }),
  fields: fieldsParam.optional(),
  format: formatParam.optional(),
});

export const changeSchema = z.object({
  seq: z.number().int().meta({ description: 'Pořadí změny; roste v pořadí, v jakém byly změny uloženy.' }),
  change: z.enum(['created', 'corrected', 'withdrawn']),
  organizationIco: z.string(),
  id: z.string(),
  type: z.enum(RECORD_TYPES),
  version: z.number().int(),
  publishedAt: z.string(),
  note: z.string().nullable(),
  record: z.record(z.string(), z.unknown()).meta({ description: 'Obsah záznamu v této verzi podle standardu.' }),
  url: z.string(),
});

export const changeListSchema = z.object({
  items: z.array(changeSchema),
  nextSince: z.number().int().meta({ description: 'Hodnota parametru since pro další dotaz.' }),
  hasMore: z.boolean().meta({ description: 'true: další změny čekají, ptejte se hned znovu.' }),
});

export const publishQuery = z.strictObject({
  atomic: z.enum(['true', 'false']).optional().meta({ description: 'true: buď se uloží vše, nebo nic (jediný odmítnutý záznam → 422).' }),
  typ: z.enum(RECORD_TYPES).optional().meta({ description: 'Typ pro záznamy, které pole typ neuvádějí (např. CSV bez sloupce typ).' }),
  poznamka: z.string().max(1000).optional().meta({ description: 'Poznámka k vytvořeným verzím (např. důvod opravy).' }),
});

export const withdrawBody = z.strictObject({
  duvod: z.string().min(3).max(2000).meta({ description: 'Důvod znepřístupnění; zůstane veřejně v historii.' }),
  poznamka: z.string().max(2000).optional(),
});

export const issueSchema = z.object({
  severity: z.enum(['error', 'warning']),
  path: z.string().meta({ description: 'Pole (tečková cesta, pořadí od 1: strany.1.ico).' }),
  code: z.string().meta({ description: 'Stabilní kód problému.' }),
  message: z.string().meta({ description: 'Popis česky.' }),
});

export const publishReportSchema = z.object({
  read: z.number().int(),
  created: z.number().int(),
  newVersions: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.number().int(),
  withWarnings: z.number().int(),
  format: z.enum(['csv', 'json', 'ndjson']),
  encoding: z.enum(['utf-8', 'windows-1250']),
  fileIssues: z.array(z.object({ code: z.string(), column: z.string(), message: z.string() })),
  outcomes: z.array(
    z.object({
      line: z.number().int().meta({ description: 'Řádek souboru (u JSON pořadí záznamu).' }),
      id: z.string().nullable(),
      status: z.enum(['created', 'new_version', 'unchanged', 'rejected']),
      version: z.number().int().nullable(),
      quality: z.enum(['A', 'B', 'C']).nullable(),
      issues: z.array(issueSchema),
    }),
  ),
  outcomesTruncated: z.boolean(),
});

export const validationReportSchema = z.object({
  format: z.enum(['csv', 'json', 'ndjson']),
  encoding: z.enum(['utf-8', 'windows-1250']),
  fileIssues: z.array(z.object({ code: z.string(), column: z.string(), message: z.string() })),
  summary: z.object({
    read: z.number().int(),
    valid: z.number().int(),
    rejected: z.number().int(),
    withWarnings: z.number().int(),
    quality: z.object({ A: z.number().int(), B: z.number().int(), C: z.number().int() }),
  }),
  rows: z.array(z.object({ line: z.number().int(), id: z.string().nullable(), valid: z.boolean(), quality: z.enum(['A', 'B', 'C']).nullable(), issues: z.array(issueSchema) })),
  rowsTruncated: z.boolean(),
});

export const organizationSchema = z.object({
  ico: z.string(),
  name: z.string(),
  kind: z.string(),
  ruianCode: z.string().nullable(),
  dataBox: z.string().nullable(),
  parentIco: z.string().nullable(),
  population: z.number().int().nullable(),
  isDemo: z.boolean(),
  url: z.string(),
});

export const organizationListItemSchema = organizationSchema.extend({
  recordCount: z.number().int(),
  lastUpdatedAt: z.string().nullable(),
});

export const organizationListSchema = z.object({ items: z.array(organizationListItemSchema), nextCursor: z.string().nullable(), total: z.number().int() });

export const recordListItemSchema = z.object({
  organizationIco: z.string(),
  organizationName: z.string(),
  id: z.string(),
  type: z.enum(RECORD_TYPES),
  status: z.enum(['published', 'withdrawn']),
  subject: z.string(),
  ownNumber: z.string().nullable(),
  date: z.string(),
  amountWithoutVat: z.string().nullable().meta({ description: 'Částka bez DPH (desetinná tečka).' }),
  amountWithVat: z.string().nullable(),
  currency: z.string(),
  quality: z.enum(['A', 'B', 'C']),
  hasAttachment: z.boolean(),
  version: z.number().int(),
  updatedAt: z.string(),
  url: z.string(),
});

export const recordListSchema = z.object({ items: z.array(recordListItemSchema), nextCursor: z.string().nullable() });

export const versionSchema = z.object({
  version: z.number().int(),
  change: z.enum(['created', 'corrected', 'withdrawn']),
  publishedAt: z.string(),
  quality: z.enum(['A', 'B', 'C']),
  qualityGaps: z.array(z.string()),
  warnings: z.array(issueSchema),
  redactedFields: z.array(z.string()).meta({ description: 'Pole skrytá jako osobní údaj (např. rodné číslo).' }),
  note: z.string().nullable(),
  source: z.string(),
  changes: z.array(z.object({ path: z.string(), before: z.string().nullable(), after: z.string().nullable() })),
  record: z.record(z.string(), z.unknown()).meta({ description: 'Obsah záznamu v této verzi podle standardu.' }),
});

export const recordDetailSchema = z.object({
  organization: z.object({ ico: z.string(), name: z.string() }),
  id: z.string(),
  type: z.enum(RECORD_TYPES),
  status: z.enum(['published', 'withdrawn']),
  withdrawalReason: z.string().nullable(),
  withdrawnAt: z.string().nullable(),
  firstPublishedAt: z.string(),
  updatedAt: z.string(),
  currentVersion: z.number().int(),
  record: z.record(z.string(), z.unknown()),
  versions: z.array(versionSchema),
});

export const errorSchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES, ...Array<keyof typeof ERROR_CODES>]),
    message: z.string().meta({ description: 'Česky, pro lidi.' }),
    details: z.unknown().optional(),
  }),
});

// The publisher workspace's actions, for tokens.

export const importJobSchema = z.object({
  id: z.number().int(),
  kind: z.string().meta({ description: 'table, isdoc nebo registr-smluv' }),
  sourceName: z.string(),
  state: z.enum(['running', 'completed', 'failed', 'interrupted']),
  counts: z.object({ read: z.number().int(), created: z.number().int(), newVersions: z.number().int(), unchanged: z.number().int(), rejected: z.number().int() }),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  report: z.record(z.string(), z.unknown()).nullable().meta({ description: 'Protokol importu: problémy po řádcích (řádek, sloupec, hodnota, důvod).' }),
  rejectedRowsUrl: z.string().nullable().meta({ description: 'Odmítnuté řádky v původních sloupcích s důvody (CSV), jsou-li nějaké.' }),
  url: z.string(),
});

export const uploadQuery = z.strictObject({
  nazev: z.string().min(1).max(200).meta({ description: 'Název souboru s příponou (.csv, .xlsx, .isdoc, .isdocx, .zip, .xml); podle ní se volí import.' }),
});

export const draftBody = z.strictObject({
  typ: z.enum(['smlouva', 'objednavka', 'faktura']),
  pole: z.record(z.string(), z.string()).meta({ description: 'Hodnoty formuláře: sloupce CSV standardu (např. predmet, strany.1.ico); nemusí být úplné ani platné.' }),
});

export const draftSchema = z.object({
  id: z.number().int(),
  typ: z.enum(['smlouva', 'objednavka', 'faktura']),
  predmet: z.string(),
  pole: z.record(z.string(), z.string()),
  upraveno: z.string(),
  zverejneno: z.string().nullable(),
  zaznam: z.string().nullable(),
});

export const draftListSchema = z.object({ items: z.array(draftSchema) });

export const attachmentQuery = z.strictObject({ nazev: z.string().min(1).max(200).meta({ description: 'Název souboru přílohy s příponou; musí odpovídat obsahu.' }) });

export const storedAttachmentSchema = z.object({
  sha256: z.string(),
  typMedia: z.string().meta({ description: 'Typ zjištěný z obsahu souboru.' }),
  velikost: z.number().int(),
  nazev: z.string(),
  url: z.string().meta({ description: 'Veřejná adresa; příloha je veřejná, jakmile ji uvede zveřejněný záznam.' }),
});

export const auditListQuery = z.strictObject({
  pred: z.string().regex(/^\d+$/).optional().meta({ description: 'Starší záznamy než tento (nextBefore z předchozí stránky).' }),
  limit: z.string().regex(/^\d+$/).optional(),
});

export const auditListSchema = z.object({
  items: z.array(
    z.object({
      id: z.number().int(),
      at: z.string(),
      actor: z.string(),
      action: z.string(),
      actionLabel: z.string(),
      target: z.string().nullable(),
      detail: z.record(z.string(), z.unknown()).nullable(),
      ip: z.string().nullable(),
    }),
  ),
  nextBefore: z.number().int().nullable(),
});

export const partyLookupSchema = z.object({ ico: z.string(), nazev: z.string() });

export const harvestSourceBody = z.strictObject({ url: z.string().url(), typ: z.enum(['smlouva', 'objednavka', 'faktura']).optional() });

export const harvestSourceSchema = z.object({ id: z.number().int(), url: z.string(), typ: z.string().nullable(), aktivni: z.boolean(), vytvoreno: z.string() });
export const harvestSourceListSchema = z.object({ items: z.array(harvestSourceSchema) });

/** A person's role in an organisation: `admin` administers it (people, tokens, harvest), `editor` publishes. */
export const memberBody = z.strictObject({
  email: z.string().min(3).max(320),
  jmeno: z.string().max(200).optional(),
  role: z.enum(['admin', 'editor']),
  podrizene: z.boolean().optional(),
});

export const memberSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  jmeno: z.string(),
  role: z.enum(['admin', 'editor']),
  podrizene: z.boolean(),
  hesloNastaveno: z.boolean(),
});
export const memberListSchema = z.object({ items: z.array(memberSchema) });
