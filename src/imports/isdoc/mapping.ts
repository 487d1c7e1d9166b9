/**
 * Maps a structurally valid ISDOC invoice (see structure.ts) to a `faktura` record of the publication standard.
 * Pure: the caller validates the record with validateRecord and links the contract and order numbers.
 */
import { AppError } from '../../errors.ts';
import { normalizeIco } from '../../shared/identifiers.ts';
import { absolute, formatCzechDecimal, losesPrecision, ONE_CENT, parseDecimal, toAmount } from './decimal.ts';
import { childrenNamed, elementAt, rootOf, textAt, type IsdocElement, type IsdocParse } from './reader.ts';
import type { IsdocIssue } from './structure.ts';

export interface Publisher {
  ico: string;
}

export type InvoiceDirection = 'received' | 'issued';

export interface IsdocParty {
  nazev: string;
  ico?: string;
  zahranicniId?: string;
  dic?: string;
  adresa?: string;
  role: 'platce' | 'prijemce';
}

/** A plain `faktura` record; members that ISDOC does not give are absent, never undefined. */
export interface IsdocInvoiceRecord {
  typ: 'faktura';
  id: string;
  predmet: string;
  cisloFaktury?: string;
  variabilniSymbol?: string;
  uuid: string;
  datumVystaveni: string;
  datumUzp?: string;
  datumSplatnosti?: string;
  hodnotaBezDph?: string;
  hodnotaVcetneDph?: string;
  mena: string;
  poznamka?: string;
  strany: IsdocParty[];
}

export interface IsdocMapping {
  record: IsdocInvoiceRecord;
  contractNumber?: string;
  orderNumber?: string;
  warnings: IsdocIssue[];
  direction: InvoiceDirection;
}

