/** Pure rules about organisations: kinds, IČO validation, mapping from the register of public authorities. */
import { isValidIco, normalizeIco } from '../shared/identifiers.ts';

export const ORGANIZATION_KINDS = {
  obec: 'obec',
  'mestska-cast': 'městská část',
  kraj: 'kraj',
  'prispevkova-organizace': 'příspěvková organizace',
  'obchodni-spolecnost': 'obchodní společnost',
  spolek: 'spolek',
  jine: 'jiná',
} as const;

export type OrganizationKind = keyof typeof ORGANIZATION_KINDS;

export function isOrganizationKind(value: string): value is OrganizationKind {
  return Object.hasOwn(ORGANIZATION_KINDS, value);
}

/** An organisation's IČO must be valid: unlike a party's, it identifies the publisher. */
export function parseOrganizationIco(raw: string): string | null {
  const ico = normalizeIco(raw);
  return ico && isValidIco(ico) ? ico : null;
}

/**
 * Kind from Seznam OVM: the legal form code (PravniForma/@type) decides; 801 obec, 804 kraj,
 * 331 příspěvková organizace, 112/121 companies, 706 spolek; a city district is a municipality part (TypSubjektu).
 */
export function kindFromOvm(legalFormCode: string | undefined, subjectType: string | undefined): OrganizationKind {
  const type = (subjectType ?? '').toLowerCase();
  if (type.includes('městská část') || type.includes('mestska cast') || legalFormCode === '811') return 'mestska-cast';
  switch (legalFormCode) {
    case '801':
      return 'obec';
    case '804':
      return 'kraj';
    case '331':
    case '325':
      return 'prispevkova-organizace';
    case '112':
    case '121':
    case '111':
    case '113':
      return 'obchodni-spolecnost';
    case '706':
    case '701':
      return 'spolek';
    default:
      return 'jine';
  }
}

/** Names in Seznam OVM sometimes arrive wrapped in literal quotes: `"Mateřská škola …"`. */
export function cleanOvmName(name: string): string {
  return name.trim().replace(/^"(.*)"$/s, '$1').trim();
}

/** A best guess of the kind from a name, for publishers first seen in an import (e.g. the contract register). */
export function kindFromName(name: string): OrganizationKind {
  const lower = name.toLowerCase();
  if (/^(obec|město|městys|statutární město|hlavní město)\b/.test(lower)) return 'obec';
  if (/^městská část\b/.test(lower)) return 'mestska-cast';
  if (/(^|\s)kraj$/.test(lower) || /^kraj\s/.test(lower)) return 'kraj';
  if (lower.includes('příspěvková organizace')) return 'prispevkova-organizace';
  if (/\b(s\.\s?r\.\s?o\.|a\.\s?s\.|spol\. s r\. o\.)/.test(lower)) return 'obchodni-spolecnost';
  if (/\b(z\.\s?s\.|spolek)\b/.test(lower)) return 'spolek';
  return 'jine';
}
