import { describe, expect, it } from 'vitest';
import { foldText, searchTokens } from './text.ts';

describe('foldText', () => {
  it('folds Czech diacritics and case like NFD would', () => {
    const sample = 'Příliš žluťoučký kůň úpěl ďábelské ódy – ŠKOLNÍ JÍDELNA, Ærø, naïve, Ŵ';
    expect(foldText(sample)).toBe(sample.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase());
    expect(foldText('Školní')).toBe('skolni');
    // Polish ł has no decomposition; the table folds it too.
    expect(foldText('Łódź')).toBe('lodz');
  });
  it('splits into folded search tokens', () => {
    expect(searchTokens('Oprava chodníku, č. 12')).toEqual(['oprava', 'chodniku', 'c', '12']);
  });
});
