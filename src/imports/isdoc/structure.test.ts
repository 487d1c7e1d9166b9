import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { parseIsdoc } from './reader.ts';
import { ISDOC_STRUCTURE, validateIsdocStructure, type TypeSpec } from './structure.ts';
import { buildIsdoc } from './testdata/invoice.ts';

const XSD_URL = new URL('../../../../shared/fixtures/isdoc/xsd/isdoc-invoice-6.0.2.xsd', import.meta.url);
const hasXsd = existsSync(fileURLToPath(XSD_URL));
if (!hasXsd) console.warn(`ISDOC XSD not found at ${fileURLToPath(XSD_URL)}: the cross-check against the XSD is skipped.`);

interface XNode {
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
}

/** The XSD as a tree of xs: elements, annotations dropped. */
function readXsd(text: string): XNode {
  const parser = new SaxesParser({ xmlns: true });
  const stack: XNode[] = [];
  let skip = 0;
  let root: XNode | undefined;
  parser.on('doctype', () => {
    throw new Error('DOCTYPE in XSD');
  });
  parser.on('opentag', (tag) => {
    if (skip > 0 || tag.local === 'annotation') {
      skip++;
      return;
    }
    const attrs = Object.fromEntries(Object.values(tag.attributes).map((a) => [a.local, a.value]));
    const node: XNode = { name: tag.local, attrs, children: [] };
    if (stack.length > 0) stack[stack.length - 1]!.children.push(node);
    else root = node;
    stack.push(node);
  });
  parser.on('closetag', () => {
    if (skip > 0) skip--;
    else stack.pop();
  });
  parser.write(text).close();
  return root!;
}

interface Particle {
  type: string;
  unbounded: boolean;
}

interface Model {
  required: Set<string>;
  choices: string[][][];
  all: Map<string, Particle>;
}

function analyse(xsd: XNode, typeNode: XNode): Model {
  const groups = new Map(xsd.children.filter((n) => n.name === 'group').map((n) => [n.attrs.name!, n]));
  const model: Model = { required: new Set(), choices: [], all: new Map() };
  const walk = (node: XNode, required: boolean, into: Set<string>): void => {
    for (const child of node.children) {
      const mandatory = required && Number(child.attrs.minOccurs ?? '1') >= 1;
      if (child.name === 'element') {
        model.all.set(child.attrs.name!, { type: child.attrs.type ?? '', unbounded: child.attrs.maxOccurs === 'unbounded' });
        if (mandatory) into.add(child.attrs.name!);
      } else if (child.name === 'sequence') walk(child, mandatory, into);
      else if (child.name === 'group') walk(groups.get(child.attrs.ref!)!, mandatory, into);
      else if (child.name === 'choice') {
        const alternatives = child.children.map((alternative) => {
          const names = new Set<string>();
          walk({ name: 'sequence', attrs: {}, children: [alternative] }, true, names);
          return [...names];
        });
        if (mandatory) model.choices.push(alternatives);
      }
    }
  };
  walk(typeNode, true, model.required);
  return model;
}

/** The built-in base of a named type, with the enumeration met on the way. */
function builtinOf(xsd: XNode, typeName: string): { base: string; enumeration?: string[] } {
  if (typeName.startsWith('xs:')) return { base: typeName };
  const node = xsd.children.find((n) => (n.name === 'simpleType' || n.name === 'complexType') && n.attrs.name === typeName);
  if (!node) throw new Error(`no type ${typeName} in the XSD`);
  const restriction = node.children.find((n) => n.name === 'restriction');
  const extension = node.children.find((n) => n.name === 'simpleContent')?.children.find((n) => n.name === 'extension');
  const derived = restriction ?? extension;
  if (!derived) return { base: typeName };
  const enumeration = restriction?.children.filter((n) => n.name === 'enumeration').map((n) => n.attrs.value!);
  const inner = builtinOf(xsd, derived.attrs.base!);
  return { base: inner.base, enumeration: enumeration?.length ? enumeration : inner.enumeration };
}

