import { describe, expect, it } from 'vitest';
import { VersionIndex } from './versions.ts';

describe('version index', () => {
  it('finds the contract of a version, in ascending and in any order', () => {
    const ascending = new VersionIndex();
    for (let v = 1; v <= 5000; v++) ascending.add(String(v * 3), String(v));
    expect(ascending.contractOf('2205')).toBe('735');
    expect(ascending.contractOf('2206')).toBeUndefined();
    const mixed = new VersionIndex();
    mixed.add('933', '929');
    mixed.add('757', '757');
    mixed.add('abc', '1');
    expect(mixed.contractOf('757')).toBe('757');
    expect(mixed.contractOf('933')).toBe('929');
    expect(mixed.contractOf('abc')).toBeUndefined();
  });
});
