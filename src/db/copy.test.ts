import { describe, expect, it } from 'vitest';
import type { CompiledQuery } from 'kysely';
import { BinaryCopyParser, inlineIntegerParameters, type ColumnKind } from './copy.ts';

/** PostgreSQL's binary COPY data of these rows (integers as int4 or int8, texts as UTF-8, null as NULL). */
function binaryCopy(rows: Array<Array<number | bigint | string | null>>): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(4), Buffer.from([0, 0, 0, 4, 1, 2, 3, 4])];
  for (const row of rows) {
    const count = Buffer.alloc(2);
    count.writeInt16BE(row.length);
    parts.push(count);
    for (const value of row) {
      let bytes: Buffer;
      if (value === null) bytes = Buffer.alloc(0);
      else if (typeof value === 'bigint') (bytes = Buffer.alloc(8)).writeBigInt64BE(value);
      else if (typeof value === 'number') (bytes = Buffer.alloc(4)).writeInt32BE(value);
      else bytes = Buffer.from(value, 'utf8');
      const length = Buffer.alloc(4);
      length.writeInt32BE(value === null ? -1 : bytes.length);
      parts.push(length, bytes);
    }
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

const KINDS: ColumnKind[] = ['integer', 'integer', 'text', 'bytes'];
const ROWS = [
  [1, 9_007_199_254_740_991n, 'Příliš žluťoučký kůň', '{"a":"\\"úpěl\\""}\n'],
  [-2, 0n, '', ''],
  [3, 42n, null, '😀 ďábelské ódy'],
];
const EXPECTED = ROWS.map(([a, b, c, d]) => [a, Number(b), c, Buffer.from(d as string, 'utf8')]);

describe('binary COPY parser', () => {
  it('reads integers, texts, bytes and NULLs from one chunk', () => {
    const parser = new BinaryCopyParser(KINDS);
    expect(parser.push(binaryCopy(ROWS))).toEqual(EXPECTED);
    expect(parser.ended).toBe(true);
  });

  it('completes rows cut at every possible byte by the next chunk', () => {
    const data = binaryCopy(ROWS);
    for (let cut = 1; cut < data.length; cut++) {
      const parser = new BinaryCopyParser(KINDS);
      const rows = [...parser.push(data.subarray(0, cut)), ...parser.push(data.subarray(cut))];
      expect(rows, `cut at ${cut}`).toEqual(EXPECTED);
      expect(parser.ended).toBe(true);
    }
  });

  it('keeps the bytes of earlier rows when later chunks fill a new slab, and takes rows larger than a slab', () => {
    const big = 'x'.repeat(1_500_000);
    const parser = new BinaryCopyParser(['integer', 'bytes']);
    const data = binaryCopy([[1, big], [2, big], [3, 'end']]);
    const rows: unknown[][] = [];
    for (let at = 0; at < data.length; at += 65_536) rows.push(...parser.push(data.subarray(at, at + 65_536)));
    expect(rows.map((row) => [row[0], (row[1] as Buffer).toString()])).toEqual([[1, big], [2, big], [3, 'end']]);
  });

  it('refuses data that is not binary COPY, and rows of another width', () => {
    expect(() => new BinaryCopyParser(KINDS).push(Buffer.from('1\tabc\n'.repeat(10)))).toThrow('not PostgreSQL binary COPY data');
    expect(() => new BinaryCopyParser(['integer']).push(binaryCopy(ROWS))).toThrow('COPY row has 4 fields, expected 1');
  });
});

describe('COPY parameters', () => {
  const query = (sqlText: string, parameters: unknown[]) => ({ sql: sqlText, parameters }) as unknown as CompiledQuery;

  it('puts integer parameters into the statement', () => {
    expect(inlineIntegerParameters(query('select 1 where a > $1 and b in ($2, $10) and c = x-$2', [5, -7, 0, 0, 0, 0, 0, 0, 0, 12]))).toBe('select 1 where a > (5) and b in ((-7), (12)) and c = x-(-7)');
    expect(inlineIntegerParameters(query(`select '{"a":' || "t"."b" || '}' where id > $1`, [3]))).toBe(`select '{"a":' || "t"."b" || '}' where id > (3)`);
  });

  it('refuses anything else, which could carry SQL', () => {
    expect(() => inlineIntegerParameters(query('select $1', ["1; drop table records"]))).toThrow('COPY reads take integer parameters only');
    expect(() => inlineIntegerParameters(query('select $1', [1.5]))).toThrow('COPY reads take integer parameters only');
    expect(() => inlineIntegerParameters(query('select $2', [1]))).toThrow('has no value');
    expect(() => inlineIntegerParameters(query("select 'cena $1' where a = $1", [1]))).toThrow('no "$" inside quoted text');
  });
});
