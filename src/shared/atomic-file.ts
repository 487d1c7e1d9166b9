/**
 * A file written under a temporary name and renamed into place when complete, so that a reader sees either the
 * whole previous file or the whole new one, never a part. The sha256 and byte count are computed while writing.
 *
 * Text goes into a fixed, reused byte buffer: exports keep thousands of files filling at once, and buffering them
 * as strings kept hundreds of megabytes alive for the garbage collector. Writes are synchronous because the
 * reads that feed them (better-sqlite3) are too; each buffer reaches the page cache in microseconds.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface AtomicFileOptions {
  /** Bytes buffered before a write; default 256 kB. */
  bufferBytes?: number;
  /** Opens the temporary file only to append each full buffer, so that thousands can be written at once. */
  lazy?: boolean;
  /** fsync before the rename: for files whose loss after a crash matters more than the time (the index). */
  durable?: boolean;
}

export interface WrittenFile {
  path: string;
  bytes: number;
  sha256: string;
}

/** Creates the file; its folder only when missing (a mkdir per file cost ~0.3 ms across thousands of files). */
function createExclusive(path: string): number {
  try {
    return openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(path), { recursive: true });
    return openSync(path, 'wx');
  }
}

export class AtomicFile {
  private readonly buffer: Buffer;
  private used = 0;
  private bytes = 0;
  private readonly hash: Hash = createHash('sha256');
  private readonly tempPath: string;
  private fd: number | null;

  constructor(
    readonly path: string,
    private readonly options: AtomicFileOptions = {},
  ) {
    this.tempPath = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
    this.fd = createExclusive(this.tempPath);
    if (options.lazy) {
      closeSync(this.fd);
      this.fd = null;
    }
    this.buffer = Buffer.allocUnsafe(options.bufferBytes ?? 256 * 1024);
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

  flush(): void {
    if (this.used === 0) return;
    this.writeOut(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  private writeOut(bytes: Uint8Array): void {
    this.hash.update(bytes);
    this.bytes += bytes.length;
    const fd = this.fd ?? openSync(this.tempPath, 'a');
    try {
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } finally {
      if (this.fd === null) closeSync(fd);
    }
  }

  /**
   * Flushes and renames the file into place. Without `durable` there is no fsync: a rename that replaces a file
   * is ordered after its data by the usual Linux file systems, and a crash only means the next export writes again.
   */
  commit(): WrittenFile {
    this.flush();
    if (this.fd !== null) {
      if (this.options.durable) fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = null;
    }
    renameSync(this.tempPath, this.path);
    return { path: this.path, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  /** Drops the temporary file; the previous file, if any, stays as it was. */
  abort(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = null;
    }
    try {
      unlinkSync(this.tempPath);
    } catch {
      // never created or already gone
    }
  }
}
