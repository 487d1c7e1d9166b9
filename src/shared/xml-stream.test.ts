import { describe, expect, it } from 'vitest';
import { XmlStreamError, XmlStreamReader } from './xml-stream.ts';

function events(chunks: string[]): string[] {
  const out: string[] = [];
  const reader = new XmlStreamReader({
    open: (name, attributes, line) => out.push(`open ${name} ${JSON.stringify(attributes)} @${line}`),
    close: (name) => out.push(`close ${name}`),
    text: (value) => out.push(`text ${JSON.stringify(value)}`),
  });
  for (const chunk of chunks) reader.write(chunk);
  reader.close();
  return out;
}

const DOCUMENT = `<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment with <tags> -->
<dump xmlns="urn:x"><a x="1 &gt; 0" y='&quot;q&quot;'>Tom &amp; Jerry &#x10D;&#269;</a>
<b/><c><![CDATA[<not a tag> & raw]]></c>
<d attr="a>b">multi
line</d></dump>
`;

function refused(xml: string): XmlStreamError {
  try {
    events([xml]);
  } catch (error) {
    if (error instanceof XmlStreamError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('streaming XML reader', () => {
  it('reads elements, attributes, entities, CDATA and comments, with line numbers', () => {
    expect(events([DOCUMENT])).toEqual([
      'open dump {"xmlns":"urn:x"} @3',
      'open a {"x":"1 > 0","y":"\\"q\\""} @3',
      'text "Tom & Jerry čč"',
      'close a',
      'text "\\n"',
      'open b {} @4',
      'close b',
      'open c {} @4',
      'text "<not a tag> & raw"',
      'close c',
      'text "\\n"',
      'open d {"attr":"a>b"} @5',
      'text "multi\\nline"',
      'close d',
      'close dump',
    ]);
  });

  it('gives the same events however the input is split into chunks', () => {
    const whole = events([DOCUMENT]);
    for (let cut = 1; cut < DOCUMENT.length; cut++) {
      expect(events([DOCUMENT.slice(0, cut), DOCUMENT.slice(cut)])).toEqual(whole);
    }
    expect(events(DOCUMENT.split(''))).toEqual(whole);
  });

  it('tells apart names of the same hash, and names that only begin alike', () => {
    // "Aa" and "BB" have the same 31-based hash that names are looked up by.
    expect(events(['<Aa><BB>x</BB><Aa/><BB a="1"/><Aab></Aab><A></A></Aa>'])).toEqual([
      'open Aa {} @1',
      'open BB {} @1',
      'text "x"',
      'close BB',
      'open Aa {} @1',
      'close Aa',
      'open BB {"a":"1"} @1',
      'close BB',
      'open Aab {} @1',
      'close Aab',
      'open A {} @1',
      'close A',
      'close Aa',
    ]);
    expect(refused('<Aa><BB></Aa></BB>').czech).toBe('koncová značka neodpovídá otevřenému elementu');
    expect(refused('<Aa><Aab></Aa></Aa>').message).toBe('</Aa> closes <Aab>');
    expect(refused('<d><a></a ></d ></x>').message).toBe('closing tag </x> without an open element');
  });

  it('refuses DOCTYPE (entity expansion, external entities), unknown entities, bad nesting and truncation', () => {
    expect(refused('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><dump>&lol;</dump>').czech).toBe('deklarace DOCTYPE není povolena');
    expect(refused('<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>').message).toMatch(/DOCTYPE/);
    expect(refused('<d>&nbsp;</d>').czech).toBe('nedeklarovaná entita &nbsp;');
    expect(refused('<d><a></b></d>').czech).toBe('koncová značka neodpovídá otevřenému elementu');
    expect(refused('<d>\n<a>').czech).toBe('soubor je neúplný (končí uprostřed dokumentu)');
    expect(refused('<d></d><e></e>').czech).toBe('druhý kořenový element');
    expect(refused('text<d/>').czech).toBe('text mimo kořenový element');
    expect(refused('').czech).toBe('soubor je neúplný (končí uprostřed dokumentu)');
    expect(refused('<d>Oprava&#0;chodníku</d>').czech).toBe('neplatný odkaz na znak &#0;');
    expect(refused('<d>&#xD800;</d>').czech).toBe('neplatný odkaz na znak &#xD800;');
    expect(refused('<d>&#12abc;</d>').czech).toBe('neplatný odkaz na znak &#12abc;');
    expect(refused('<d>&#-1;</d>').czech).toBe('neplatný odkaz na znak &#-1;');
    expect(refused('<d>a\u0000b</d>').czech).toBe('znak, který XML nedovoluje (např. nulový bajt)');
    expect(refused('<d a="x\u0001"/>').czech).toBe('znak, který XML nedovoluje (např. nulový bajt)');
  });

  it('accepts a CDATA section as long as the text limit allows, wherever the chunks are cut', () => {
    const long = `<d><![CDATA[${'c'.repeat(150_000)}]]></d>`;
    for (const cut of [70_000, 120_000, 149_990]) expect(events([long.slice(0, cut), long.slice(cut)])).toHaveLength(3);
  });

  it('bounds text, tag length and depth', () => {
    const reader = (limits: ConstructorParameters<typeof XmlStreamReader>[1]) => new XmlStreamReader({ open() {}, close() {}, text() {} }, limits);
    expect(() => reader({ maxTextLength: 100 }).write(`<d>${'x'.repeat(101)}`)).toThrow(XmlStreamError);
    expect(() => reader({ maxTagLength: 100 }).write(`<d a="${'x'.repeat(200)}`)).toThrow(XmlStreamError);
    expect(() => reader({ maxDepth: 10 }).write('<a>'.repeat(11))).toThrow(XmlStreamError);
    // A huge text split over many chunks is refused as soon as it passes the limit.
    const big = reader({ maxTextLength: 1000 });
    big.write('<d>');
    expect(() => {
      for (let i = 0; i < 100; i++) big.write('y'.repeat(100));
    }).toThrow(/text longer/);
  });
});
