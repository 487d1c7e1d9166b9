/**
 * The pure core of `om import isdoc`: bytes of one ISDOC invoice in, a standard `faktura` record out.
 * A broken or hostile file throws AppError (unreadable_input); a readable invoice that breaks ISDOC's required
 * structure is refused with every issue listed, so the clerk can get the whole file fixed at once.
 */
import { invoiceOfIsdoc, type InvoiceDirection, type IsdocInvoiceRecord, type Publisher } from './mapping.ts';
import { parseIsdoc } from './reader.ts';
import { validateIsdocStructure, type IsdocIssue } from './structure.ts';

export type { InvoiceDirection, IsdocInvoiceRecord, IsdocMapping, IsdocParty, Publisher } from './mapping.ts';
export type { IsdocIssue, IsdocIssueCode } from './structure.ts';

export type IsdocReadResult =
  | {
      ok: true;
      record: IsdocInvoiceRecord;
      contractNumber?: string;
      orderNumber?: string;
      warnings: IsdocIssue[];
      direction: InvoiceDirection;
    }
  | { ok: false; issues: IsdocIssue[] };

/**
 * Throws AppError: unreadable_input (not XML, DOCTYPE, not ISDOC, broken encoding), payload_too_large, and
 * validation_failed when the invoice belongs to neither side being the publisher.
 */
export function readIsdocInvoice(xml: Uint8Array | string, publisher: Publisher): IsdocReadResult {
  const { root } = parseIsdoc(xml);
  const issues = validateIsdocStructure(root);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, ...invoiceOfIsdoc(root, publisher) };
}
