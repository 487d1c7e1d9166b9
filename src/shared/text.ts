/** Lower-case and strip diacritics, so that "Školní" and "skolni" compare equal. */
export function foldText(value: string): string {
  return value.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** Folded words of a text, for prefix search. */
export function searchTokens(value: string): string[] {
  return foldText(value)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token.length > 0);
}
