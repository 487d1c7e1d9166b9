/**
 * The required structure of an ISDOC 6.0.x invoice, as data taken from the XSD (isdoc-invoice-6.0.2.xsd): the
 * mandatory elements (minOccurs ≠ 0) of every type the importer enters, the optional ones it reads, and their
 * value types. structure.test.ts cross-checks this table against the XSD.
 */
export type ValueKind = 'text' | 'date' | 'decimal' | 'boolean' | 'uuid' | 'currency' | 'enumeration';

export interface ChildSpec {
  /** Local name in the ISDOC namespace. */
  name: string;
  /** minOccurs ≥ 1 outside any xs:choice. */
  required: boolean;
  /** maxOccurs="unbounded"; such elements get 1-based positions in paths: InvoiceLine[2]. */
  repeated?: boolean;
  /** The XSD complex type whose rules apply inside, a key of ISDOC_STRUCTURE. */
  type?: string;
  value?: ValueKind;
  /** The allowed values when `value` is 'enumeration'. */
  values?: readonly string[];
  /** Czech name of the element for clerks. */
  label?: string;
}

export interface TypeSpec {
  children: readonly ChildSpec[];
  /** Each xs:choice that must be satisfied: its alternatives, each listed by its required elements. */
  choices?: ReadonlyArray<ReadonlyArray<readonly string[]>>;
}

export type IsdocIssueCode =
  | 'missing_element'
  | 'duplicate_element'
  | 'invalid_value'
  | 'unknown_document_type'
  | 'missing_attribute'
  | 'unsupported_version'
  | 'sum_mismatch'
  | 'amount_rounded'
  | 'party_name_missing';

export interface IsdocIssue {
  /** Path of local names with 1-based positions of repeated elements: 'Invoice/InvoiceLines/InvoiceLine[2]/LineExtensionAmount'. */
  element: string;
  code: IsdocIssueCode;
  /** Czech, names the element. */
  message: string;
  logMessage: string;
}

const must = (name: string, rest: Partial<ChildSpec> = {}): ChildSpec => ({ name, required: true, ...rest });
const may = (name: string, rest: Partial<ChildSpec> = {}): ChildSpec => ({ name, required: false, ...rest });
const amount = (name: string, label?: string): ChildSpec => must(name, { value: 'decimal', label });
const optionalAmount = (name: string, label?: string): ChildSpec => may(name, { value: 'decimal', label });
const party = (label?: string): TypeSpec => ({ children: [must('Party', { type: 'PartyType', label })] });

export const DOCUMENT_TYPES = ['1', '2', '3', '4', '5', '6', '7'] as const;

