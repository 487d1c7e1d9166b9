import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareRegisterEntry } from '../imports/registr-smluv/prepare.ts';
import { readRegisterDump } from '../imports/registr-smluv/reader.ts';
import { VersionIndex } from '../imports/registr-smluv/versions.ts';
import { prepareItem } from '../register/prepare.ts';
import { contract } from '../testing/factories.ts';
import { writeRegisterDump } from '../testing/register-dump.ts';
import { prepareDumpInWorker, prepareFileInWorker, type Share } from './prepare-in-worker.ts';

const dir = mkdtempSync(join(tmpdir(), 'om-prepare-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every batch unprepared, none, or every other one: whoever prepares a batch, the writer must get the same items. */
const shares: Array<[string, () => Share]> = [
  ['the worker prepares every batch', () => ({ nextUnprepared: () => false })],
  ['the writer prepares every batch', () => ({ nextUnprepared: () => true })],
  [
    'they take turns',
    () => {
      let turn = 0;
      return { nextUnprepared: () => turn++ % 2 === 0 };
    },
  ],
];

describe('prepareDumpInWorker', () => {
  const dump = join(dir, 'dump.xml');
  writeRegisterDump(dump, 60, 5);

  it.each(shares)('gives the prepared entries of the dump in its order when %s', async (_, share) => {
    const inThread = [];
    const versions = new VersionIndex();
    const chunks = async function* () {
      yield new Uint8Array(readFileSync(dump));
    };
    for await (const entry of readRegisterDump(chunks())) inThread.push(prepareRegisterEntry(entry, versions));

    // Messages of 3 entries regrouped into the writer's batches of 7.
    const prepared = await prepareDumpInWorker(dump, { gzip: false, batchSize: 7, messageItems: 3, share: share() });
    const fromWorker = [];
    const sizes = [];
    for await (const batch of prepared.batches) {
      sizes.push(batch.length);
      fromWorker.push(...batch);
    }
    expect(sizes).toEqual([7, 7, 7, 7, 7, 7, 7, 7, 4]);
    expect(fromWorker).toEqual(inThread);
  });
});

describe('prepareFileInWorker', () => {
  const records = [contract({ id: 'A-1' }), { ...contract({ id: 'A-2' }), hodnotaBezDph: 'mnoho' }, contract({ id: 'A-3', predmet: 'Údržba zeleně' })];
  const file = join(dir, 'records.ndjson');
  writeFileSync(file, records.map((record) => JSON.stringify(record)).join('\n') + '\n');

  it.each(shares)('gives every row prepared, the invalid one rejected, when %s', async (_, share) => {
    const prepared = await prepareFileInWorker(file, { format: 'ndjson', batchSize: 1, share: share() });
    const items = [];
    for await (const item of prepared.items) items.push(item);
    expect(items).toEqual(records.map((data, index) => prepareItem({ line: index + 1, data })));
    expect(items.map((item) => item.rejected)).toEqual([false, true, false]);
  });
});
