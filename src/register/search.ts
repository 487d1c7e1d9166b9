/**
 * The search query of the portal (/hledat) and its downloads and feeds: every filter lives in the query string, so a
 * result is a shareable URL. Pure: parsing, canonical URLs and highlighting.
 */
import { z } from 'zod';
import { RECORD_TYPES, type RecordType } from '../standard/schema.ts';
import { ISO_4217_CODES } from '../standard/currencies.ts';
import { normalizeCzechDecimal, decimalToHalere } from '../shared/money.ts';
import { normalizeCzechDate } from '../shared/dates.ts';
import { foldText, searchTokens } from '../shared/text.ts';
import { RED_FLAG_CODES, type RedFlagCode } from './red-flags.ts';

export const SORTS = ['relevance', 'datum', 'datum-vzestupne', 'castka', 'castka-vzestupne'] as const;
export type SearchSort = (typeof SORTS)[number];
export const QUALITY_LEVELS = ['A', 'B', 'C'] as const;

export const SEARCH_PAGE_SIZE = 20;
/** Deeper pages cost an ever longer scan; the downloads serve whole results. */
export const MAX_SEARCH_PAGE = 500;
export const MAX_DOWNLOAD_ROWS = 100_000;

export interface SearchQuery {
  q: string;
  tokens: string[];
  type?: RecordType;
  organizationIco?: string;
  withSubordinates: boolean;
  /** IČO when the party filter is 8 digits, otherwise folded name tokens. */
  partyIco?: string;
  partyTokens: string[];
  partyText: string;
  dateFrom?: string;
  dateTo?: string;
  /** Haléře. */
  amountFrom?: number;
  amountTo?: number;
  currency?: string;
  quality?: (typeof QUALITY_LEVELS)[number];
  flag?: RedFlagCode;
  withAttachment: boolean;
  sort: SearchSort;
  page: number;
}

/** Problems with a parameter, to tell the user which filter was ignored. */
export interface QueryProblem {
  param: string;
  message: string;
}

const optionalText = z.string().trim().max(200).optional().catch(undefined);

function czechAmount(raw: string | undefined, param: string, problems: QueryProblem[]): number | undefined {
  if (!raw) return undefined;
  const decimal = normalizeCzechDecimal(raw.replace(/\s*(Kč|CZK)$/i, ''));
  const halere = decimal === null ? null : decimalToHalere(decimal);
  if (halere === null) {
    problems.push({ param, message: `Částku „${raw}“ nelze přečíst; zadejte číslo, např. 150 000 nebo 1500,50.` });
    return undefined;
  }
  return halere;
}

function czechDate(raw: string | undefined, param: string, problems: QueryProblem[]): string | undefined {
  if (!raw) return undefined;
  const date = normalizeCzechDate(raw);
  if (!date) problems.push({ param, message: `Datum „${raw}“ nelze přečíst; zadejte např. 15. 3. 2024 nebo 2024-03-15.` });
  return date ?? undefined;
}

