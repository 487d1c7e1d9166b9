import { describe, expect, it } from 'vitest';
import { CsvParser, CsvSyntaxError, csvLine, detectDelimiter } from './csv.ts';

function parseAll(text: string, delimiter = ',', chunkSize = text.length): Array<{ line: number; fields: string[] }> {
  const parser = new CsvParser(delimiter);
  const rows = [];
  for (let i = 0; i < text.length; i += chunkSize) rows.push(...parser.push(text.slice(i, i + chunkSize)));
  rows.push(...parser.end());
  return rows;
}

describe('CsvParser', () => {
  const text = 'a,b,c\r\n1,"x, y","he said ""hi"""\r\n2,"multi\nline",z\n\n3,,last';
  it('parses quotes, doubled quotes, embedded line breaks and reports start lines', () => {
    expect(parseAll(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, y', 'he said "hi"'] },
      { line: 3, fields: ['2', 'multi\nline', 'z'] },
      { line: 6, fields: ['3', '', 'last'] },
    ]);
  });
  it('gives the same rows whatever the chunking', () => {
    for (const size of [1, 2, 3, 7]) expect(parseAll(text, ',', size)).toEqual(parseAll(text));
  });
  it('accepts chunks larger than the record limit and refuses a record over it', () => {
    const many = 'a,b\n' + 'x,y\n'.repeat(1000);
    expect(parseAll(many, ',', many.length)).toHaveLength(1001);
    const parser = new CsvParser(',', 100);
    expect(parser.push(many)).toHaveLength(1001);
    expect(() => new CsvParser(',', 100).push('a,"' + 'x'.repeat(200))).toThrow(CsvSyntaxError);
  });
  it('refuses an unterminated quote', () => {
    expect(() => parseAll('a,b\n1,"open')).toThrow(CsvSyntaxError);
  });
  it('round-trips through csvLine', () => {
    const values = ['plain', 'with;semicolon', 'quote "q"', 'line\nbreak', ''];
    expect(parseAll(csvLine(values))[0]!.fields).toEqual(values);
  });
  it('detects the delimiter from the header', () => {
    expect(detectDelimiter('id;predmet;hodnotaBezDph')).toBe(';');
    expect(detectDelimiter('id,predmet')).toBe(',');
    expect(detectDelimiter('id\tpredmet')).toBe('\t');
  });
});
