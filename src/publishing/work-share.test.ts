import { describe, expect, it } from 'vitest';
import { WorkShare } from './work-share.ts';

const unpreparedOf = (share: WorkShare, waits: boolean[]): number => waits.filter((waited) => share.nextUnprepared(waited)).length;

describe('WorkShare', () => {
  it('asks for nothing unprepared while batches are ready', () => {
    expect(unpreparedOf(new WorkShare(), new Array<boolean>(100).fill(false))).toBe(0);
  });

  it('takes a growing share while the writer waits, up to its maximum', () => {
    const share = new WorkShare(0.1, 0.5);
    const taken = unpreparedOf(share, new Array<boolean>(100).fill(true));
    expect(share.current).toBe(0.5);
    // 0.1 + 0.2 + 0.3 + 0.4, then 96 batches at half.
    expect(taken).toBe(49);
  });

  it('settles where the writer waits as often as it does not', () => {
    const share = new WorkShare(0.05, 0.8);
    const waits = Array.from({ length: 400 }, (_, index) => index % 2 === 0);
    const taken = unpreparedOf(share, waits);
    expect(share.current).toBeLessThanOrEqual(0.05);
    expect(taken).toBeLessThanOrEqual(10);
  });

  it('gives the share back once batches are ready again', () => {
    const share = new WorkShare(0.1, 0.8);
    unpreparedOf(share, new Array<boolean>(20).fill(true));
    expect(share.current).toBeCloseTo(0.8);
    unpreparedOf(share, new Array<boolean>(8).fill(false));
    expect(share.current).toBeCloseTo(0);
    expect(unpreparedOf(share, new Array<boolean>(10).fill(false))).toBe(0);
  });
});