/** Reads the query string of /hledat; unreadable values are dropped and reported, never an error page. */
export function parseSearchQuery(params: Record<string, string | undefined>): { query: SearchQuery; problems: QueryProblem[] } {
  const problems: QueryProblem[] = [];
  const text = (name: string) => optionalText.parse(params[name]) || undefined;
  const q = text('q') ?? '';
  const party = text('subjekt') ?? '';
  const partyIco = /^\d{8}$/.test(party.replace(/\s/g, '')) ? party.replace(/\s/g, '') : undefined;
  const type = text('typ');
  const currency = text('mena')?.toUpperCase();
  const quality = text('kvalita')?.toUpperCase();
  const flag = text('signal');
  const sort = text('razeni');
  const organizationIco = text('organizace');
  const page = Number(text('stranka') ?? '1');
  return {
    query: {
      q,
      tokens: searchTokens(q).slice(0, 10),
      type: type && (RECORD_TYPES as readonly string[]).includes(type) ? (type as RecordType) : undefined,
      organizationIco: organizationIco && /^\d{8}$/.test(organizationIco) ? organizationIco : undefined,
      withSubordinates: params.podrizene === '1',
      partyIco,
      partyTokens: partyIco ? [] : searchTokens(party).slice(0, 10),
      partyText: party,
      dateFrom: czechDate(text('od'), 'od', problems),
      dateTo: czechDate(text('do'), 'do', problems),
      amountFrom: czechAmount(text('castkaOd'), 'castkaOd', problems),
      amountTo: czechAmount(text('castkaDo'), 'castkaDo', problems),
      currency: currency && (ISO_4217_CODES as readonly string[]).includes(currency) ? currency : undefined,
      quality: quality && (QUALITY_LEVELS as readonly string[]).includes(quality) ? (quality as SearchQuery['quality']) : undefined,
      flag: flag && (RED_FLAG_CODES as readonly string[]).includes(flag) ? (flag as RedFlagCode) : undefined,
      withAttachment: params.priloha === '1',
      sort: sort && (SORTS as readonly string[]).includes(sort) ? (sort as SearchSort) : q ? 'relevance' : 'datum',
      page: Number.isInteger(page) && page >= 1 ? Math.min(page, MAX_SEARCH_PAGE) : 1,
    },
    problems,
  };
}

function formatAmountParam(halere: number): string {
  return (halere / 100).toFixed(2).replace(/\.00$/, '').replace('.', ',');
}

/** The query's parameters in a fixed order, without defaults; `overrides` replace (undefined removes). */
export function searchParams(query: SearchQuery, overrides: Record<string, string | undefined> = {}): URLSearchParams {
  const values: Record<string, string | undefined> = {
    q: query.q || undefined,
    typ: query.type,
    organizace: query.organizationIco,
    podrizene: query.withSubordinates && query.organizationIco ? '1' : undefined,
    subjekt: query.partyText || undefined,
    od: query.dateFrom,
    do: query.dateTo,
    castkaOd: query.amountFrom === undefined ? undefined : formatAmountParam(query.amountFrom),
    castkaDo: query.amountTo === undefined ? undefined : formatAmountParam(query.amountTo),
    mena: query.currency,
    kvalita: query.quality,
    signal: query.flag,
    priloha: query.withAttachment ? '1' : undefined,
    razeni: query.sort === (query.q ? 'relevance' : 'datum') ? undefined : query.sort,
    stranka: query.page > 1 ? String(query.page) : undefined,
    ...overrides,
  };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== '') params.set(key, value);
  return params;
}

export function searchUrl(path: string, query: SearchQuery, overrides: Record<string, string | undefined> = {}): string {
  const params = searchParams(query, overrides).toString();
  return params ? `${path}?${params}` : path;
}

export interface TextSegment {
  text: string;
  mark: boolean;
}

/**
 * Splits `text` into segments where words starting with a search token are marked. Matching is on folded text
 * (no diacritics, lower case), mapped back to the original characters.
 */
export function highlight(text: string, tokens: string[]): TextSegment[] {
  if (tokens.length === 0 || text.length === 0) return [{ text, mark: false }];
  // Fold character by character, remembering where each folded character came from.
  let folded = '';
  const origin: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const part = foldText(text[i]!);
    for (let j = 0; j < part.length; j++) origin.push(i);
    folded += part;
  }
  const marked = new Array<boolean>(text.length).fill(false);
  const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
  for (const token of tokens) {
    let from = 0;
    for (;;) {
      const at = folded.indexOf(token, from);
      if (at < 0) break;
      if (!isWordChar(folded[at - 1])) {
        for (let k = at; k < at + token.length; k++) marked[origin[k]!] = true;
      }
      from = at + 1;
    }
  }
  const segments: TextSegment[] = [];
  for (let i = 0; i < text.length; i++) {
    const last = segments[segments.length - 1];
    if (last && last.mark === marked[i]) last.text += text[i];
    else segments.push({ text: text[i]!, mark: marked[i]! });
  }
  return segments;
}
