#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so `npm install && npm start` needs no build step.
import { register } from 'tsx/esm/api';

register();
process.argv[1] = new URL('./om.mjs', import.meta.url).pathname;
await import('../src/cli/main.ts');
