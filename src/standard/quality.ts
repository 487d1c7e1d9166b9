/**
 * Quality levels of the standard (documented in docs/standard/kvalita.md and on /standard):
 *  C — the record is valid (it passed validation);
 *  B — C, and the price is stated (or explicitly not stated with a reason), and every party is identified
 *      (a valid IČO, a foreign identifier, or marked as a natural person);
 *  A — B, and at least one attachment is in a machine-readable format, an invoice links its contract or order,
 *      and the record has no warning at all.
 */
import type { ValidationIssue } from './validate.ts';
import type { StandardRecord } from './schema.ts';

export type QualityLevel = 'A' | 'B' | 'C';

export type QualityGap =
  | 'price_missing'
  | 'party_unidentified'
  | 'attachment_not_machine_readable'
  | 'invoice_unlinked'
  | 'has_warnings';

export const QUALITY_GAP_LABELS: Record<QualityGap, string> = {
  price_missing: 'uvést cenu (nebo příznak cenaNeuvedena s důvodem)',
  party_unidentified: 'u každé smluvní strany platné IČO, zahraniční identifikátor, nebo označení fyzické osoby',
  attachment_not_machine_readable: 'přiložit dokument ve strojově čitelném formátu (PDF s textem, ODT, DOCX, HTML, TXT, XML, JSON, CSV, XLSX, ODS)',
  invoice_unlinked: 'u faktury odkázat na smlouvu nebo objednávku',
  has_warnings: 'odstranit všechna varování validace',
};

/** Media types the standard accepts as machine-readable documents. */
export const MACHINE_READABLE_MEDIA_TYPES = new Set([
  'application/pdf',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/msword',
  'application/rtf',
  'application/xml',
  'application/json',
  'text/plain',
  'text/html',
  'text/xml',
  'text/csv',
]);

export interface QualityResult {
  level: QualityLevel;
  /** What the record lacks to reach level A, in order of importance. */
  gaps: QualityGap[];
}

const B_BLOCKERS = new Set(['price_missing', 'party_unidentified', 'ico_checksum', 'ico_format']);

export function computeQuality(record: StandardRecord, warnings: readonly ValidationIssue[]): QualityResult {
  const gaps: QualityGap[] = [];
  const warningCodes = new Set(warnings.map((w) => w.code));
  const priceOk = record.hodnotaBezDph !== undefined || record.hodnotaVcetneDph !== undefined || (record.cenaNeuvedena === true && !!record.duvodNeuvedeniCeny);
  if (!priceOk) gaps.push('price_missing');
  const partiesOk = !warningCodes.has('party_unidentified') && !warningCodes.has('ico_checksum') && !warningCodes.has('ico_format');
  if (!partiesOk) gaps.push('party_unidentified');
  const hasMachineReadable = (record.prilohy ?? []).some((a) => a.typMedia !== undefined && MACHINE_READABLE_MEDIA_TYPES.has(a.typMedia.toLowerCase()));
  if (!hasMachineReadable) gaps.push('attachment_not_machine_readable');
  if (record.typ === 'faktura' && !record.smlouva && !record.objednavka) gaps.push('invoice_unlinked');
  const otherWarnings = warnings.filter((w) => !B_BLOCKERS.has(w.code));
  if (otherWarnings.length > 0) gaps.push('has_warnings');

  const level: QualityLevel = !priceOk || !partiesOk ? 'C' : gaps.length === 0 ? 'A' : 'B';
  return { level, gaps };
}
