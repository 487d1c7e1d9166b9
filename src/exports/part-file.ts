/**
 * The export worker's output: one file holding the text of many bulk files as segments, each file's segments in
 * order. One file instead of one per bulk file: creating thousands of files while the export writes cost ~1 ms each.
 */
import { closeSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { TextBuffer, type Spill } from '../shared/atomic-file.ts';

export class PartFile {
  private readonly fd: number;
  private size = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'wx');
  }

  /** Writes the bytes at the end and returns where they start. */
  append(bytes: Uint8Array): number {
    const start = this.size;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset, bytes.length - offset);
    this.size += bytes.length;
    return start;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** The text of one bulk file, gathered in a buffer and appended to the part file as segments. */
export class SegmentSink extends TextBuffer {
  /** Start and length of each segment in the part file, alternating. */
  readonly segments: number[] = [];

  constructor(
    private readonly part: PartFile,
    bufferBytes: number,
  ) {
    super(bufferBytes);
  }

  protected writeOut(bytes: Uint8Array): void {
    this.segments.push(this.part.append(bytes), bytes.length);
  }
}

/**
 * Reads segments of a part file in order and hands their bytes on in pieces of up to 1 MB (consecutive segments
 * gathered into one piece, so that small segments do not each cost a write).
 */
export class SegmentReader {
  private readonly fd: number;
  private readonly staging = Buffer.allocUnsafe(1024 * 1024);

  constructor(path: string) {
    this.fd = openSync(path, 'r');
  }

  copy(segments: readonly number[], out: (bytes: Uint8Array) => void): void {
    let used = 0;
    for (let i = 0; i < segments.length; i += 2) {
      const start = segments[i]!;
      const length = segments[i + 1]!;
      if (used + length > this.staging.length) {
        if (used > 0) out(this.staging.subarray(0, used));
        used = 0;
      }
      const target = length > this.staging.length ? Buffer.allocUnsafe(length) : this.staging;
      const at = target === this.staging ? used : 0;
      let read = 0;
      while (read < length) {
        const n = readSync(this.fd, target, at + read, length - read, start + read);
        if (n === 0) throw new Error(`part file ends before segment ${start}+${length}`);
        read += n;
      }
      if (target === this.staging) used += length;
      else out(target);
    }
    if (used > 0) out(this.staging.subarray(0, used));
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * A part file read back while it is still written: the text of bulk files whose temporary files did not exist yet
 * when their buffers filled (AtomicFile's `pending`). Created at the first spill; removed by close().
 */
export class SpillFile implements Spill {
  private part: PartFile | null = null;
  private reader: SegmentReader | null = null;

  constructor(readonly path: string) {}

  append(bytes: Uint8Array): number {
    if (!this.part) {
      // The export's directory itself may not exist yet: its files are still being created.
      mkdirSync(dirname(this.path), { recursive: true });
      this.part = new PartFile(this.path);
    }
    return this.part.append(bytes);
  }

  copy(segments: readonly number[], out: (bytes: Uint8Array) => void): void {
    this.reader ??= new SegmentReader(this.path);
    this.reader.copy(segments, out);
  }

  close(): void {
    this.reader?.close();
    this.part?.close();
    this.reader = null;
    if (this.part) rmSync(this.path, { force: true });
    this.part = null;
  }
}
