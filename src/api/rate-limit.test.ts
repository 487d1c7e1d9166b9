import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.ts';

describe('RateLimiter', () => {
  it('allows a burst up to the limit, then refuses with the seconds until the next request', () => {
    const limiter = new RateLimiter(60);
    for (let i = 0; i < 60; i++) expect(limiter.take('a', 1000).allowed).toBe(true);
    const refused = limiter.take('a', 1000);
    expect(refused).toEqual({ allowed: false, limit: 60, remaining: 0, retryAfterSeconds: 1 });
    expect(limiter.take('b', 1000).allowed).toBe(true);
    expect(limiter.take('a', 2000).allowed).toBe(true);
    expect(limiter.take('a', 2000).allowed).toBe(false);
  });

  it('refills evenly over a minute and never above the limit', () => {
    const limiter = new RateLimiter(120);
    for (let i = 0; i < 120; i++) limiter.take('a', 0);
    expect(limiter.take('a', 30_000).remaining).toBe(59);
    const later = limiter.take('a', 10 * 60_000);
    expect(later.remaining).toBe(119);
  });
});
