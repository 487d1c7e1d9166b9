#!/usr/bin/env node
// The `om` command. It runs the bundle in dist/, rebuilding it first when any source is newer,
// so `npm install && npm start` needs no separate build step and an edited source is never run stale.
import { setFlagsFromString } from 'node:v8';
import { buildDist, isBuildFresh } from './build.mjs';

// Bulk commands make much short-lived garbage: a 16 MB semi-space measured ~20 % faster publishing, and an
// exposed gc() lets `om publish` collect at batch boundaries so that peak memory stays flat (see src/shared/memory.ts).
// The flag also sizes every worker thread's young generation over its resourceLimits; `om export` leaves it out,
// so that its worker keeps the young generation it asks for (measured: ~20 MB lower peak memory, same speed).
if (process.argv[2] !== 'export') setFlagsFromString('--max-semi-space-size=16');
// An import's threads too: the register import then needs no full collection forced every few thousand records.
if (process.argv[2] === 'import') setFlagsFromString('--heap-growing-percent=50');
// An export's threads keep ~15–30 MB alive each and turn over a gigabyte of rows. A full collection once the old
// generation has grown by half (V8's own factor lets it grow by up to four times on a fast collector) keeps the
// peak bounded without the forced collections that cost the CSV export a quarter of its time (cmdExport in
// src/cli/main.ts).
// Its young generation does not grow either: V8 doubles it whenever enough survives its collections, up to 2 × 16 MB
// (~34 MB at a million records), though an export keeps only the batch of rows in hand alive. Kept at its first size,
// with batches of 250 rows, the peak measured 130–144 MB instead of 154–175 MB on one core, 176 MB instead of 206 MB
// on two, at the same speed (the size itself can only be given on the command line, the growth also here).
else setFlagsFromString('--heap-growing-percent=50 --semi-space-growth-factor=1');
setFlagsFromString('--expose-gc');

if (!isBuildFresh()) await buildDist();
process.argv[1] = new URL('./om.mjs', import.meta.url).pathname;
await import('../dist/main.js');
