import { describe, expect, it } from 'vitest';
import { progressLine } from './progress.ts';
import { estimateProgress, isResumable, shownState } from '../jobs/rules.ts';

describe('import progress', () => {
  it('draws a bar with the share read, the rate and the time left, in Czech formatting', () => {
    const line = progressLine('Import', 25_000, 250, 1000, 2);
    expect(line).toContain('[######..................] 25 %');
    expect(line).toContain('25\u00a0000 záznamů');
    expect(line).toContain('12\u00a0500/s');
    expect(line).toContain('zbývá 0:06');
  });

  it('shows only the count and the rate when the size of the input is unknown', () => {
    expect(progressLine('Import', 10, 0, null, 1)).toBe('Import: 10 záznamů, 10/s');
  });

  it('estimates what is left from the bytes read, and treats a silent running job as interrupted', () => {
    expect(estimateProgress(100, 500, 1000, 10)).toEqual({ fraction: 0.5, recordsPerSecond: 10, secondsLeft: 10 });
    expect(estimateProgress(0, 0, 1000, 0).secondsLeft).toBeNull();
    const now = new Date('2026-11-26T12:00:00Z');
    expect(shownState('running', '2026-11-26T11:59:00Z', now)).toBe('running');
    expect(shownState('running', '2026-11-26T11:00:00Z', now)).toBe('interrupted');
    expect(shownState('completed', '2026-11-26T11:00:00Z', now)).toBe('completed');
  });

  it('resumes a failed job or one whose process is gone, never one a live process is still running', () => {
    const now = new Date('2026-11-26T12:00:00Z');
    const here = { host: 'web1', isAlive: (pid: number) => pid === 100 };
    const recent = '2026-11-26T11:59:30Z';
    expect(isResumable({ state: 'failed', runner: 'web1:100', updated_at: recent }, here, now)).toBe(true);
    expect(isResumable({ state: 'running', runner: 'web1:100', updated_at: recent }, here, now)).toBe(false);
    expect(isResumable({ state: 'running', runner: 'web1:200', updated_at: recent }, here, now)).toBe(true);
    expect(isResumable({ state: 'running', runner: 'web2:200', updated_at: recent }, here, now)).toBe(false);
    expect(isResumable({ state: 'running', runner: 'web2:200', updated_at: '2026-11-26T11:00:00Z' }, here, now)).toBe(true);
    expect(isResumable({ state: 'completed', runner: 'web1:200', updated_at: recent }, here, now)).toBe(false);
  });
});