const DOCUMENT_LABELS: Record<number, string> = {
  1: 'Faktura',
  2: 'Dobropis',
  3: 'Vrubopis',
  4: 'Zálohová faktura',
  5: 'Daňový doklad k přijaté platbě',
  6: 'Dobropis k daňovému dokladu k přijaté platbě',
  7: 'Zjednodušený daňový doklad',
};
/** Credit notes: a positive stated total means money flowing back, which the standard writes as negative. */
const CREDIT_NOTES = new Set([2, 6]);
const CORRECTIONS = new Set([2, 3, 6]);
const NOTE_AS_SUBJECT_MAX = 300;
const LISTED_LINES = 5;
const TEXT_MAX = 2000;

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.8 ? cut.slice(0, space) : cut}…`;
}

function oneLine(text: string | undefined): string | undefined {
  const value = text?.replace(/\s+/g, ' ').trim();
  return value ? value : undefined;
}

/** Values were checked by the structure validator, so a decimal here always parses. */
function decimal(element: IsdocElement, path: string): bigint | undefined {
  const text = textAt(element, path);
  return text === undefined ? undefined : (parseDecimal(text) ?? undefined);
}

function formatPostalZone(zone: string, country: string | undefined): string {
  const compact = zone.replace(/\s/g, '');
  return (country ?? 'CZ').toUpperCase() === 'CZ' && /^\d{5}$/.test(compact) ? `${compact.slice(0, 3)} ${compact.slice(3)}` : zone;
}

function addressOf(party: IsdocElement): string | undefined {
  const at = (name: string) => oneLine(textAt(party, `PostalAddress/${name}`));
  const country = at('Country/IdentificationCode');
  const street = [at('StreetName'), at('BuildingNumber')].filter(Boolean).join(' ');
  const zone = at('PostalZone');
  const city = [zone && formatPostalZone(zone, country), at('CityName')].filter(Boolean).join(' ');
  const foreign = country && country.toUpperCase() !== 'CZ' ? (at('Country/Name') ?? country) : undefined;
  const address = [street, city, foreign].filter(Boolean).join(', ');
  return address ? truncate(address, 500) : undefined;
}

function partyIco(party: IsdocElement | undefined): string | null {
  const id = party && textAt(party, 'PartyIdentification/ID');
  return id ? normalizeIco(id) : null;
}

function counterparty(party: IsdocElement | undefined, role: IsdocParty['role'], path: string, warnings: IsdocIssue[]): IsdocParty {
  if (!party) return { nazev: 'Anonymní odběratel', role };
  const name = oneLine(textAt(party, 'PartyName/Name'));
  if (!name) {
    warnings.push({
      element: `${path}/PartyName/Name`,
      code: 'party_name_missing',
      message: `Smluvní strana nemá v elementu ${path}/PartyName/Name uvedený název.`,
      logMessage: `empty party name at ${path}/PartyName/Name`,
    });
  }
  const out: IsdocParty = { nazev: truncate(name ?? 'Název neuveden', 500), role };
  const id = oneLine(textAt(party, 'PartyIdentification/ID'));
  const ico = id ? normalizeIco(id) : null;
  const country = textAt(party, 'PostalAddress/Country/IdentificationCode')?.toUpperCase();
  const vat = childrenNamed(party, 'PartyTaxScheme').find((scheme) => textAt(scheme, 'TaxScheme')?.toUpperCase() === 'VAT');
  const dic = vat && textAt(vat, 'CompanyID')?.replace(/\s/g, '').toUpperCase();
  // A foreign registration number is no IČO even when it has eight digits (Slovak ones do); a Czech oddity
  // stays in ico, where validateRecord flags it.
  if (id && country && country !== 'CZ') out.zahranicniId = truncate(id, 100);
  else if (id) out.ico = ico ?? truncate(id, 100);
  if (dic) out.dic = dic;
  if (!out.ico && !out.zahranicniId && dic && !dic.startsWith('CZ')) out.zahranicniId = dic;
  const address = addressOf(party);
  if (address) out.adresa = address;
  return out;
}

function decideDirection(root: IsdocElement, publisher: Publisher): InvoiceDirection {
  const own = normalizeIco(publisher.ico);
  const supplier = partyIco(elementAt(root, 'AccountingSupplierParty/Party'));
  const customer = partyIco(elementAt(root, 'AccountingCustomerParty/Party'));
  const isSupplier = own !== null && supplier === own;
  const isCustomer = own !== null && customer === own;
  if (isSupplier && isCustomer) {
    throw new AppError(
      'validation_failed',
      `Dodavatel i odběratel faktury mají IČO publikující organizace (${own}); nelze určit, zda je faktura přijatá, nebo vydaná.`,
      `ISDOC supplier and customer both have the publisher's IČO ${own}`,
    );
  }
  if (isSupplier) return 'issued';
  if (isCustomer) return 'received';
  throw new AppError(
    'validation_failed',
    `Faktura se netýká publikující organizace (IČO ${publisher.ico}): dodavatel má IČO ${supplier ?? 'neuvedeno'}, odběratel ${customer ?? 'neuvedeno'}.`,
    `ISDOC invoice belongs to neither side: publisher ${publisher.ico}, supplier ${supplier ?? '-'}, customer ${customer ?? '-'}`,
  );
}

function subjectOf(root: IsdocElement, lines: IsdocElement[], fallback: string): { subject: string; noteUsed: boolean } {
  const note = oneLine(textAt(root, 'Note'));
  if (note && note.length <= NOTE_AS_SUBJECT_MAX) return { subject: note, noteUsed: true };
  const descriptions = lines.map((line) => oneLine(textAt(line, 'Item/Description')) ?? oneLine(textAt(line, 'Note'))).filter((text) => text !== undefined);
  if (descriptions.length === 0) return { subject: truncate(note ?? fallback, TEXT_MAX), noteUsed: note !== undefined };
  const shown = descriptions.slice(0, LISTED_LINES);
  const rest = descriptions.length - shown.length;
  return { subject: truncate(`Položky: ${shown.join('; ')}${rest > 0 ? ` a další ${rest}` : ''}`, TEXT_MAX), noteUsed: false };
}

function money(value: bigint, currency: string): string {
  return `${formatCzechDecimal(value)} ${currency}`;
}

