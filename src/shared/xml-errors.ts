/** Czech for the errors of the saxes XML parser, whose own messages are English and meant for developers. */
const REASONS: Array<[RegExp, string]> = [
  [/unexpected close tag|unmatched closing tag/i, 'koncová značka neodpovídá otevřenému elementu'],
  [/unclosed tag|unexpected end|document must contain a root element/i, 'soubor je neúplný (končí uprostřed dokumentu)'],
  [/disallowed character|invalid character/i, 'znak, který XML nedovoluje'],
  [/entity/i, 'nedeklarovaná nebo neplatná entita'],
  [/text data outside of root node|data outside of root/i, 'text mimo kořenový element'],
  [/doctype/i, 'deklarace DOCTYPE není povolena'],
  [/attribute/i, 'chybně zapsaný atribut'],
];

export function czechXmlReason(message: string): string {
  return REASONS.find(([pattern]) => pattern.test(message))?.[1] ?? 'chybný zápis XML';
}
