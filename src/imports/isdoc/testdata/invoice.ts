/**
 * Builds small ISDOC 6.0.2 invoices for tests: our own content (a fictional town and supplier), valid against
 * the XSD unless a test edits the text. Totals are computed from the lines at 21 % VAT unless overridden.
 */

export const TOWN = { name: 'Město Příklad', ico: '00283924', dic: 'CZ00283924', street: 'Náměstí Míru', number: '1', zone: '12345', city: 'Příklad' };
export const SUPPLIER = { name: 'Stavby Příklad s.r.o.', ico: '12345679', dic: 'CZ12345679', street: 'Dlouhá', number: '12', zone: '60200', city: 'Brno' };
export const OTHER_COMPANY_ICO = '25596641';

export interface PartyInput {
  name: string;
  ico: string;
  dic?: string;
  street: string;
  number: string;
  zone: string;
  city: string;
  country?: { code: string; name: string };
}

export interface LineInput {
  description?: string;
  /** Line amount without VAT, two places. */
  amount: string;
}

export interface BuildOptions {
  documentType?: number;
  id?: string;
  uuid?: string;
  note?: string;
  supplier?: PartyInput;
  customer?: PartyInput;
  lines?: LineInput[];
  /** Overrides of the computed totals. */
  taxExclusive?: string;
  taxInclusive?: string;
  foreign?: { currency: string; rate: string; refRate?: string; taxExclusive: string; taxInclusive: string };
  payment?: { dueDate: string; variableSymbol?: string };
  order?: { salesOrderId: string; externalOrderId?: string };
  contractId?: string;
  originalDocumentId?: string;
  /** States every amount negative, as some exporters do on credit notes. */
  negative?: boolean;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const toHalere = (amount: string) => Math.round(Number(amount) * 100);
const fromHalere = (halere: number) => (halere / 100).toFixed(2);

function party(p: PartyInput): string {
  const country = p.country ?? { code: 'CZ', name: 'Česká republika' };
  const tax = p.dic ? `<PartyTaxScheme><CompanyID>${p.dic}</CompanyID><TaxScheme>VAT</TaxScheme></PartyTaxScheme>` : '';
  return `<Party>
      <PartyIdentification><ID>${p.ico}</ID></PartyIdentification>
      <PartyName><Name>${escape(p.name)}</Name></PartyName>
      <PostalAddress>
        <StreetName>${escape(p.street)}</StreetName><BuildingNumber>${p.number}</BuildingNumber>
        <CityName>${escape(p.city)}</CityName><PostalZone>${p.zone}</PostalZone>
        <Country><IdentificationCode>${country.code}</IdentificationCode><Name>${escape(country.name)}</Name></Country>
      </PostalAddress>
      ${tax}
    </Party>`;
}

export function buildIsdoc(options: BuildOptions = {}): string {
  const lines = options.lines ?? [
    { description: 'Oprava chodníku v ulici Školní', amount: '10000.00' },
    { description: 'Odvoz suti', amount: '2500.00' },
  ];
  const sign = options.negative ? -1 : 1;
  const lineXml = lines.map((line, index) => {
    const amount = toHalere(line.amount) * sign;
    const vat = Math.round(amount * 0.21);
    const item = line.description === undefined ? '' : `<Item><Description>${escape(line.description)}</Description></Item>`;
    return `<InvoiceLine>
      <ID>${index + 1}</ID>
      <InvoicedQuantity unitCode="ks">1</InvoicedQuantity>
      <LineExtensionAmount>${fromHalere(amount)}</LineExtensionAmount>
      <LineExtensionAmountTaxInclusive>${fromHalere(amount + vat)}</LineExtensionAmountTaxInclusive>
      <LineExtensionTaxAmount>${fromHalere(vat)}</LineExtensionTaxAmount>
      <UnitPrice>${fromHalere(amount)}</UnitPrice>
      <UnitPriceTaxInclusive>${fromHalere(amount + vat)}</UnitPriceTaxInclusive>
      <ClassifiedTaxCategory><Percent>21</Percent><VATCalculationMethod>0</VATCalculationMethod></ClassifiedTaxCategory>
      ${item}
    </InvoiceLine>`;
  });
  const base = lines.reduce((sum, line) => sum + toHalere(line.amount) * sign, 0);
  const tax = Math.round(base * 0.21);
  const exclusive = options.taxExclusive ?? fromHalere(base);
  const inclusive = options.taxInclusive ?? fromHalere(base + tax);
  const foreign = options.foreign;
  const refs = [
    options.order
      ? `<OrderReferences><OrderReference id="o1"><SalesOrderID>${options.order.salesOrderId}</SalesOrderID>${
          options.order.externalOrderId ? `<ExternalOrderID>${options.order.externalOrderId}</ExternalOrderID>` : ''
        }</OrderReference></OrderReferences>`
      : '',
    options.originalDocumentId
      ? `<OriginalDocumentReferences><OriginalDocumentReference id="d1"><ID>${options.originalDocumentId}</ID></OriginalDocumentReference></OriginalDocumentReferences>`
      : '',
    options.contractId
      ? `<ContractReferences><ContractReference id="c1"><ID>${options.contractId}</ID><IssueDate>2024-01-15</IssueDate></ContractReference></ContractReferences>`
      : '',
  ].join('\n  ');
  const payment = options.payment
    ? `<PaymentMeans><Payment><PaidAmount>${inclusive}</PaidAmount><PaymentMeansCode>42</PaymentMeansCode><Details>
        <PaymentDueDate>${options.payment.dueDate}</PaymentDueDate><ID>123456789</ID><BankCode>0800</BankCode>
        <Name>Banka</Name><IBAN>CZ6508000000192000145399</IBAN><BIC>GIBACZPX</BIC>
        ${options.payment.variableSymbol ? `<VariableSymbol>${options.payment.variableSymbol}</VariableSymbol>` : ''}
      </Details></Payment></PaymentMeans>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="http://isdoc.cz/namespace/2013" version="6.0.2">
  <DocumentType>${options.documentType ?? 1}</DocumentType>
  <ID>${escape(options.id ?? 'FV-2024-0042')}</ID>
  <UUID>${options.uuid ?? '0F4C2B7A-1D3E-4A5B-9C6D-7E8F90A1B2C3'}</UUID>
  <IssueDate>2024-06-10</IssueDate>
  <TaxPointDate>2024-06-09</TaxPointDate>
  <VATApplicable>true</VATApplicable>
  <ElectronicPossibilityAgreementReference></ElectronicPossibilityAgreementReference>
  ${options.note === undefined ? '' : `<Note>${escape(options.note)}</Note>`}
  <LocalCurrencyCode>CZK</LocalCurrencyCode>
  ${foreign ? `<ForeignCurrencyCode>${foreign.currency}</ForeignCurrencyCode>` : ''}
  <CurrRate>${foreign?.rate ?? '1'}</CurrRate>
  <RefCurrRate>${foreign?.refRate ?? '1'}</RefCurrRate>
  <AccountingSupplierParty>${party(options.supplier ?? SUPPLIER)}</AccountingSupplierParty>
  <AccountingCustomerParty>${party(options.customer ?? TOWN)}</AccountingCustomerParty>
  ${refs}
  <InvoiceLines>
    ${lineXml.join('\n    ')}
  </InvoiceLines>
  <TaxTotal>
    <TaxSubTotal>
      <TaxableAmount>${fromHalere(base)}</TaxableAmount><TaxAmount>${fromHalere(tax)}</TaxAmount>
      <TaxInclusiveAmount>${fromHalere(base + tax)}</TaxInclusiveAmount>
      <AlreadyClaimedTaxableAmount>0</AlreadyClaimedTaxableAmount><AlreadyClaimedTaxAmount>0</AlreadyClaimedTaxAmount>
      <AlreadyClaimedTaxInclusiveAmount>0</AlreadyClaimedTaxInclusiveAmount>
      <DifferenceTaxableAmount>${fromHalere(base)}</DifferenceTaxableAmount><DifferenceTaxAmount>${fromHalere(tax)}</DifferenceTaxAmount>
      <DifferenceTaxInclusiveAmount>${fromHalere(base + tax)}</DifferenceTaxInclusiveAmount>
      <TaxCategory><Percent>21</Percent></TaxCategory>
    </TaxSubTotal>
    <TaxAmount>${fromHalere(tax)}</TaxAmount>
  </TaxTotal>
  <LegalMonetaryTotal>
    <TaxExclusiveAmount>${exclusive}</TaxExclusiveAmount>
    ${foreign ? `<TaxExclusiveAmountCurr>${foreign.taxExclusive}</TaxExclusiveAmountCurr>` : ''}
    <TaxInclusiveAmount>${inclusive}</TaxInclusiveAmount>
    ${foreign ? `<TaxInclusiveAmountCurr>${foreign.taxInclusive}</TaxInclusiveAmountCurr>` : ''}
    <AlreadyClaimedTaxExclusiveAmount>0</AlreadyClaimedTaxExclusiveAmount>
    <AlreadyClaimedTaxInclusiveAmount>0</AlreadyClaimedTaxInclusiveAmount>
    <DifferenceTaxExclusiveAmount>${exclusive}</DifferenceTaxExclusiveAmount>
    <DifferenceTaxInclusiveAmount>${inclusive}</DifferenceTaxInclusiveAmount>
    <PaidDepositsAmount>0</PaidDepositsAmount>
    <PayableAmount>${inclusive}</PayableAmount>
  </LegalMonetaryTotal>
  ${payment}
</Invoice>
`;
}
