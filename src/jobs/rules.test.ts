import { describe, expect, it } from 'vitest';
import { countsAfterResume, jobSource } from './rules.ts';

describe('counts of a resumed job', () => {
  it('take created and new versions from what the job stored, and count the rest as unchanged', () => {
    expect(countsAfterResume({ read: 100, created: 10, newVersions: 2, unchanged: 85, rejected: 3 }, { created: 80, newVersions: 9 })).toEqual({ read: 100, created: 80, newVersions: 9, unchanged: 8, rejected: 3 });
    expect(jobSource('registr-smluv', 42)).toBe('registr-smluv:job-42');
    expect(jobSource('table', 7, 'smlouvy.csv')).toBe('table:job-7:smlouvy.csv');
  });
});
