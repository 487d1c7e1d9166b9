import { describe, expect, it } from 'vitest';
import { csvPage, parseFields, pickFields, wantsCsv } from './listing.ts';

describe('list shaping', () => {
  it('keeps only the asked fields in the asked order and refuses unknown ones', () => {
    expect(parseFields('b,a,b', ['a', 'b', 'c'])).toEqual(['b', 'a']);
    expect(parseFields(undefined, ['a'])).toBeNull();
    expect(() => parseFields('a,x', ['a'])).toThrow(/unknown fields x/);
    expect(pickFields([{ a: 1, b: 2, c: 3 }], ['c', 'a'])).toEqual([{ c: 3, a: 1 }]);
  });

  it('writes a page as CSV with empty cells for null and JSON for objects', () => {
    expect(csvPage([{ id: 'A,1', n: null, o: { x: 1 } }], ['id', 'n', 'o'])).toBe('id,n,o\r\n"A,1",,"{""x"":1}"\r\n');
  });

  it('chooses CSV by the format parameter first, then by Accept', () => {
    expect(wantsCsv('csv', 'application/json')).toBe(true);
    expect(wantsCsv('json', 'text/csv')).toBe(false);
    expect(wantsCsv(undefined, 'text/csv, application/json;q=0.5')).toBe(true);
    expect(wantsCsv(undefined, 'application/json, text/csv')).toBe(false);
    expect(wantsCsv(undefined, '*/*')).toBe(false);
  });
});
