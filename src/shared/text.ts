/** Lower-case and strip diacritics, so that "Školní" and "skolni" compare equal. */

// Czech and other Latin letters folded by table: NFD normalisation costs several times more on long texts.
const FOLD = new Map<string, string>();
for (const [from, to] of [
  ['áàâäãåā', 'a'], ['čćç', 'c'], ['ď', 'd'], ['éěèêëē', 'e'], ['íìîïī', 'i'], ['ĺľł', 'l'], ['ňńñ', 'n'],
  ['óòôöõőō', 'o'], ['ŕř', 'r'], ['šśş', 's'], ['ťţ', 't'], ['úůùûüűū', 'u'], ['ýÿ', 'y'], ['žźż', 'z'],
] as const) {
  for (const ch of from) {
    FOLD.set(ch, to);
    FOLD.set(ch.toUpperCase(), to);
  }
}

export function foldText(value: string): string {
  const lower = value.toLowerCase();
  let out = '';
  let start = 0;
  for (let i = 0; i < lower.length; i++) {
    if (lower.charCodeAt(i) < 128) continue;
    const ch = lower[i]!;
    const folded = FOLD.get(ch) ?? ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    out += lower.slice(start, i) + folded;
    start = i + 1;
  }
  return start === 0 ? lower : out + lower.slice(start);
}

/** Folded words of a text, for prefix search. */
export function searchTokens(value: string): string[] {
  return foldText(value)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token.length > 0);
}
