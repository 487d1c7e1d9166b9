import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AtomicFile, removeTemporaryFiles, startTemporaryFiles, type Spill } from './atomic-file.ts';

const directories: string[] = [];
function directory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'om-atomic-'));
  directories.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of directories.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const openDescriptors = () => readdirSync('/proc/self/fd').length;

describe('atomic files', () => {
  it('shows nothing under the name until committed, then the whole text with its sha256', () => {
    const dir = directory();
    const path = join(dir, 'a', 'soubor.csv');
    const file = new AtomicFile(path, { bufferBytes: 16 });
    file.write('první řádek\r\n');
    file.write('druhý, delší řádek se znaky mimo ASCII: žluťoučký kůň\r\n');
    expect(existsSync(path)).toBe(false);
    const written = file.commit();
    const text = 'první řádek\r\ndruhý, delší řádek se znaky mimo ASCII: žluťoučký kůň\r\n';
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(written.bytes).toBe(Buffer.byteLength(text));
    expect(written.sha256).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('appends bytes after the buffered text, in order', () => {
    const dir = directory();
    const file = new AtomicFile(join(dir, 'x.txt'));
    file.write('hlavička\n');
    file.writeBytes(Buffer.from('část z jiného souboru\n'));
    file.write('konec\n');
    file.commit();
    expect(readFileSync(join(dir, 'x.txt'), 'utf8')).toBe('hlavička\nčást z jiného souboru\nkonec\n');
  });

  it('keeps at most 4,000 lazy files open at once and writes every one of 4,500 completely', () => {
    const dir = directory();
    const before = openDescriptors();
    const files = Array.from({ length: 4500 }, (_, i) => new AtomicFile(join(dir, `${i}.txt`), { lazy: true, bufferBytes: 8 }));
    for (let round = 0; round < 3; round++) for (const [i, file] of files.entries()) file.write(`${i}:${round};`);
    expect(openDescriptors() - before).toBeLessThanOrEqual(4000);
    for (const file of files) file.commit();
    expect(openDescriptors()).toBe(before);
    for (const i of [0, 1234, 4499]) expect(readFileSync(join(dir, `${i}.txt`), 'utf8')).toBe(`${i}:0;${i}:1;${i}:2;`);
  });

  it('leaves no temporary file and the previous file as it was when aborted', () => {
    const dir = directory();
    const first = new AtomicFile(join(dir, 'f.txt'), { lazy: true });
    first.write('stará verze');
    first.commit();
    const second = new AtomicFile(join(dir, 'f.txt'), { lazy: true, bufferBytes: 4 });
    second.write('nová, nedokončená verze');
    second.abort();
    expect(readdirSync(dir)).toEqual(['f.txt']);
    expect(readFileSync(join(dir, 'f.txt'), 'utf8')).toBe('stará verze');
  });

  it('creates temporary files in the background, stops at the first that cannot be made, and leaves none once removed', async () => {
    const dir = directory();
    const paths = Array.from({ length: 200 }, (_, i) => join(dir, `org${i % 50}`, `${i}.csv`));
    const created = startTemporaryFiles(paths);
    await created.ready;
    expect(paths.every((path) => existsSync(created.paths.get(path)!))).toBe(true);
    const file = new AtomicFile(paths[7]!, { lazy: true }, created.paths.get(paths[7]!));
    file.write('text');
    file.commit();
    expect(readFileSync(paths[7]!, 'utf8')).toBe('text');

    const other = directory();
    writeFileSync(join(other, 'soubor'), 'není složka');
    const failing = [...Array.from({ length: 100 }, (_, i) => join(other, `d${i}`, 'a.csv')), join(other, 'soubor', 'b.csv'), ...Array.from({ length: 100 }, (_, i) => join(other, `e${i}`, 'a.csv'))];
    const started = startTemporaryFiles(failing);
    await expect(started.ready).rejects.toThrow();
    // Every creator has stopped once `ready` settles: nothing appears after the removal.
    removeTemporaryFiles(started.paths.values());
    await new Promise((resolve) => setTimeout(resolve, 20));
    const temporary = (relative: string): string[] =>
      readdirSync(join(other, relative), { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? temporary(join(relative, entry.name)) : entry.name.endsWith('.tmp') ? [entry.name] : []));
    expect(temporary('')).toEqual([]);
  });

  it('writes into a file whose temporary file the background has not created yet, and keeps what it wrote', async () => {
    const dir = directory();
    const paths = Array.from({ length: 300 }, (_, i) => join(dir, `org${i}`, 'f.csv'));
    const started = startTemporaryFiles(paths);
    const last = paths[299]!;
    const file = new AtomicFile(last, { lazy: true, bufferBytes: 4 }, started.paths.get(last));
    // Longer than the buffer: written at once, creating the folder and the file before the background reaches them.
    file.write('hned teď');
    await started.ready;
    file.write('!');
    file.commit();
    expect(readFileSync(last, 'utf8')).toBe('hned teď!');
    expect(paths.slice(0, 299).every((path) => existsSync(started.paths.get(path)!))).toBe(true);
  });

  it('keeps the full buffers of a file not created yet in a spill, and writes them first once it exists', () => {
    const dir = directory();
    const kept: Buffer[] = [];
    const spill: Spill = {
      append: (bytes) => kept.push(Buffer.from(bytes)) - 1,
      copy: (segments, out) => {
        for (let i = 0; i < segments.length; i += 2) out(kept[segments[i]!]!);
      },
    };
    let exists = false;
    const pending = { exists: () => exists, spill };
    const target = join(dir, 'org', 'f.csv');
    const temporary = `${target}.tmp`;
    const file = new AtomicFile(target, { lazy: true, bufferBytes: 8, pending }, temporary);
    const text = ['řádek 1\n', 'řádek 2\n', 'třetí řádek, delší než buffer\n', 'čtvrtý\n'];
    file.write(text[0]!);
    file.write(text[1]!);
    file.write(text[2]!);
    // Nothing was created: the full buffers wait in the spill.
    expect(existsSync(join(dir, 'org'))).toBe(false);
    expect(kept.length).toBeGreaterThan(0);
    exists = true;
    file.write(text[3]!);
    // A file whose text all went to the spill is opened at its commit.
    const onlySpilled = new AtomicFile(join(dir, 'org2', 'g.csv'), { lazy: true, bufferBytes: 4, pending: { exists: () => false, spill } }, join(dir, 'org2', 'g.csv.tmp'));
    onlySpilled.write('celý do spillu');
    onlySpilled.flush();
    const written = file.commit();
    expect(readFileSync(target, 'utf8')).toBe(text.join(''));
    expect(written.sha256).toBe(createHash('sha256').update(text.join('')).digest('hex'));
    expect(written.bytes).toBe(Buffer.byteLength(text.join('')));
    onlySpilled.commit();
    expect(readFileSync(join(dir, 'org2', 'g.csv'), 'utf8')).toBe('celý do spillu');
  });

  it('tells which background files exist yet', async () => {
    const dir = directory();
    const paths = Array.from({ length: 50 }, (_, i) => join(dir, `org${i}`, 'f.csv'));
    const started = startTemporaryFiles(paths, 2);
    expect(started.exists(started.paths.get(paths[49]!)!)).toBe(false);
    await started.ready;
    expect(paths.every((path) => started.exists(started.paths.get(path)!))).toBe(true);
  });
});
