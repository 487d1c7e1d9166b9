/**
 * Turning one input item into what the register stores: validation, the canonical content and its hash,
 * the searchable summary. Pure and serialisable, so it can run in a worker thread beside the writer.
 */
import { validateRecord, type ValidationIssue } from '../standard/validate.ts';
import type { RecordType } from '../standard/schema.ts';
import type { QualityLevel } from '../standard/quality.ts';
import { contentHash, summarize, type RecordSummary } from './rules.ts';
import { todayUtc } from '../shared/dates.ts';

/** One item read from an input file or request: the parsed record, or why it could not be read. */
export interface InputItem {
  line: number;
  data?: unknown;
  issues?: ValidationIssue[];
}

export interface PreparedRecord {
  rejected: false;
  line: number;
  key: string;
  hash: string;
  /** Public JSON content of the version. */
  content: string;
  quality: QualityLevel;
  qualityGapsJson: string;
  warnings: ValidationIssue[];
  redactionsJson: string;
  personalDataJson: string | null;
  summary: RecordSummary;
}

export interface RejectedItem {
  rejected: true;
  line: number;
  id: string | null;
  issues: ValidationIssue[];
}

export type PreparedItem = PreparedRecord | RejectedItem;

function idOf(data: unknown): string | null {
  const id = (data as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : null;
}

export function prepareItem(item: InputItem, defaultType?: RecordType): PreparedItem {
  if (item.issues && item.issues.length > 0) return { rejected: true, line: item.line, id: idOf(item.data), issues: item.issues };
  const result = validateRecord(item.data, { defaultType });
  if (!result.ok) return { rejected: true, line: item.line, id: idOf(item.data), issues: result.errors };
  const valid = result.value;
  const canonicalJson = JSON.stringify(valid.record);
  return {
    rejected: false,
    line: item.line,
    key: valid.record.id,
    hash: contentHash(canonicalJson),
    content: valid.publicRecord === valid.record ? canonicalJson : JSON.stringify(valid.publicRecord),
    quality: valid.quality.level,
    qualityGapsJson: JSON.stringify(valid.quality.gaps),
    warnings: valid.warnings,
    redactionsJson: JSON.stringify(valid.redactions.map(({ path, reason }) => ({ path, reason }))),
    personalDataJson: valid.redactions.length > 0 ? JSON.stringify(valid.redactions) : null,
    summary: summarize(valid, todayUtc()),
  };
}

export async function* prepareAll(items: AsyncIterable<InputItem> | Iterable<InputItem>, defaultType?: RecordType): AsyncGenerator<PreparedItem> {
  for await (const item of items) yield prepareItem(item, defaultType);
}
