import { describe, expect, it } from 'vitest';
import { GenerationCache } from './generation-cache.ts';

describe('GenerationCache', () => {
  it('answers only while the generation is the one the value was computed at', () => {
    const cache = new GenerationCache<number>(10);
    cache.set('a', 'g1', 1);
    expect(cache.get('a', 'g1')).toBe(1);
    expect(cache.get('a', 'g2')).toBeUndefined();
    // A stale entry is dropped, not kept for a return to an old generation.
    expect(cache.get('a', 'g1')).toBeUndefined();
  });

  it('drops the least recently used entry when full', () => {
    const cache = new GenerationCache<string>(2);
    cache.set('a', 'g', 'A');
    cache.set('b', 'g', 'B');
    expect(cache.get('a', 'g')).toBe('A');
    cache.set('c', 'g', 'C');
    expect(cache.get('b', 'g')).toBeUndefined();
    expect(cache.get('a', 'g')).toBe('A');
    expect(cache.size).toBe(2);
  });
});
