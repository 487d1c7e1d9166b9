import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fieldReferenceMarkdown } from './reference.ts';

describe('docs/standard/pole.md', () => {
  it('is the field reference generated from the zod schemas (run npm run docs:standard after changing them)', () => {
    const committed = readFileSync(new URL('../../docs/standard/pole.md', import.meta.url), 'utf8');
    expect(committed).toBe(fieldReferenceMarkdown());
  });
});
