/**
 * Validation of one record under the standard: zod decides what is an error (the record is rejected),
 * the rules below add warnings (the record is kept, flagged and its quality lowered), normalise values
 * and separate personal data (birth numbers) that must never be shown.
 */
import type { z } from 'zod';
import { decimalToHalere, halereToDecimal } from '../shared/money.ts';
import { isValidDataBox, isValidDic, isValidIco, looksLikeBirthNumber, normalizeIco } from '../shared/identifiers.ts';
import { ISSUE_MESSAGES, issueCodeOfMessage, type IssueCode } from './messages.ts';
import { attachmentSchema, contractSchema, invoiceSchema, orderSchema, partySchema, RECORD_TYPES, recordSchema, type RecordType, type StandardRecord } from './schema.ts';
import { computeQuality, type QualityResult } from './quality.ts';

export type Severity = 'error' | 'warning';

export interface ValidationIssue {
  severity: Severity;
  /** Dotted path with 1-based array positions, as in CSV headers: `strany.1.ico`. Empty for the record as a whole. */
  path: string;
  code: IssueCode;
  message: string;
}

export interface Redaction {
  path: string;
  reason: 'birth_number';
  value: string;
}

export interface ValidRecord {
  /**
   * The normalised record, including personal data; used for the content hash, never shown.
   * Its keys are in the standard's order, so JSON.stringify(record) is canonical.
   */
  record: StandardRecord;
  /** What the public sees: the record without redacted values. */
  publicRecord: StandardRecord;
  warnings: ValidationIssue[];
  redactions: Redaction[];
  quality: QualityResult;
}

export type ValidationResult = { ok: true; value: ValidRecord } | { ok: false; errors: ValidationIssue[] };

/** Czech VAT rates that have applied since 1993, in per cent (plus 0 for exempt supplies). */
export const CZECH_VAT_RATES = [0, 5, 9, 10, 12, 14, 15, 19, 20, 21, 22, 23];

export function issue(severity: Severity, path: string, code: IssueCode, message: string = ISSUE_MESSAGES[code]): ValidationIssue {
  return { severity, path, code, message };
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((part) => (typeof part === 'number' ? String(part + 1) : String(part))).join('.');
}

function mapZodIssue(zodIssue: z.core.$ZodIssue): ValidationIssue[] {
  const path = formatPath(zodIssue.path);
  if (zodIssue.code === 'unrecognized_keys') {
    return zodIssue.keys.map((key) => issue('error', path ? `${path}.${key}` : key, 'unknown_field'));
  }
  if (zodIssue.code === 'invalid_type' && (zodIssue as { input?: unknown }).input === undefined) {
    return [issue('error', path, 'missing_field')];
  }
  if (zodIssue.code === 'invalid_union' && path === '') {
    return [issue('error', 'typ', 'invalid_record_type')];
  }
  const code = issueCodeOfMessage(zodIssue.message);
  if (code) return [issue('error', path, code)];
  // A message set inline in the schema (not from the catalogue) is still Czech; keep it.
  if (/[ěščřžýáíéúůňťď]/i.test(zodIssue.message)) return [issue('error', path, 'invalid_value', zodIssue.message)];
  return [issue('error', path, zodIssue.code === 'invalid_type' ? 'invalid_type' : 'invalid_value')];
}

function canonicalAmount(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const halere = decimalToHalere(value);
  return halere === null ? value : halereToDecimal(halere);
}

const KEY_ORDER = {
  smlouva: Object.keys(contractSchema.shape),
  objednavka: Object.keys(orderSchema.shape),
  faktura: Object.keys(invoiceSchema.shape),
  party: Object.keys(partySchema.shape),
  attachment: Object.keys(attachmentSchema.shape),
};

/** Copies the defined members of `source` in the standard's key order, so that JSON.stringify is canonical. */
function ordered<T>(source: Record<string, unknown>, keys: readonly string[]): T {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = source[key];
    if (value !== undefined) out[key] = value;
  }
  return out as T;
}

/**
 * The canonical form of a record: fixed key order, no undefined members, explicit currency, amounts with two
 * decimals, IČO padded, DIČ and data box in their canonical case. Equal content gives equal JSON.
 */
function normalize(record: StandardRecord): StandardRecord {
  const source = record as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of KEY_ORDER[record.typ]) {
    let value = source[key];
    switch (key) {
      case 'mena':
        value ??= 'CZK';
        break;
      case 'hodnotaBezDph':
      case 'hodnotaVcetneDph':
        value = canonicalAmount(value as string | undefined);
        break;
      case 'strany':
        value = record.strany.map(normalizeParty);
        break;
      case 'prilohy':
        value = record.prilohy?.map((attachment) => ordered(attachment, KEY_ORDER.attachment));
        break;
    }
    if (value !== undefined) out[key] = value;
  }
  return out as unknown as StandardRecord;
}

function normalizeParty(party: StandardRecord['strany'][number]) {
  const out: Record<string, unknown> = {};
  const source = party as Record<string, unknown>;
  for (const key of KEY_ORDER.party) {
    let value = source[key] as string | undefined;
    if (value === undefined || value === '') continue;
    if (key === 'ico') value = normalizeIco(value) ?? value;
    else if (key === 'dic') value = value.replace(/\s/g, '').toUpperCase();
    else if (key === 'datovaSchranka') value = value.toLowerCase();
    out[key] = value;
  }
  return out as StandardRecord['strany'][number];
}

