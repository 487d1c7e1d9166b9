import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { formatNumber, isDateFormat, readXlsx, serialToDate, type XlsxLimits } from './xlsx.ts';
import { makeXlsx } from './xlsx-testing.ts';
import type { ZipLimits } from './zip.ts';
import { makeZip } from './zip-testing.ts';

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** A hand-written workbook whose first sheet is deliberately not sheet1.xml, with a prefixed relationship id. */
function workbook(sheet: string, parts: { sst?: string; styles?: string; workbookPr?: string; doctypeIn?: string } = {}): Uint8Array {
  const files: Record<string, string> = {
    '[Content_Types].xml': '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    '_rels/.rels': `<Relationships><Relationship Id="rId1" Type="${REL}/officeDocument" Target="/xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml':
      `<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:rel="${REL}">${parts.workbookPr ?? ''}` +
      '<x:sheets><x:sheet name="Faktury 2024" sheetId="2" rel:id="rId7"/><x:sheet name="Jiný" sheetId="1" rel:id="rId1"/></x:sheets></x:workbook>',
    'xl/_rels/workbook.xml.rels':
      `<Relationships><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>` +
      `<Relationship Id="rId7" Type="${REL}/worksheet" Target="./worksheets/../worksheets/Data.xml"/>` +
      `<Relationship Id="rId8" Type="${REL}/sharedStrings" Target="strings.xml"/><Relationship Id="rId9" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
    'xl/worksheets/sheet1.xml': `<worksheet ${NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>wrong sheet</t></is></c></row></sheetData></worksheet>`,
    'xl/worksheets/data.xml': `<worksheet ${NS}><sheetData>${sheet}</sheetData></worksheet>`,
    'xl/strings.xml': `<sst ${NS}>${parts.sst ?? ''}</sst>`,
    'xl/styles.xml': `<styleSheet ${NS}>${parts.styles ?? ''}</styleSheet>`,
  };
  if (parts.doctypeIn) files[parts.doctypeIn] = `<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]>${files[parts.doctypeIn]}`;
  return makeZip(Object.entries(files).map(([name, data]) => ({ name, data })));
}

function refused(bytes: Uint8Array, limits?: XlsxLimits & ZipLimits): string {
  try {
    readXlsx(bytes, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('unreadable_input');
    return (error as AppError).userMessage;
  }
  throw new Error('expected an AppError');
}

describe('readXlsx', () => {
  const table = [
    ['Číslo', 'Předmět', 'Částka', 'Datum', 'Uhrazeno'],
    ['2024/001', 'Oprava <chodníku> & "lavic"', 12345.5, { date: '2024-03-05' }, true],
    ['2024/002', null, 0.1 + 0.2, { date: '1999-12-31' }, false],
    [null, null, null, null, null],
    ['2024/003', '  mezery  ', -0.001, null, null, 'navíc'],
  ];
  const expected = [
    { line: 1, cells: ['Číslo', 'Předmět', 'Částka', 'Datum', 'Uhrazeno'] },
    { line: 2, cells: ['2024/001', 'Oprava <chodníku> & "lavic"', '12345.5', '2024-03-05', 'true'] },
    { line: 3, cells: ['2024/002', '', '0.3', '1999-12-31', 'false'] },
    { line: 5, cells: ['2024/003', '  mezery  ', '-0.001', '', '', 'navíc'] },
  ];

  it('reads shared strings, numbers, dates and booleans, skipping empty rows', () => {
    expect(readXlsx(makeXlsx(table, { sheetName: 'Faktury' }))).toEqual({ sheetName: 'Faktury', rows: expected });
  });

  it('reads inline strings the same way', () => {
    expect(readXlsx(makeXlsx(table, { sharedStrings: false })).rows).toEqual(expected);
  });

  it('finds the first sheet through the relationships and handles rich text, sparse cells and other types', () => {
    const sst =
      '<si><t>prostý</t></si>' +
      '<si><r><rPr><b/></rPr><t>tučný </t></r><r><t xml:space="preserve">a běžný</t></r><rPh sb="0" eb="1"><t>phonetic</t></rPh></si>' +
      '<si><t>řádek_x000D_\nzalomený</t></si>';
    const sheet =
      '<row r="3"><c r="A3" t="s"><v>0</v></c><c r="C3" t="s"><v>1</v></c></row>' +
      '<row r="4"><c r="A4" s="0"/><c r="B4" t="s"><v>2</v></c></row>' +
      '<row r="7" spans="1:3"><c t="str"><f>A3&amp;"!"</f><v>prostý!</v></c><c t="e"><v>#N/A</v></c><c><v>42</v></c></row>' +
      '<row r="8"/>' +
      '<row r="12"><c r="AB12" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c><c r="AC12" t="b"><v>1</v></c></row>' +
      '<row><c r="A13"><v><![CDATA[7]]></v></c></row>';
    const { sheetName, rows } = readXlsx(workbook(sheet, { sst }));
    expect(sheetName).toBe('Faktury 2024');
    expect(rows).toEqual([
      { line: 3, cells: ['prostý', '', 'tučný a běžný'] },
      { line: 4, cells: ['', 'řádek\r\nzalomený'] },
      { line: 7, cells: ['prostý!', '#N/A', '42'] },
      { line: 12, cells: [...Array<string>(27).fill(''), 'inline', 'true'] },
      { line: 13, cells: ['7'] },
    ]);
  });

  it('turns numbers in date styles into ISO dates, built-in and custom formats alike', () => {
    const styles =
      '<numFmts count="4"><numFmt numFmtId="164" formatCode="d/m/yyyy"/><numFmt numFmtId="165" formatCode="#,##0.00\\ &quot;Kč&quot;"/>' +
      '<numFmt numFmtId="166" formatCode="[$-405]d\\.\\ mmmm\\ yyyy;@"/><numFmt numFmtId="167" formatCode="&quot;dmy&quot;\\ 0"/></numFmts>' +
      '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>' +
      '<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="22"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="167"/><xf numFmtId="4"/></cellXfs>';
    const cells = ['45356', '45356', '45355.99999999999', '45356', '45356', '45356', '45356', '1234.5'];
    const row = (line: number, values: string[]) => `<row r="${line}">${values.map((v, s) => `<c s="${s}"><v>${v}</v></c>`).join('')}</row>`;
    const dated = ['1', '59', '60', '61', '0', '-1', '3000000'].map((v) => `<c s="1"><v>${v}</v></c>`).join('');
    const sheet = row(1, cells) + `<row r="2">${dated}</row>`;
    expect(readXlsx(workbook(sheet, { styles })).rows).toEqual([
      { line: 1, cells: ['45356', '2024-03-05', '2024-03-05', '2024-03-05', '45356', '2024-03-05', '45356', '1234.5'] },
      { line: 2, cells: ['1900-01-01', '1900-02-28', '1900-02-29', '1900-03-01', '1899-12-31', '-1', '3000000'] },
    ]);
    const styles1904 = '<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>';
    const rows1904 = readXlsx(workbook('<row r="1"><c s="1"><v>0</v></c><c s="1"><v>43894</v></c></row>', { styles: styles1904, workbookPr: '<x:workbookPr date1904="1"/>' })).rows;
    expect(rows1904[0]!.cells).toEqual(['1904-01-01', '2024-03-05']);
  });

  it('refuses DOCTYPE in every XML part', () => {
    for (const part of ['_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/worksheets/data.xml', 'xl/strings.xml', 'xl/styles.xml']) {
      expect(refused(workbook('', { doctypeIn: part }))).toBe(`Sešit XLSX obsahuje v části „${part}“ deklaraci DOCTYPE; z bezpečnostních důvodů se nezpracuje.`);
    }
  });

  it('refuses what is not a workbook', () => {
    expect(refused(new TextEncoder().encode('a;b;c'))).toBe('Soubor není sešit XLSX (není to archiv ZIP).');
    expect(refused(makeZip([{ name: 'word/document.xml', data: '<document/>' }]))).toBe('Soubor není sešit XLSX (chybí xl/workbook.xml).');
    expect(refused(makeZip([{ name: 'xl/workbook.xml', data: `<workbook ${NS}><sheets/></workbook>` }]))).toBe('Sešit XLSX neobsahuje žádný list.');
    const noSheet = makeZip([{ name: 'xl/workbook.xml', data: `<workbook ${NS} xmlns:r="${REL}"><sheets><sheet name="A" r:id="rId1"/></sheets></workbook>` }]);
    expect(refused(noSheet)).toBe('List „A“ v sešitu XLSX chybí.');
    expect(refused(workbook('<row><c><v>1</c></row>'))).toMatch(/^Část sešitu „xl\/worksheets\/data\.xml“ nelze přečíst: /);
    expect(refused(workbook('<row><c t="s"><v>5</v></c></row>'))).toBe('Buňka A1 odkazuje na neexistující sdílený text.');
  });

  it('enforces the limits, including those of the archive', () => {
    const wide = makeXlsx([[...Array<null>(5).fill(null), 'x']]);
    expect(refused(wide, { maxColumns: 5 })).toBe('Buňka F1 leží za posledním povoleným sloupcem (nejvýše 5 sloupců).');
    expect(readXlsx(wide, { maxColumns: 6 }).rows[0]!.cells).toHaveLength(6);
    expect(refused(makeXlsx([['a'], ['b'], ['c']]), { maxRows: 2 })).toBe('Sešit má příliš mnoho řádků (nejvýše 2).');
    expect(refused(makeXlsx([['ok', 'x'.repeat(11)]], { sharedStrings: false }), { maxCellLength: 10 })).toBe('Buňka B1 je delší než 10 znaků.');
    expect(refused(makeXlsx([['x'.repeat(11)]]), { maxCellLength: 10 })).toBe('Sdílený text č. 1 je delší než 10 znaků.');
    expect(refused(makeXlsx([['a']]), { maxEntries: 3 })).toMatch(/^Archiv obsahuje příliš mnoho položek/);
  });
});

describe('number and date helpers', () => {
  it('formats numbers canonically without float noise or exponents', () => {
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(1234567.891)).toBe('1234567.891');
    expect(formatNumber(1e21)).toBe('1000000000000000000000');
    expect(formatNumber(1.5e-7)).toBe('0.00000015');
    expect(formatNumber(-2.5e-10)).toBe('-0.00000000025');
    expect(formatNumber(123456789012345680)).toBe('123456789012346000');
    expect(formatNumber(-0)).toBe('0');
  });

  it('recognises date formats outside quotes, brackets and escapes', () => {
    for (const code of ['d/m/yyyy', 'd. m. yyyy', '[$-405]d\\.\\ mmmm\\ yyyy;@', 'yyyy-mm-dd hh:mm', 'mmm yy']) expect(isDateFormat(code)).toBe(true);
    for (const code of ['General', '0.00', '#,##0\\ "Kč"', '"day" 0', '[Red]#,##0', '@', '0%', '_-* #,##0\\ _K_č_-']) expect(isDateFormat(code)).toBe(false);
  });

  it('converts serials in both date systems', () => {
    expect(serialToDate(45356, false)).toBe('2024-03-05');
    expect(serialToDate(60, false)).toBe('1900-02-29');
    expect(serialToDate(45356, true)).toBe('2028-03-06');
    expect(serialToDate(-1, false)).toBeNull();
    expect(serialToDate(2_958_465, false)).toBe('9999-12-31');
  });
});
