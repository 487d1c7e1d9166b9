/**
 * A file written under a temporary name and renamed into place when complete, so that a reader sees either the
 * whole previous file or the whole new one, never a part. The sha256 and byte count are computed while writing.
 *
 * Text goes into a fixed, reused byte buffer (TextBuffer): exports keep thousands of files filling at once, and
 * buffering them as strings kept hundreds of megabytes alive for the garbage collector. Writes are synchronous because the
 * reads that feed them (better-sqlite3) are too; each buffer reaches the page cache in microseconds.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, open, openSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface AtomicFileOptions {
  /** Bytes buffered before a write; default 256 kB. */
  bufferBytes?: number;
  /**
   * Thousands can be written at once: the descriptor is closed when more than 4,000 such files are open in this
   * thread (the least recently written first) and opened again for the next full buffer.
   */
  lazy?: boolean;
  /** fsync before the rename: for files whose loss after a crash matters more than the time (the index). */
  durable?: boolean;
  /**
   * For a file whose temporary file is being created in the background (startTemporaryFiles): until it exists, full
   * buffers go to `spill` and are copied into the file once it does. Creating a file waited ~0.6 ms for this
   * kind of disk, one creation at a time however many threads asked; the export reached most of its thousands of files
   * before the background had made them, and made them itself meanwhile (1.4–2.4 s of a million-record CSV export).
   */
  pending?: { exists(temporaryPath: string): boolean; spill: Spill };
}

/** Where bytes wait: kept in order as segments, handed back in that order. */
export interface Spill {
  /** Keeps the bytes and returns where they start. */
  append(bytes: Uint8Array): number;
  /** Hands back the segments (start and length, alternating) in order, in pieces. */
  copy(segments: readonly number[], out: (bytes: Uint8Array) => void): void;
}

export interface WrittenFile {
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * Opens the file with these flags (`wx`: a new file; `a`: appending, created when missing), creating its folder only
 * when missing (a mkdir per file cost ~0.3 ms across thousands of files).
 */
function openCreating(path: string, flags: 'wx' | 'a'): number {
  try {
    return openWithRoom(path, flags);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(path), { recursive: true });
    return openWithRoom(path, flags);
  }
}

