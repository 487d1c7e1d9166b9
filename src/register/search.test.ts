import { describe, expect, it } from 'vitest';
import { highlight, parseSearchQuery, searchUrl } from './search.ts';

describe('search query', () => {
  it('reads every filter from Czech query parameters and writes the same URL back', () => {
    const { query, problems } = parseSearchQuery({
      q: 'Školní jídelna',
      typ: 'smlouva',
      organizace: '00279978',
      podrizene: '1',
      subjekt: 'Novák',
      od: '1. 3. 2024',
      do: '2024-12-31',
      castkaOd: '150 000',
      castkaDo: '1 500 000,50',
      mena: 'czk',
      kvalita: 'b',
      signal: 'published_late',
      priloha: '1',
      razeni: 'castka',
      stranka: '3',
    });
    expect(problems).toEqual([]);
    expect(query).toMatchObject({
      tokens: ['skolni', 'jidelna'],
      type: 'smlouva',
      organizationIco: '00279978',
      withSubordinates: true,
      partyTokens: ['novak'],
      dateFrom: '2024-03-01',
      dateTo: '2024-12-31',
      amountFrom: 15_000_000,
      amountTo: 150_000_050,
      currency: 'CZK',
      quality: 'B',
      flag: 'published_late',
      withAttachment: true,
      sort: 'castka',
      page: 3,
    });
    expect(searchUrl('/hledat', query)).toBe(
      '/hledat?q=%C5%A0koln%C3%AD+j%C3%ADdelna&typ=smlouva&organizace=00279978&podrizene=1&subjekt=Nov%C3%A1k&od=2024-03-01&do=2024-12-31&castkaOd=150000&castkaDo=1500000%2C50&mena=CZK&kvalita=B&signal=published_late&priloha=1&razeni=castka&stranka=3',
    );
    expect(parseSearchQuery(Object.fromEntries(new URL(searchUrl('http://x/hledat', query)).searchParams)).query).toEqual(query);
  });

  it('takes an 8-digit party as an IČO, defaults the sort by whether there is text, and reports unreadable values', () => {
    expect(parseSearchQuery({ subjekt: '25596641' }).query).toMatchObject({ partyIco: '25596641', partyTokens: [], sort: 'datum' });
    expect(parseSearchQuery({ q: 'most' }).query.sort).toBe('relevance');
    const { query, problems } = parseSearchQuery({ od: 'včera', castkaOd: 'hodně', typ: 'jiny', stranka: '-2', signal: 'x' });
    expect(query).toMatchObject({ dateFrom: undefined, amountFrom: undefined, type: undefined, page: 1, flag: undefined });
    expect(problems.map((p) => p.param)).toEqual(['od', 'castkaOd']);
    expect(problems[0]!.message).toContain('Datum „včera“');
  });

  it('marks word prefixes matching folded tokens in the original text', () => {
    expect(highlight('Školní jídelna a školka', ['skol'])).toEqual([
      { text: 'Škol', mark: true },
      { text: 'ní jídelna a ', mark: false },
      { text: 'škol', mark: true },
      { text: 'ka', mark: false },
    ]);
    expect(highlight('Meziškolní', ['skol'])).toEqual([{ text: 'Meziškolní', mark: false }]);
    expect(highlight('Bez shody', [])).toEqual([{ text: 'Bez shody', mark: false }]);
  });
});