function foreignCurrencyNote(root: IsdocElement, currency: string, credit: boolean): string | undefined {
  const foreign = textAt(root, 'ForeignCurrencyCode')?.toUpperCase();
  if (!foreign || foreign === currency) return undefined;
  const sign = (value: bigint) => (credit && value > 0n ? -value : value);
  const amounts: string[] = [];
  const without = decimal(root, 'LegalMonetaryTotal/TaxExclusiveAmountCurr');
  const withVat = decimal(root, 'LegalMonetaryTotal/TaxInclusiveAmountCurr');
  if (without !== undefined) amounts.push(`${money(sign(without), foreign)} bez DPH`);
  if (withVat !== undefined) amounts.push(`${money(sign(withVat), foreign)} včetně DPH`);
  const rate = decimal(root, 'CurrRate');
  const reference = decimal(root, 'RefCurrRate');
  if (rate !== undefined && reference !== undefined) {
    const refText = formatCzechDecimal(reference, { minFraction: 0, maxFraction: 6 });
    amounts.push(`kurz ${formatCzechDecimal(rate, { minFraction: 2, maxFraction: 6 })} ${currency} za ${refText} ${foreign}`);
  }
  return amounts.length > 0 ? `Vystaveno v ${foreign}: ${amounts.join(', ')}.` : `Vystaveno v ${foreign}.`;
}

function sumWarnings(root: IsdocElement, lines: IsdocElement[], currency: string, credit: boolean): IsdocIssue[] {
  const warnings: IsdocIssue[] = [];
  const matches = (a: bigint, b: bigint) => absolute(a - b) <= ONE_CENT || (credit && absolute(a + b) <= ONE_CENT);
  const exclusive = decimal(root, 'LegalMonetaryTotal/TaxExclusiveAmount') ?? 0n;
  const inclusive = decimal(root, 'LegalMonetaryTotal/TaxInclusiveAmount') ?? 0n;
  const lineSum = lines.reduce((sum, line) => sum + (decimal(line, 'LineExtensionAmount') ?? 0n), 0n);
  if (!matches(lineSum, exclusive)) {
    warnings.push({
      element: 'Invoice/LegalMonetaryTotal/TaxExclusiveAmount',
      code: 'sum_mismatch',
      message: `Součet řádků faktury (${money(lineSum, currency)}) se liší od celkové částky bez DPH v elementu TaxExclusiveAmount (${money(exclusive, currency)}).`,
      logMessage: `sum of LineExtensionAmount ${toAmount(lineSum)} differs from TaxExclusiveAmount ${toAmount(exclusive)}`,
    });
  }
  const tax = decimal(root, 'TaxTotal/TaxAmount') ?? 0n;
  // TaxTotal/TaxAmount is net of tax already claimed on deposits; the per-rate sum is the invoice's full tax.
  const fullTax = childrenNamed(elementAt(root, 'TaxTotal')!, 'TaxSubTotal').reduce((sum, sub) => sum + (decimal(sub, 'TaxAmount') ?? 0n), 0n);
  if (!matches(exclusive + tax, inclusive) && !matches(exclusive + fullTax, inclusive)) {
    warnings.push({
      element: 'Invoice/LegalMonetaryTotal/TaxInclusiveAmount',
      code: 'sum_mismatch',
      message: `Celková částka s DPH v elementu TaxInclusiveAmount (${money(inclusive, currency)}) neodpovídá součtu částky bez DPH (${money(exclusive, currency)}) a DPH (${money(tax, currency)}).`,
      logMessage: `TaxInclusiveAmount ${toAmount(inclusive)} != TaxExclusiveAmount ${toAmount(exclusive)} + TaxAmount ${toAmount(tax)}`,
    });
  }
  return warnings;
}

function amountOf(root: IsdocElement, name: string, credit: boolean, warnings: IsdocIssue[]): string | undefined {
  const value = decimal(root, `LegalMonetaryTotal/${name}`);
  if (value === undefined) return undefined;
  if (losesPrecision(value)) {
    const element = `Invoice/LegalMonetaryTotal/${name}`;
    warnings.push({
      element,
      code: 'amount_rounded',
      message: `Částka v elementu ${element} má více než dvě desetinná místa; zaokrouhlena na ${formatCzechDecimal(value)}.`,
      logMessage: `${element} rounded to two places`,
    });
  }
  return toAmount(credit && value > 0n ? -value : value);
}

function orderNumberOf(root: IsdocElement, direction: InvoiceDirection): string | undefined {
  const order = elementAt(root, 'OrderReferences/OrderReference');
  if (!order) return undefined;
  // ExternalOrderID is the customer's own number of the order, the one a received invoice can be linked by.
  if (direction === 'received') return textAt(order, 'ExternalOrderID') ?? textAt(order, 'SalesOrderID');
  return textAt(order, 'SalesOrderID');
}

