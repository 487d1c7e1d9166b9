import { describe, expect, it } from 'vitest';
import { EXAMPLE_CONTRACT } from '../standard/examples.ts';
import { validateRecord } from '../standard/validate.ts';
import { formFields, formFromRecord, formValues, issuesByInput, recordFromForm, restoreHiddenValues, slotsFor } from './form.ts';
import { uploadKind } from './upload.ts';

describe('the by-hand form', () => {
  it('has one input per column of the standard, with Czech titles and the standard’s help', () => {
    const fields = formFields('smlouva', { strany: 2, prilohy: 1 });
    const names = fields.map((f) => f.name);
    expect(names).toContain('predmet');
    expect(names).toContain('strany.2.ico');
    expect(names).toContain('prilohy.1.sha256');
    expect(names).not.toContain('typ');
    const subject = fields.find((f) => f.name === 'predmet')!;
    expect(subject.title).toBe('Předmět');
    expect(subject.required).toBe(true);
    expect(fields.find((f) => f.name === 'datumUzavreni')!.kind).toBe('date');
  });

  it('turns a record into form values and back without loss', () => {
    const values = formFromRecord(EXAMPLE_CONTRACT);
    const back = validateRecord(recordFromForm('smlouva', values));
    const original = validateRecord(EXAMPLE_CONTRACT);
    if (!back.ok || !original.ok) throw new Error('the example and its round trip must both be valid');
    expect(back.value.record).toEqual(original.value.record);
  });

  it('keeps only the type’s own inputs and counts the slots in use', () => {
    const values = formValues('smlouva', { predmet: ' Oprava ', 'strany.3.nazev': 'Firma', _csrf: 'x', zlobivePole: 'y', typ: 'faktura' });
    expect(values).toEqual({ predmet: 'Oprava', 'strany.3.nazev': 'Firma' });
    expect(slotsFor(values, { strany: 1 })).toEqual({ strany: 4, prilohy: 0 });
  });

  it('puts each problem at its input, and a problem of a whole party at the party’s first input', () => {
    const fields = formFields('smlouva', { strany: 1, prilohy: 0 });
    const byInput = issuesByInput(
      [
        { severity: 'error', path: 'datumUzavreni', code: 'invalid_date', message: 'x' },
        { severity: 'error', path: 'strany.1', code: 'invalid_value', message: 'y' },
      ],
      fields,
    );
    expect(byInput.get('datumUzavreni')?.[0]?.message).toBe('x');
    expect(byInput.get('strany.1.nazev')?.[0]?.message).toBe('y');
  });
});

describe('uploadKind', () => {
  it('sends each file to its importer', () => {
    const bytes = new Uint8Array();
    expect(uploadKind('smlouvy.CSV', bytes)).toBe('table');
    expect(uploadKind('smlouvy.xlsx', bytes)).toBe('table');
    expect(uploadKind('faktura.isdocx', bytes)).toBe('isdoc');
    expect(uploadKind('dump_2024_01.xml', new TextEncoder().encode('<?xml version="1.0"?><dump>'))).toBe('registr-smluv');
    expect(uploadKind('faktura.xml', new TextEncoder().encode('<?xml version="1.0"?><Invoice xmlns="http://isdoc.cz/namespace/2013" version="6.0.2">'))).toBe('isdoc');
    expect(uploadKind('program.exe', bytes)).toBeNull();
  });

  it('puts a hidden birth number back into a correction only where the same party leaves the field empty', () => {
    const hidden = [
      { path: 'strany.1.ico', reason: 'birth_number' as const, value: '736028/5163' },
      { path: 'strany.2.dic', reason: 'birth_number' as const, value: 'CZ7801011240' },
      { path: 'strany.3.ico', reason: 'birth_number' as const, value: '7801011240' },
    ];
    const previous = validateRecord({ ...EXAMPLE_CONTRACT, strany: [{ nazev: 'Jan Novák' }, { nazev: 'Eva Malá' }, { nazev: 'Petr Dlouhý' }] });
    if (!previous.ok) throw new Error('example invalid');
    const values = { predmet: 'Opraveno', 'strany.1.nazev': 'Jan Novák', 'strany.2.nazev': 'Eva Malá', 'strany.2.dic': 'CZ12345678', 'strany.3.nazev': 'Jiná osoba' };
    expect(restoreHiddenValues(values, hidden, previous.value.publicRecord)).toEqual({ ...values, 'strany.1.ico': '736028/5163' });
    expect(values).not.toHaveProperty('strany.1.ico');
  });
});
