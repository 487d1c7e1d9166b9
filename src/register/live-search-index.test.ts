import { describe, expect, it } from 'vitest';
import { LiveSearchIndex } from './live-search-index.ts';
import type { IndexDocumentRow, RegisterRepository } from './repository.ts';

const row = (id: number, text: string): IndexDocumentRow => ({
  id, organization_id: 1, type: 'smlouva', status: 'published', quality: 'A', currency: 'CZK', has_attachment: 0, red_flags: null, primary_date: '2024-01-01', amount: null, search_text: ` ${text}`, parties: [],
});

/** A register in memory: records and the versions that changed them, with a switch that makes reads fail once. */
function fakeRegister() {
  const records = new Map<number, IndexDocumentRow>([[1, row(1, 'oprava mostu')]]);
  const versions: Array<{ id: number; record_id: number }> = [{ id: 1, record_id: 1 }];
  const state = { failNext: false, flagsRevision: '' };
  const repository = {
    latestVersionId: async () => versions.length,
    flagsRevision: async () => state.flagsRevision,
    indexDocuments: async (afterId: number, limit: number) => [...records.values()].filter((r) => r.id > afterId && r.status === 'published').slice(0, limit),
    indexDocumentsOf: async (ids: number[]) => ids.flatMap((id) => records.get(id) ?? []),
    versionsAfter: async (afterId: number, limit: number) => {
      if (state.failNext) {
        state.failNext = false;
        throw new Error('connection lost');
      }
      return versions.filter((v) => v.id > afterId).slice(0, limit);
    },
  } as unknown as RegisterRepository;
  const write = (document: IndexDocumentRow) => {
    records.set(document.id, document);
    versions.push({ id: versions.length + 1, record_id: document.id });
  };
  /** What `om red-flags` does: flags change in place, without a version, and the revision moves on. */
  const recomputeFlags = (id: number, flags: string) => {
    records.set(id, { ...records.get(id)!, red_flags: flags });
    state.flagsRevision = `${state.flagsRevision}+`;
  };
  return { repository, write, recomputeFlags, state, generation: () => `${versions.length}|${state.flagsRevision}` };
}

describe('the live search index', () => {
  it('follows writes, and a failed catch-up (a database error) does not stop the next one', async () => {
    const register = fakeRegister();
    const live = new LiveSearchIndex(register.repository);
    expect(live.state).toBe('building');
    expect(await live.current(register.generation())).toBeNull();
    await live.start();
    const ids = async () => (await live.current(register.generation()))!.query({ tokens: ['oprav'] }, 'date_desc', 0, 10).ids;
    expect(await ids()).toEqual([1]);

    register.write(row(2, 'oprava lavky'));
    register.state.failNext = true;
    await expect(live.current(register.generation())).rejects.toThrow('connection lost');
    expect(await ids()).toEqual([2, 1]);

    register.write({ ...row(1, 'oprava mostu'), status: 'withdrawn' });
    expect(await ids()).toEqual([2]);
  });

  it('is built again when the red flags were recomputed without new versions, and answers meanwhile', async () => {
    const register = fakeRegister();
    const live = new LiveSearchIndex(register.repository);
    await live.start();
    const flagged = async () => (await live.current(register.generation()))!.query({ flag: 'price_missing' }, 'date_desc', 0, 10).ids;
    expect(await flagged()).toEqual([]);
    register.recomputeFlags(1, ' price_missing ');
    // The catch-up starts the rebuild; until it is done the old index answers.
    expect(await flagged()).toEqual([]);
    for (let tries = 0; tries < 100 && (await flagged()).length === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await flagged()).toEqual([1]);
  });

  it('is off when disabled', async () => {
    const live = new LiveSearchIndex(fakeRegister().repository, undefined, { enabled: false });
    await live.start();
    expect(live.state).toBe('off');
    expect(await live.current('1')).toBeNull();
  });
});