const temporaryPathOf = (path: string) => `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;

const openAsync = (path: string, flags: string) => new Promise<number>((resolve, reject) => open(path, flags, (error, fd) => (error ? reject(error) : resolve(fd))));

export interface TemporaryFiles {
  /** The temporary path of each path. A file may not exist before `ready`: an AtomicFile given it creates it when it first needs it. */
  paths: Map<string, string>;
  /** Settles once every file exists (or creating stopped at the first failure, which it rejects with). */
  ready: Promise<void>;
  /**
   * Whether the file of a temporary path may be opened now: it exists, or creating stopped (after a failure the
   * caller creates it and meets the error itself).
   */
  exists(temporaryPath: string): boolean;
}

/**
 * Starts creating the empty temporary files of these paths on libuv's thread pool, a few at a time, and returns at
 * once. While the disk is busy (another export's files being written or deleted) creating a file takes ~1 ms of
 * waiting, which one thread would pay thousands of times in a row; in the background the export meanwhile writes
 * rows. Before renaming or removing any of them, wait for `ready`, so that no file is created after that.
 */
export function startTemporaryFiles(paths: readonly string[], concurrency = 16): TemporaryFiles {
  const temporary = new Map(paths.map((path) => [path, temporaryPathOf(path)]));
  const queue = [...temporary.values()];
  const existing = new Set<string>();
  let next = 0;
  let failed = false;
  let stopped = false;
  const createOne = async (path: string) => {
    let fd: number;
    // Appending, not exclusive: the export may have created the file itself already (its name is this process's own).
    try {
      fd = await openAsync(path, 'a');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(dirname(path), { recursive: true });
      fd = await openAsync(path, 'a');
    }
    closeSync(fd);
    existing.add(path);
  };
  // Every creator has stopped before `ready` settles, so that no file appears after the caller cleans up.
  const ready = Promise.allSettled(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      while (!failed && next < queue.length) {
        try {
          await createOne(queue[next++]!);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    }),
  ).then((outcomes) => {
    stopped = true;
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) throw failure.reason;
  });
  // A failure is reported to whoever awaits `ready`; until then it is not an unhandled rejection.
  ready.catch(() => undefined);
  return { paths: temporary, ready, exists: (path) => stopped || failed || existing.has(path) };
}

/** Removes these temporary files where they exist; one that could never be made (its folder is a file) is no error. */
export function removeTemporaryFiles(paths: Iterable<string>): void {
  for (const path of paths) {
    try {
      rmSync(path, { force: true });
    } catch {
      // not there
    }
  }
}

/**
 * Lazy files whose descriptor is open, least recently written first (one set per thread). Opening the file for
 * each full buffer, as before, cost ~30 µs an append: 1.5 s of a million-record export. Node raises the soft limit
 * to the hard one (here 20,000) at start; the cap keeps two export
 * threads far below the usual descriptor limits; hitting one anyway closes half of these and tries again.
 */
const MAX_OPEN_LAZY = 4000;
const openLazy = new Set<AtomicFile>();

function openWithRoom(path: string, flags: string): number {
  try {
    return openSync(path, flags);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EMFILE' || openLazy.size === 0) throw error;
    for (const file of [...openLazy].slice(0, Math.ceil(openLazy.size / 2))) file.closeDescriptor();
    return openSync(path, flags);
  }
}

/**
 * Text gathered in a fixed, reused byte buffer and handed on in full buffers: the shared half of a bulk file
 * written in place (AtomicFile) and of one written as segments of a part file (exports/part-file.ts).
 */
export abstract class TextBuffer {
  protected readonly buffer: Buffer;
  protected used = 0;

  constructor(bufferBytes: number) {
    this.buffer = Buffer.allocUnsafe(bufferBytes);
  }

  write(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8: flush first unless the text surely fits.
    if (this.used + text.length * 3 > this.buffer.length) {
      this.flush();
      if (text.length * 3 > this.buffer.length) {
        this.writeOut(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.used += this.buffer.write(text, this.used, 'utf8');
  }

  /** The first `length` bytes of `bytes`: text encoded once for several files (the same line in each). */
  writeEncoded(bytes: Buffer, length: number): void {
    if (this.used + length > this.buffer.length) {
      this.flush();
      if (length > this.buffer.length) {
        this.writeOut(bytes.subarray(0, length));
        return;
      }
    }
    bytes.copy(this.buffer, this.used, 0, length);
    this.used += length;
  }

  flush(): void {
    if (this.used === 0) return;
    this.writeOut(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  protected abstract writeOut(bytes: Uint8Array): void;
}

export class AtomicFile extends TextBuffer {
  private bytes = 0;
  private readonly hash: Hash;
  private readonly tempPath: string;
  private fd: number | null;
  /** Segments in options.pending's spill, written while the file did not exist yet. */
  private spilled: number[] = [];

  /** `created`: its temporary path from startTemporaryFiles (the file empty, or not yet there). */
  constructor(
    readonly path: string,
    private readonly options: AtomicFileOptions = {},
    created?: string,
  ) {
    super(options.bufferBytes ?? 256 * 1024);
    this.tempPath = created ?? temporaryPathOf(path);
    this.hash = createHash('sha256');
    if (created) this.fd = options.lazy ? null : openCreating(created, 'a');
    else {
      this.fd = openCreating(this.tempPath, 'wx');
      if (options.lazy) this.markWritten();
    }
  }

  /** Appends bytes as they are (another file's contents): the buffer is written first to keep the order. */
  writeBytes(bytes: Uint8Array): void {
    this.flush();
    this.writeOut(bytes);
  }

  protected writeOut(bytes: Uint8Array): void {
    this.hash.update(bytes);
    this.bytes += bytes.length;
    const pending = this.options.pending;
    if (this.fd === null && pending && !pending.exists(this.tempPath)) {
      this.spilled.push(pending.spill.append(bytes), bytes.length);
      return;
    }
    this.writeAll(this.descriptor(), bytes);
  }

  /** The open descriptor, opened (and the spilled segments copied in first) when closed. */
  private descriptor(): number {
    if (this.fd === null) {
      const fd = openCreating(this.tempPath, 'a');
      this.fd = fd;
      if (this.spilled.length > 0) {
        const segments = this.spilled;
        this.spilled = [];
        this.options.pending!.spill.copy(segments, (piece) => this.writeAll(fd, piece));
      }
    }
    if (this.options.lazy) this.markWritten();
    return this.fd;
  }

  private writeAll(fd: number, bytes: Uint8Array): void {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
  }

  /** Moves a lazy file to the most recently written end, closing the least recently written beyond the cap. */
  private markWritten(): void {
    openLazy.delete(this);
    openLazy.add(this);
    if (openLazy.size > MAX_OPEN_LAZY) openLazy.values().next().value!.closeDescriptor();
  }

  /** Closes the descriptor (a lazy file opens it again when written); the file stays. */
  closeDescriptor(): void {
    openLazy.delete(this);
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    closeSync(fd);
  }

  /**
   * Flushes and renames the file into place. Without `durable` there is no fsync: a rename that replaces a file
   * is ordered after its data by the usual Linux file systems, and a crash only means the next export writes again.
   */
  commit(): WrittenFile {
    this.flush();
    // A file whose whole text went to the spill has not been opened yet.
    if (this.spilled.length > 0) this.descriptor();
    if (this.fd !== null && this.options.durable) fsyncSync(this.fd);
    this.closeDescriptor();
    renameSync(this.tempPath, this.path);
    return { path: this.path, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  /** Drops the temporary file; the previous file, if any, stays as it was. */
  abort(): void {
    try {
      this.closeDescriptor();
    } catch {
      // already closed
    }
    try {
      unlinkSync(this.tempPath);
    } catch {
      // never created or already gone
    }
  }
}
