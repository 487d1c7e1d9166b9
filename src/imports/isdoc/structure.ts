/**
 * Checks an ISDOC tree against the required structure in structure-table.ts. Element order and unknown elements
 * are not checked: they do not change what the importer reads, and exporters get the order wrong more often
 * than the content.
 */
import { isXsDecimal } from './decimal.ts';
import { childrenNamed, rootOf, type IsdocElement, type IsdocParse } from './reader.ts';
import { ISDOC_STRUCTURE, type ChildSpec, type IsdocIssue, type ValueKind } from './structure-table.ts';

export * from './structure-table.ts';

const EXPECTED: Record<ValueKind, string> = {
  text: 'text',
  date: 'datum ve tvaru RRRR-MM-DD',
  decimal: 'číslo s desetinnou tečkou',
  boolean: 'true nebo false',
  uuid: 'UUID ve tvaru 8-4-4-4-12 šestnáctkových číslic',
  currency: 'třípísmenný kód měny',
  enumeration: 'hodnota z číselníku',
};

function isValidDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function isValid(kind: ValueKind, value: string, values: readonly string[] | undefined): boolean {
  switch (kind) {
    case 'text':
      return true;
    case 'date':
      return isValidDate(value);
    case 'decimal':
      return isXsDecimal(value);
    case 'boolean':
      return value === 'true' || value === 'false';
    case 'uuid':
      return /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/.test(value);
    case 'currency':
      return /^[A-Za-z]{3}$/.test(value);
    case 'enumeration':
      // The XSD enumerations are integers, whose lexical space also allows "01" and "+1".
      return values?.includes(value.replace(/^\+?0*(?=\d)/, '')) ?? false;
  }
}

function describe(name: string, label: string | undefined): string {
  return label ? `${name} (${label})` : name;
}

function shown(value: string): string {
  return value.length > 50 ? `${value.slice(0, 50)}…` : value;
}

function checkValue(element: IsdocElement, spec: ChildSpec, path: string, issues: IsdocIssue[]): void {
  const kind = spec.value ?? 'text';
  if (isValid(kind, element.text, spec.values)) return;
  if (spec.name === 'DocumentType' && element.text !== '') {
    issues.push({
      element: path,
      code: 'unknown_document_type',
      message: `Neznámý typ dokladu „${shown(element.text)}“ v elementu ${path}: ISDOC zná typy 1 až 7.`,
      logMessage: `unknown ISDOC DocumentType "${shown(element.text)}" at ${path}`,
    });
    return;
  }
  const expected = kind === 'enumeration' ? `jedna z hodnot ${spec.values?.join(', ')}` : EXPECTED[kind];
  const what = element.text === '' ? 'je prázdný' : `má neplatnou hodnotu „${shown(element.text)}“`;
  issues.push({
    element: path,
    code: 'invalid_value',
    message: `Element ${describe(path, spec.label)} ${what}; očekává se ${expected}.`,
    logMessage: `invalid ${kind} "${shown(element.text)}" at ${path}`,
  });
}

function missing(path: string, label: string | undefined): IsdocIssue {
  return {
    element: path,
    code: 'missing_element',
    message: `V souboru ISDOC chybí povinný element ${describe(path, label)}.`,
    logMessage: `missing required element ${path}`,
  };
}

function validateType(element: IsdocElement, typeName: string, path: string, issues: IsdocIssue[]): void {
  const spec = ISDOC_STRUCTURE[typeName];
  if (!spec) throw new Error(`ISDOC structure has no type ${typeName}`);
  for (const child of spec.children) {
    const found = childrenNamed(element, child.name);
    if (found.length === 0) {
      if (child.required) issues.push(missing(`${path}/${child.name}`, child.label));
      continue;
    }
    if (!child.repeated && found.length > 1) {
      issues.push({
        element: `${path}/${child.name}`,
        code: 'duplicate_element',
        message: `Element ${describe(`${path}/${child.name}`, child.label)} je v souboru ISDOC uveden ${found.length}×, smí být jen jednou.`,
        logMessage: `element ${path}/${child.name} occurs ${found.length} times, at most once allowed`,
      });
    }
    found.forEach((node, index) => {
      const childPath = child.repeated ? `${path}/${child.name}[${index + 1}]` : `${path}/${child.name}`;
      if (child.type) validateType(node, child.type, childPath, issues);
      else checkValue(node, child, childPath, issues);
    });
  }
  for (const alternatives of spec.choices ?? []) {
    const chosen = alternatives.find((names) => names.some((name) => childrenNamed(element, name).length > 0));
    if (!chosen) {
      const first = alternatives.map((names) => `${path}/${names[0]}`);
      const label = spec.children.find((child) => child.name === alternatives[0]?.[0])?.label;
      issues.push({
        element: first[0]!,
        code: 'missing_element',
        message: `V souboru ISDOC chybí povinný element ${describe(first[0]!, label)} nebo ${first.slice(1).join(' nebo ')}.`,
        logMessage: `missing one of ${first.join(', ')}`,
      });
      continue;
    }
    for (const name of chosen) {
      if (childrenNamed(element, name).length === 0) issues.push(missing(`${path}/${name}`, spec.children.find((child) => child.name === name)?.label));
    }
  }
}

function checkVersion(root: IsdocElement, issues: IsdocIssue[]): void {
  const version = root.attributes.version;
  if (version === undefined) {
    issues.push({
      element: 'Invoice/@version',
      code: 'missing_attribute',
      message: 'Elementu Invoice chybí povinný atribut version (verze ISDOC).',
      logMessage: 'missing Invoice/@version',
    });
  } else if (!/^6\.\d+(\.\d+)?$/.test(version)) {
    issues.push({
      element: 'Invoice/@version',
      code: 'unsupported_version',
      message: `Verze ISDOC „${shown(version)}“ v atributu Invoice/@version není podporována; načíst lze ISDOC 6.0.`,
      logMessage: `unsupported ISDOC version "${shown(version)}"`,
    });
  }
}

/** Every departure from the required structure; an empty list means the invoice can be mapped. */
export function validateIsdocStructure(tree: IsdocElement | IsdocParse): IsdocIssue[] {
  const root = rootOf(tree);
  const issues: IsdocIssue[] = [];
  if (root.name !== 'Invoice') {
    return [{ element: root.name, code: 'missing_element', message: 'Soubor ISDOC nemá kořenový element Invoice.', logMessage: `root is ${root.name}, not Invoice` }];
  }
  checkVersion(root, issues);
  validateType(root, 'Invoice', 'Invoice', issues);
  return issues;
}