export const ISDOC_STRUCTURE: Record<string, TypeSpec> = {
  // The root element's anonymous type.
  Invoice: {
    children: [
      must('DocumentType', { value: 'enumeration', values: DOCUMENT_TYPES, label: 'typ dokladu' }),
      must('ID', { label: 'číslo dokladu' }),
      must('UUID', { value: 'uuid', label: 'jednoznačný identifikátor dokladu' }),
      must('IssueDate', { value: 'date', label: 'datum vystavení' }),
      may('TaxPointDate', { value: 'date', label: 'datum uskutečnění zdanitelného plnění' }),
      must('VATApplicable', { value: 'boolean', label: 'podléhá DPH' }),
      must('ElectronicPossibilityAgreementReference', { label: 'souhlas s elektronickou formou faktury' }),
      may('Note', { label: 'poznámka' }),
      must('LocalCurrencyCode', { value: 'currency', label: 'tuzemská měna' }),
      may('ForeignCurrencyCode', { value: 'currency', label: 'cizí měna' }),
      must('CurrRate', { value: 'decimal', label: 'kurz' }),
      must('RefCurrRate', { value: 'decimal', label: 'vztažný kurz' }),
      must('AccountingSupplierParty', { type: 'AccountingSupplierPartyType', label: 'dodavatel' }),
      may('SellerSupplierParty', { type: 'SellerSupplierPartyType', label: 'dodavatel – fakturační adresa' }),
      may('AccountingCustomerParty', { type: 'AccountingCustomerPartyType', label: 'odběratel' }),
      may('AnonymousCustomerParty', { type: 'AnonymousCustomerPartyType', label: 'anonymní odběratel' }),
      may('BuyerCustomerParty', { type: 'BuyerCustomerPartyType', label: 'odběratel – fakturační adresa' }),
      may('OrderReferences', { type: 'OrderReferencesType', label: 'objednávky' }),
      may('OriginalDocumentReferences', { type: 'OriginalDocumentReferencesType', label: 'opravované doklady' }),
      may('ContractReferences', { type: 'ContractReferencesType', label: 'smlouvy' }),
      may('Delivery', { type: 'DeliveryType', label: 'místo dodání' }),
      must('InvoiceLines', { type: 'InvoiceLinesType', label: 'řádky faktury' }),
      must('TaxTotal', { type: 'TaxTotalType', label: 'rekapitulace DPH' }),
      must('LegalMonetaryTotal', { type: 'LegalMonetaryTotalType', label: 'celkové částky' }),
      may('PaymentMeans', { type: 'PaymentMeansType', label: 'platební údaje' }),
    ],
    choices: [[['AccountingCustomerParty'], ['AnonymousCustomerParty']]],
  },
  AccountingSupplierPartyType: party('dodavatel'),
  SellerSupplierPartyType: party(),
  AccountingCustomerPartyType: party('odběratel'),
  BuyerCustomerPartyType: party(),
  DeliveryType: party(),
  AnonymousCustomerPartyType: { children: [must('ID'), must('IDScheme')] },
  PartyType: {
    children: [
      must('PartyIdentification', { type: 'PartyIdentificationType', label: 'identifikace' }),
      must('PartyName', { type: 'PartyNameType', label: 'název' }),
      must('PostalAddress', { type: 'PostalAddressType', label: 'adresa' }),
      may('PartyTaxScheme', { type: 'PartyTaxSchemeType', repeated: true, label: 'DIČ' }),
      may('RegisterIdentification', { type: 'RegisterIdentificationType', label: 'zápis v rejstříku' }),
    ],
  },
  PartyIdentificationType: { children: [must('ID', { label: 'IČO' })] },
  PartyNameType: { children: [must('Name', { label: 'název' })] },
  PostalAddressType: {
    children: [
      must('StreetName', { label: 'ulice' }),
      must('BuildingNumber', { label: 'číslo domu' }),
      must('CityName', { label: 'obec' }),
      must('PostalZone', { label: 'PSČ' }),
      must('Country', { type: 'CountryType', label: 'stát' }),
    ],
  },
  CountryType: { children: [must('IdentificationCode', { label: 'kód státu' }), must('Name', { label: 'název státu' })] },
  PartyTaxSchemeType: { children: [must('CompanyID', { label: 'DIČ' }), must('TaxScheme', { label: 'druh daně' })] },
  RegisterIdentificationType: {
    children: [may('RegisterKeptAt'), may('RegisterFileRef'), may('RegisterDate', { value: 'date' }), may('Preformatted')],
    choices: [[['RegisterKeptAt', 'RegisterFileRef', 'RegisterDate'], ['Preformatted']]],
  },
  OrderReferencesType: { children: [must('OrderReference', { type: 'OrderReferenceType', repeated: true, label: 'objednávka' })] },
  OrderReferenceType: {
    children: [
      must('SalesOrderID', { label: 'číslo objednávky u dodavatele' }),
      may('ExternalOrderID', { label: 'číslo objednávky u odběratele' }),
      may('IssueDate', { value: 'date' }),
      may('ExternalOrderIssueDate', { value: 'date' }),
      may('UUID', { value: 'uuid' }),
    ],
  },
  OriginalDocumentReferencesType: {
    children: [must('OriginalDocumentReference', { type: 'OriginalDocumentReferenceType', repeated: true, label: 'opravovaný doklad' })],
  },
  OriginalDocumentReferenceType: { children: [must('ID', { label: 'číslo dokladu' }), may('IssueDate', { value: 'date' }), may('UUID', { value: 'uuid' })] },
  ContractReferencesType: { children: [must('ContractReference', { type: 'ContractReferenceType', repeated: true, label: 'smlouva' })] },
  ContractReferenceType: {
    children: [
      must('ID', { label: 'číslo smlouvy' }),
      may('UUID', { value: 'uuid' }),
      must('IssueDate', { value: 'date', label: 'datum smlouvy' }),
      may('LastValidDate', { value: 'date' }),
    ],
  },
  InvoiceLinesType: { children: [must('InvoiceLine', { type: 'InvoiceLineType', repeated: true, label: 'řádek faktury' })] },
  InvoiceLineType: {
    children: [
      must('ID', { label: 'číslo řádku' }),
      may('InvoicedQuantity', { value: 'decimal', label: 'množství' }),
      optionalAmount('LineExtensionAmountCurr'),
      amount('LineExtensionAmount', 'cena řádku bez DPH'),
      amount('LineExtensionAmountTaxInclusive', 'cena řádku s DPH'),
      amount('LineExtensionTaxAmount', 'DPH řádku'),
      amount('UnitPrice', 'jednotková cena bez DPH'),
      amount('UnitPriceTaxInclusive', 'jednotková cena s DPH'),
      must('ClassifiedTaxCategory', { type: 'ClassifiedTaxCategoryType', label: 'sazba DPH' }),
      may('Note'),
      may('Item', { type: 'ItemType' }),
    ],
  },
  ClassifiedTaxCategoryType: {
    children: [
      must('Percent', { value: 'decimal', label: 'sazba DPH v procentech' }),
      must('VATCalculationMethod', { value: 'enumeration', values: ['0', '1'], label: 'způsob výpočtu DPH' }),
      may('VATApplicable', { value: 'boolean' }),
    ],
  },
  ItemType: { children: [may('Description', { label: 'popis položky' })] },
  TaxTotalType: {
    children: [
      must('TaxSubTotal', { type: 'TaxSubTotalType', repeated: true, label: 'DPH v jedné sazbě' }),
      optionalAmount('TaxAmountCurr'),
      amount('TaxAmount', 'celková DPH'),
    ],
  },
  TaxSubTotalType: {
    children: [
      ...['TaxableAmount', 'TaxAmount', 'TaxInclusiveAmount'].map((name) => amount(name)),
      ...['AlreadyClaimedTaxableAmount', 'AlreadyClaimedTaxAmount', 'AlreadyClaimedTaxInclusiveAmount'].map((name) => amount(name)),
      ...['DifferenceTaxableAmount', 'DifferenceTaxAmount', 'DifferenceTaxInclusiveAmount'].map((name) => amount(name)),
      must('TaxCategory', { type: 'TaxCategoryType', label: 'sazba DPH' }),
    ],
  },
  TaxCategoryType: { children: [must('Percent', { value: 'decimal', label: 'sazba DPH v procentech' }), may('VATApplicable', { value: 'boolean' })] },
  LegalMonetaryTotalType: {
    children: [
      amount('TaxExclusiveAmount', 'celkem bez DPH'),
      optionalAmount('TaxExclusiveAmountCurr', 'celkem bez DPH v cizí měně'),
      amount('TaxInclusiveAmount', 'celkem s DPH'),
      optionalAmount('TaxInclusiveAmountCurr', 'celkem s DPH v cizí měně'),
      amount('AlreadyClaimedTaxExclusiveAmount'),
      amount('AlreadyClaimedTaxInclusiveAmount'),
      amount('DifferenceTaxExclusiveAmount'),
      amount('DifferenceTaxInclusiveAmount'),
      optionalAmount('PayableRoundingAmount'),
      amount('PaidDepositsAmount', 'zaplacené zálohy'),
      amount('PayableAmount', 'k úhradě'),
    ],
  },
  PaymentMeansType: { children: [must('Payment', { type: 'PaymentType', repeated: true, label: 'platba' })] },
  PaymentType: {
    children: [
      amount('PaidAmount', 'částka platby'),
      must('PaymentMeansCode', { value: 'enumeration', values: ['10', '20', '31', '42', '48', '49', '50', '97'], label: 'způsob platby' }),
      may('Details', { type: 'DetailsType', label: 'podrobnosti platby' }),
    ],
  },
  DetailsType: {
    children: [
      may('DocumentID'),
      may('IssueDate', { value: 'date' }),
      may('PaymentDueDate', { value: 'date', label: 'datum splatnosti' }),
      ...['ID', 'BankCode', 'Name', 'IBAN', 'BIC', 'VariableSymbol', 'ConstantSymbol', 'SpecificSymbol'].map((name) => may(name)),
    ],
    choices: [[['DocumentID', 'IssueDate'], ['PaymentDueDate', 'ID', 'BankCode', 'Name', 'IBAN', 'BIC']]],
  },
};