const EXPECTED_BASE: Record<string, string[]> = {
  text: ['xs:string', 'xs:anyURI'],
  date: ['xs:date'],
  decimal: ['xs:decimal'],
  boolean: ['xs:boolean'],
  uuid: ['xs:string'],
  currency: ['xs:string'],
  enumeration: ['xs:integer', 'xs:string'],
};

const sorted = (lists: ReadonlyArray<ReadonlyArray<readonly string[]>>) => lists.map((alternatives) => alternatives.map((names) => [...names].sort().join(',')).sort().join('|')).sort();

describe('ISDOC structure table', () => {
  it('refers only to types it defines', () => {
    for (const spec of Object.values(ISDOC_STRUCTURE)) {
      for (const child of spec.children) if (child.type) expect(ISDOC_STRUCTURE, child.type).toHaveProperty(child.type);
    }
  });

  it.skipIf(!hasXsd)('matches the XSD: every mandatory element, choice, type and value kind', () => {
    const xsd = readXsd(readFileSync(XSD_URL, 'utf8'));
    const typeNode = (key: string) =>
      key === 'Invoice'
        ? xsd.children.find((n) => n.name === 'element' && n.attrs.name === 'Invoice')!.children.find((n) => n.name === 'complexType')!
        : xsd.children.find((n) => n.name === 'complexType' && n.attrs.name === key);
    for (const [key, spec] of Object.entries(ISDOC_STRUCTURE) as Array<[string, TypeSpec]>) {
      const node = typeNode(key);
      expect(node, `complexType ${key}`).toBeDefined();
      const model = analyse(xsd, node!);
      const required = spec.children.filter((c) => c.required).map((c) => c.name);
      expect([...model.required].sort(), `required children of ${key}`).toEqual([...required].sort());
      expect(sorted(spec.choices ?? []), `choices of ${key}`).toEqual(sorted(model.choices));
      for (const child of spec.children) {
        const particle = model.all.get(child.name);
        expect(particle, `${key}/${child.name} exists in the XSD`).toBeDefined();
        expect(child.repeated ?? false, `${key}/${child.name} repeated`).toBe(particle!.unbounded);
        if (child.type) {
          expect(child.type, `${key}/${child.name} type`).toBe(particle!.type);
          continue;
        }
        const kind = child.value ?? 'text';
        const builtin = builtinOf(xsd, particle!.type);
        expect(EXPECTED_BASE[kind], `${key}/${child.name} is ${kind} but ${particle!.type} is ${builtin.base}`).toContain(builtin.base);
        if (kind === 'uuid') expect(particle!.type).toBe('UUIDType');
        if (kind === 'currency') expect(particle!.type).toBe('CurrencyCodeType');
        if (kind === 'enumeration') expect([...(child.values ?? [])]).toEqual(builtin.enumeration);
        else expect(builtin.enumeration, `${key}/${child.name} has an enumeration in the XSD`).toBeUndefined();
      }
    }
  });
});

const validate = (xml: string) => validateIsdocStructure(parseIsdoc(xml).root);