function checkVat(record: StandardRecord, warnings: ValidationIssue[]): void {
  if (record.hodnotaBezDph === undefined || record.hodnotaVcetneDph === undefined) return;
  const without = decimalToHalere(record.hodnotaBezDph)!;
  const withVat = decimalToHalere(record.hodnotaVcetneDph)!;
  if (without === 0 && withVat === 0) return;
  if (Math.abs(withVat) < Math.abs(without)) {
    warnings.push(issue('warning', 'hodnotaVcetneDph', 'vat_reversed'));
    return;
  }
  // Rounding to whole crowns is common, so allow one crown or 0.1 % of the amount.
  const tolerance = Math.max(100, Math.abs(without) * 0.001);
  const matches = CZECH_VAT_RATES.some((rate) => Math.abs(without * (1 + rate / 100) - withVat) <= tolerance);
  if (!matches) warnings.push(issue('warning', 'hodnotaVcetneDph', 'vat_inconsistent'));
}

function checkDateOrder(record: StandardRecord, warnings: ValidationIssue[]): void {
  const pairs: Array<[string, string | undefined, string, string | undefined]> = [];
  if (record.typ === 'smlouva') {
    pairs.push(['platnostOd', record.platnostOd, 'platnostDo', record.platnostDo]);
  } else if (record.typ === 'faktura') {
    pairs.push(['datumVystaveni', record.datumVystaveni, 'datumSplatnosti', record.datumSplatnosti]);
  } else {
    pairs.push(['datumVystaveni', record.datumVystaveni, 'datumDodani', record.datumDodani]);
  }
  for (const [, from, toKey, to] of pairs) {
    if (from && to && from > to) {
      warnings.push(issue('warning', toKey, 'dates_out_of_order'));
    }
  }
}

function checkPrice(record: StandardRecord, errors: ValidationIssue[], warnings: ValidationIssue[]): void {
  const hasAmount = record.hodnotaBezDph !== undefined || record.hodnotaVcetneDph !== undefined;
  if (record.cenaNeuvedena) {
    if (!record.duvodNeuvedeniCeny) errors.push(issue('error', 'duvodNeuvedeniCeny', 'price_reason_missing'));
    if (hasAmount) warnings.push(issue('warning', 'cenaNeuvedena', 'price_flag_with_amount'));
  } else if (!hasAmount) {
    warnings.push(issue('warning', 'hodnotaBezDph', 'price_missing'));
  }
}

/** Checks identifiers and takes birth numbers out of the public record. */
function checkParties(record: StandardRecord, warnings: ValidationIssue[], redactions: Redaction[]): StandardRecord {
  let publicRecord = record;
  record.strany.forEach((party, index) => {
    const base = `strany.${index + 1}`;
    let publicParty = party;
    for (const field of ['ico', 'zahranicniId', 'dic'] as const) {
      const value = party[field];
      // A natural person's DIČ is CZ followed by the birth number.
      const candidate = field === 'dic' ? value?.replace(/^CZ/i, '') : value;
      if (value && candidate && looksLikeBirthNumber(candidate)) {
        warnings.push(issue('warning', `${base}.${field}`, 'birth_number'));
        redactions.push({ path: `${base}.${field}`, reason: 'birth_number', value });
        const { [field]: _removed, ...rest } = publicParty;
        publicParty = rest;
      }
    }
    const icoRedacted = redactions.some((r) => r.path === `${base}.ico`);
    if (party.ico && !icoRedacted) {
      if (!/^\d{8}$/.test(party.ico)) warnings.push(issue('warning', `${base}.ico`, 'ico_format'));
      else if (!isValidIco(party.ico)) warnings.push(issue('warning', `${base}.ico`, 'ico_checksum'));
    }
    if (!party.ico && !party.zahranicniId && party.typOsoby !== 'fyzicka') {
      warnings.push(issue('warning', base, 'party_unidentified'));
    }
    if (party.dic && !isValidDic(party.dic)) warnings.push(issue('warning', `${base}.dic`, 'dic_format'));
    if (party.datovaSchranka && !isValidDataBox(party.datovaSchranka)) warnings.push(issue('warning', `${base}.datovaSchranka`, 'data_box_format'));
    if (publicParty !== party) {
      const strany = [...publicRecord.strany];
      strany[index] = publicParty;
      publicRecord = { ...publicRecord, strany };
    }
  });
  return publicRecord;
}

export interface ValidateOptions {
  /** The type given for a whole file or request, used where a record has no `typ`. */
  defaultType?: RecordType;
}

export function validateRecord(input: unknown, options: ValidateOptions = {}): ValidationResult {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, errors: [issue('error', '', 'not_an_object')] };
  }
  let candidate = input as Record<string, unknown>;
  if (candidate.typ === undefined && options.defaultType) candidate = { ...candidate, typ: options.defaultType };
  if (typeof candidate.typ === 'string' && !(RECORD_TYPES as readonly string[]).includes(candidate.typ)) {
    return { ok: false, errors: [issue('error', 'typ', 'invalid_record_type')] };
  }
  if (candidate.typ === undefined) return { ok: false, errors: [issue('error', 'typ', 'missing_field')] };

  const parsed = recordSchema.safeParse(candidate);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.flatMap(mapZodIssue) };

  const record = normalize(parsed.data);
  const errors: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  const redactions: Redaction[] = [];
  checkPrice(record, errors, warnings);
  if (errors.length > 0) return { ok: false, errors };
  const publicRecord = checkParties(record, warnings, redactions);
  checkVat(record, warnings);
  checkDateOrder(record, warnings);
  const quality = computeQuality(record, warnings);
  return { ok: true, value: { record, publicRecord, warnings, redactions, quality } };
}
