/**
 * A file written under a temporary name and renamed into place when complete, so that a reader sees either the
 * whole previous file or the whole new one, never a part. The sha256 and byte count are computed while writing.
 */
import { createHash, type Hash } from 'node:crypto';
import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

const FLUSH_CHARS = 256 * 1024;

export interface WrittenFile {
  path: string;
  bytes: number;
  sha256: string;
}

export class AtomicFile {
  private pending = '';
  private bytes = 0;
  private readonly hash: Hash = createHash('sha256');
  private readonly tempPath: string;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    tempPath: string,
  ) {
    this.tempPath = tempPath;
  }

  static async create(path: string): Promise<AtomicFile> {
    await mkdir(dirname(path), { recursive: true });
    const tempPath = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
    return new AtomicFile(path, await open(tempPath, 'wx'), tempPath);
  }

  /** Buffers text; true when the buffer is full and should be flushed (kept synchronous for tight loops). */
  append(text: string): boolean {
    this.pending += text;
    return this.pending.length >= FLUSH_CHARS;
  }

  async write(text: string): Promise<void> {
    if (this.append(text)) await this.flush();
  }

  async writeBytes(bytes: Uint8Array): Promise<void> {
    await this.flush();
    await this.writeBuffer(bytes);
  }

  async flush(): Promise<void> {
    if (this.pending === '') return;
    const buffer = Buffer.from(this.pending, 'utf8');
    this.pending = '';
    await this.writeBuffer(buffer);
  }

  private async writeBuffer(buffer: Uint8Array): Promise<void> {
    this.hash.update(buffer);
    this.bytes += buffer.length;
    let offset = 0;
    while (offset < buffer.length) {
      const { bytesWritten } = await this.handle.write(buffer, offset, buffer.length - offset);
      offset += bytesWritten;
    }
  }

  /** Flushes, syncs and renames the file into place. */
  async commit(): Promise<WrittenFile> {
    await this.flush();
    await this.handle.sync();
    await this.handle.close();
    await rename(this.tempPath, this.path);
    return { path: this.path, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  /** Drops the temporary file; the previous file, if any, stays as it was. */
  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await unlink(this.tempPath).catch(() => undefined);
  }
}