describe('validateIsdocStructure', () => {
  it('accepts a complete invoice', () => {
    expect(validate(buildIsdoc({ payment: { dueDate: '2024-06-24', variableSymbol: '2024042' }, contractId: 'SML-1', order: { salesOrderId: 'OP-1' } }))).toEqual([]);
  });

  it('names a missing header element', () => {
    const issues = validate(buildIsdoc().replace('<VATApplicable>true</VATApplicable>', ''));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ element: 'Invoice/VATApplicable', code: 'missing_element' });
    expect(issues[0]!.message).toBe('V souboru ISDOC chybí povinný element Invoice/VATApplicable (podléhá DPH).');
  });

  it('reports the full path of a missing nested element', () => {
    const xml = buildIsdoc().replace('<LineExtensionAmount>2500.00</LineExtensionAmount>', '');
    const issues = validate(xml);
    expect(issues.map((i) => i.element)).toEqual(['Invoice/InvoiceLines/InvoiceLine[2]/LineExtensionAmount']);
    expect(issues[0]!.message).toContain('Invoice/InvoiceLines/InvoiceLine[2]/LineExtensionAmount');
  });

  it('reports a missing element deep in a party', () => {
    const xml = buildIsdoc().replace('<PostalZone>60200</PostalZone>', '');
    expect(validate(xml).map((i) => i.element)).toEqual(['Invoice/AccountingSupplierParty/Party/PostalAddress/PostalZone']);
  });

  it('checks value types', () => {
    const xml = buildIsdoc()
      .replace('<IssueDate>2024-06-10</IssueDate>', '<IssueDate>2024-02-30</IssueDate>')
      .replace('<VATApplicable>true</VATApplicable>', '<VATApplicable>1</VATApplicable>')
      .replace('<TaxExclusiveAmount>12500.00</TaxExclusiveAmount>', '<TaxExclusiveAmount>12 500,00</TaxExclusiveAmount>')
      .replace(/<UUID>[^<]*<\/UUID>/, '<UUID>not-a-uuid</UUID>');
    const issues = validate(xml);
    expect(issues.map((i) => [i.element, i.code])).toEqual([
      ['Invoice/UUID', 'invalid_value'],
      ['Invoice/IssueDate', 'invalid_value'],
      ['Invoice/VATApplicable', 'invalid_value'],
      ['Invoice/LegalMonetaryTotal/TaxExclusiveAmount', 'invalid_value'],
    ]);
    expect(issues[1]!.message).toBe('Element Invoice/IssueDate (datum vystavení) má neplatnou hodnotu „2024-02-30“; očekává se datum ve tvaru RRRR-MM-DD.');
  });

  it('accepts xs:decimal and xs:date forms that are not the standard’s', () => {
    const xml = buildIsdoc().replace('<CurrRate>1</CurrRate>', '<CurrRate>.5</CurrRate>').replace('<IssueDate>2024-06-10</IssueDate>', '<IssueDate>2024-06-10+02:00</IssueDate>');
    expect(validate(xml)).toEqual([]);
  });

  it('reports an unknown document type with its own code', () => {
    const issues = validate(buildIsdoc().replace('<DocumentType>1</DocumentType>', '<DocumentType>9</DocumentType>'));
    expect(issues).toEqual([expect.objectContaining({ element: 'Invoice/DocumentType', code: 'unknown_document_type' })]);
    expect(issues[0]!.message).toContain('1 až 7');
  });

  it('requires one side of a choice: a customer, or payment details of one kind', () => {
    const noCustomer = buildIsdoc().replace(/<AccountingCustomerParty>[\s\S]*<\/AccountingCustomerParty>/, '');
    expect(validate(noCustomer)).toEqual([expect.objectContaining({ element: 'Invoice/AccountingCustomerParty', code: 'missing_element' })]);
    const noIban = buildIsdoc({ payment: { dueDate: '2024-06-24' } }).replace(/<IBAN>[^<]*<\/IBAN>/, '');
    expect(validate(noIban).map((i) => i.element)).toEqual(['Invoice/PaymentMeans/Payment[1]/Details/IBAN']);
  });

  it('reports duplicates and a missing or foreign version', () => {
    const duplicate = buildIsdoc().replace('<IssueDate>2024-06-10</IssueDate>', '<IssueDate>2024-06-10</IssueDate><IssueDate>2024-06-11</IssueDate>');
    expect(validate(duplicate)).toEqual([expect.objectContaining({ element: 'Invoice/IssueDate', code: 'duplicate_element' })]);
    expect(validate(buildIsdoc().replace(' version="6.0.2"', ''))).toEqual([expect.objectContaining({ code: 'missing_attribute' })]);
    expect(validate(buildIsdoc().replace('version="6.0.2"', 'version="5.2"'))).toEqual([expect.objectContaining({ code: 'unsupported_version' })]);
  });
});
