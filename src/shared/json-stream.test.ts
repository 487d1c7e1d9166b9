import { describe, expect, it } from 'vitest';
import { jsonArrayElements, JsonStreamError } from './json-stream.ts';

async function collect(input: string | Uint8Array, keys = ['releases'], chunkSize = 0, maxElementBytes = 1_000_000) {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const chunks = chunkSize > 0 ? Array.from({ length: Math.ceil(bytes.length / chunkSize) }, (_, i) => bytes.subarray(i * chunkSize, (i + 1) * chunkSize)) : [bytes];
  const out: unknown[] = [];
  for await (const element of jsonArrayElements((async function* () { yield* chunks; })(), keys, { maxElementBytes })) out.push([element.key, element.index, element.value]);
  return out;
}

describe('streamed JSON array elements', () => {
  const document = {
    uri: 'https://example.cz/balicek.json',
    publisher: { name: 'Obec "Příkladov" {]', nested: [[1, 2], { a: '\\"' }] },
    releases: [{ ocid: 'a', tag: ['planning'], text: 'závorky ] } [ { a \\" uvozovky' }, 'řetězec', 42, null, [1, [2]], { empty: {} }],
    version: '1.1',
    records: [{ ocid: 'b' }],
  };
  const text = JSON.stringify(document, null, 1);

  it('yields each element of the chosen arrays and skips the rest, however the input is split', async () => {
    const expected = [...document.releases.map((value, i) => ['releases', i + 1, value]), ['records', 1, { ocid: 'b' }]];
    for (const chunkSize of [0, 1, 2, 3, 7, 64]) expect(await collect(text, ['releases', 'records'], chunkSize)).toEqual(expected);
    expect(await collect('\ufeff{"releases": [], "x": "y"}')).toEqual([]);
    expect(await collect('{}')).toEqual([]);
  });

  it('reports truncated, malformed and oversized input with its position', async () => {
    for (const [input, message] of [
      ['{"releases": [{"a": 1}', 'truncated input'],
      ['{"releases": [{"a": 1},', 'truncated input'],
      ['[1, 2]', 'expected a JSON object'],
      ['{"releases": {"a": 1}}', '"releases" is not an array'],
      ['{"releases": [{"a": 1} {"b": 2}]}', 'expected "," or "]"'],
      ['{"releases": [{"a": tru}]}', 'invalid JSON in element 1 of "releases"'],
      ['{"releases": []} x', 'unexpected content after the object'],
      ['{"releases": [] "x": 1}', 'expected "," or "}"'],
      ['{"a\\q": 1, "releases": []}', 'invalid member name'],
    ] as const) {
      await expect(collect(input), input).rejects.toThrow(message);
    }
    await expect(collect(`{"releases": [${JSON.stringify({ big: 'x'.repeat(200) })}]}`, ['releases'], 16, 100)).rejects.toThrow('larger than 100 bytes');
    await expect(collect(Buffer.from([...Buffer.from('{"releases": ["'), 0xc3, 0x28, ...Buffer.from('"]}')]))).rejects.toBeInstanceOf(JsonStreamError);
  });
});