function paymentDetails(root: IsdocElement): { dueDate?: string; variableSymbol?: string } {
  const details = childrenNamed(elementAt(root, 'PaymentMeans') ?? root, 'Payment').flatMap((payment) => childrenNamed(payment, 'Details'));
  // With instalments the earliest date is when the invoice starts to be due.
  const dueDate = details
    .map((detail) => textAt(detail, 'PaymentDueDate')?.slice(0, 10))
    .filter((date) => date !== undefined)
    .sort()[0];
  const variableSymbol = details.map((detail) => textAt(detail, 'VariableSymbol')).find((symbol) => symbol !== undefined && /^\d{1,10}$/.test(symbol));
  return { dueDate, variableSymbol };
}

/**
 * Expects a tree that passed validateIsdocStructure: required elements are then present and their values parse.
 * Throws AppError('validation_failed') when the publisher is neither the supplier nor the customer.
 */
export function invoiceOfIsdoc(tree: IsdocElement | IsdocParse, publisher: Publisher): IsdocMapping {
  const root = rootOf(tree);
  const direction = decideDirection(root, publisher);
  const warnings: IsdocIssue[] = [];
  const documentType = Number(textAt(root, 'DocumentType'));
  const credit = CREDIT_NOTES.has(documentType);
  const label = DOCUMENT_LABELS[documentType] ?? 'Faktura';
  const uuid = textAt(root, 'UUID')!.toLowerCase();
  const number = oneLine(textAt(root, 'ID'));
  const currency = textAt(root, 'LocalCurrencyCode')!.toUpperCase();
  const lines = childrenNamed(elementAt(root, 'InvoiceLines')!, 'InvoiceLine');

  const party =
    direction === 'received'
      ? counterparty(elementAt(root, 'AccountingSupplierParty/Party'), 'prijemce', 'Invoice/AccountingSupplierParty/Party', warnings)
      : counterparty(elementAt(root, 'AccountingCustomerParty/Party'), 'platce', 'Invoice/AccountingCustomerParty/Party', warnings);
  const { subject, noteUsed } = subjectOf(root, lines, number ? `${label} ${number}` : label);
  const { dueDate, variableSymbol } = paymentDetails(root);

  const notes: string[] = [];
  if (documentType !== 1) {
    const originals = childrenNamed(elementAt(root, 'OriginalDocumentReferences') ?? root, 'OriginalDocumentReference').map((ref) => textAt(ref, 'ID'));
    const ids = originals.filter((id) => id !== undefined);
    notes.push(CORRECTIONS.has(documentType) && ids.length > 0 ? `${label} k dokladu ${ids.join(', ')}.` : `${label}.`);
  }
  const foreign = foreignCurrencyNote(root, currency, credit);
  if (foreign) notes.push(foreign);
  const note = oneLine(textAt(root, 'Note'));
  if (note && !noteUsed) notes.push(note);

  const record: IsdocInvoiceRecord = { typ: 'faktura', id: `isdoc:${uuid}`, predmet: subject, uuid, datumVystaveni: textAt(root, 'IssueDate')!.slice(0, 10), mena: currency, strany: [party] };
  if (number) record.cisloFaktury = number;
  if (variableSymbol) record.variabilniSymbol = variableSymbol;
  const taxPoint = textAt(root, 'TaxPointDate');
  if (taxPoint) record.datumUzp = taxPoint.slice(0, 10);
  if (dueDate) record.datumSplatnosti = dueDate;
  const without = amountOf(root, 'TaxExclusiveAmount', credit, warnings);
  const withVat = amountOf(root, 'TaxInclusiveAmount', credit, warnings);
  if (without !== undefined) record.hodnotaBezDph = without;
  if (withVat !== undefined) record.hodnotaVcetneDph = withVat;
  if (notes.length > 0) record.poznamka = truncate(notes.join(' '), TEXT_MAX);
  warnings.push(...sumWarnings(root, lines, currency, credit));

  const result: IsdocMapping = { record, warnings, direction };
  const contractNumber = textAt(root, 'ContractReferences/ContractReference/ID');
  const orderNumber = orderNumberOf(root, direction);
  if (contractNumber) result.contractNumber = contractNumber;
  if (orderNumber) result.orderNumber = orderNumber;
  return result;
}
