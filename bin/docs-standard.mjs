#!/usr/bin/env node
// Writes docs/standard/pole.md from the zod schemas of the standard.
import { writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const { fieldReferenceMarkdown } = await import('../src/standard/reference.ts');
writeFileSync(new URL('../docs/standard/pole.md', import.meta.url), fieldReferenceMarkdown());
