import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileReleases, stagesOf } from './merge.ts';
import { FIXTURES } from '../testing/schemas.ts';

const EXAMPLE = `${FIXTURES}ocds/official-fictional-example-1.1/`;

describe('compiling OCDS releases', () => {
  it('merges objects, identified arrays by id, replaces other values, and drops nulls', () => {
    const compiled = compileReleases([
      { ocid: 'o', id: '2', date: '2024-02-01T00:00:00Z', tag: ['award'], awards: [{ id: 'a', status: 'active' }], tender: { status: 'complete', items: null } },
      { ocid: 'o', id: '1', date: '2024-01-01T00:00:00Z', tag: ['tender'], tender: { status: 'active', title: 'T', items: [{ id: 'i' }] }, awards: [{ id: 'a', status: 'pending', value: { amount: 1 } }] },
    ]);
    expect(compiled).toEqual({
      ocid: 'o',
      id: 'o-2024-02-01T00:00:00Z',
      date: '2024-02-01T00:00:00Z',
      tag: ['compiled'],
      tender: { status: 'complete', title: 'T' },
      awards: [{ id: 'a', status: 'active', value: { amount: 1 } }],
    });
    expect(stagesOf(compiled)).toEqual(['tender', 'award']);
  });

  it.skipIf(!existsSync(EXAMPLE))('compiles the official fictional example to the example’s own compiled release', () => {
    const pack = JSON.parse(readFileSync(`${EXAMPLE}ocds-213czf-000-00001.json`, 'utf8'));
    const record = JSON.parse(readFileSync(`${EXAMPLE}record/ocds-213czf-000-00001.json`, 'utf8')).records[0];
    const compiled = compileReleases(pack.releases);
    const { id: _a, date: _b, tag: _c, ...ours } = compiled;
    const { id: _d, date: _e, tag: _f, ...theirs } = record.compiledRelease;
    expect(ours).toEqual(theirs);
    expect(stagesOf(compiled)).toEqual(['planning', 'tender', 'award', 'contract', 'implementation']);
  });
});
