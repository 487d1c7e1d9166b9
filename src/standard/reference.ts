/** The field reference of the standard as Markdown (docs/standard/pole.md), generated from the field catalogue. */
import { fieldsOf } from './fields.ts';
import { ISSUE_MESSAGES } from './messages.ts';
import { RECORD_TYPES, RECORD_TYPE_LABELS, STANDARD_VERSION } from './schema.ts';

const cell = (value: string) => value.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function fieldReferenceMarkdown(): string {
  const lines: string[] = [
    `# Pole standardu ${STANDARD_VERSION}`,
    '',
    'Vygenerováno ze zod schémat (`npm run docs:standard`); test hlídá, že soubor odpovídá kódu.',
    'V CSV mají seznamy číslované sloupce: `strany.1.nazev`, `strany.2.ico`, `prilohy.1.url`.',
    '',
  ];
  for (const type of RECORD_TYPES) {
    lines.push(`## ${RECORD_TYPE_LABELS[type].one} (\`typ: ${type}\`)`, '', '| pole | název | povinné | pravidlo | popis | příklad |', '|---|---|---|---|---|---|');
    for (const field of fieldsOf(type)) {
      lines.push(`| \`${field.key}\` | ${cell(field.title)} | ${field.required ? 'ano' : 'ne'} | ${cell(field.rule)} | ${cell(field.description)} | ${field.example ? `\`${cell(field.example)}\`` : ''} |`);
    }
    lines.push('');
  }
  lines.push('## Kódy chyb a varování', '', '| kód | význam |', '|---|---|');
  for (const [code, message] of Object.entries(ISSUE_MESSAGES)) lines.push(`| \`${code}\` | ${cell(message)} |`);
  lines.push('');
  return lines.join('\n');
}
