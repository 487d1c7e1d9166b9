/**
 * V8 lets the old generation grow to hundreds of MB before it collects, which on a long import looks like a
 * leak. `om` exposes gc (bin/om.mjs) and `om publish` calls this every 10,000 records: a full collection then
 * costs ~20 ms and peak memory stays flat (measured on 300,000 records: 250 MB peak, against 290–300 MB when
 * collecting every 50,000 and over 500 MB without it). `om export` and `om import registr-smluv` use `memoryGuard`,
 * with V8's old generation allowed to grow by half before it collects (bin/om.mjs).
 */
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options?: { type: 'major' | 'minor' }) => void;
let gc: Gc | null | undefined;

function exposedGc(): Gc | null {
  if (gc === undefined) {
    try {
      gc = runInNewContext('typeof gc === "function" ? gc : null') as Gc | null;
    } catch {
      gc = null;
    }
  }
  return gc;
}

export function collectGarbage(): void {
  exposedGc()?.();
}

/** Calls collectGarbage once per `every` processed records. */
export function periodicCollector(every = 20_000): (processed: number) => void {
  let next = every;
  return (processed) => {
    if (processed >= next) {
      next = processed + every;
      collectGarbage();
    }
  };
}

/**
 * Collects only when this thread's old generation holds more than `oldGenerationMb`: a bound that costs nothing
 * while V8's own collections keep the heap below it. Should more than nine tenths of the limit survive a
 * collection, the limit rises to a quarter above what survived, so that a larger live heap is not collected at
 * every call. Buffers outside the heap past `arrayBuffersMb` get a young-generation collection: a streamed export
 * allocates ~1 GB of short-lived Buffers (rows, socket reads) but little heap, and V8 lets ~64 MB of dead Buffers
 * wait for a collection the heap does not call for. Measured on a million-record NDJSON export: a 160–164 MB peak
 * instead of 200–208 MB, and no slower.
 */
export function memoryGuard(limits: { oldGenerationMb: number; arrayBuffersMb: number }): () => void {
  let oldLimit = limits.oldGenerationMb * 1024 * 1024;
  const buffersLimit = limits.arrayBuffersMb * 1024 * 1024;
  const oldSpaceUsed = () => getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')?.space_used_size ?? 0;
  return () => {
    // A fixed limit, unlike the old generation's: the collection frees the Buffers' memory concurrently, so a count
    // taken just after it still looks high (raising the limit on it let NDJSON's peak climb to 195–210 MB). The
    // limit must stay above the Buffers that live on, such as `om export`'s 24 MB of file buffers.
    // The isolate's memory outside its heap, Buffers' included: process.memoryUsage() reads it too, but also reads
    // the resident size from /proc, which cost ~0.3 ms a call during an export (~0.25 s of a million records).
    if (getHeapStatistics().external_memory > buffersLimit) exposedGc()?.({ type: 'minor' });
    if (oldSpaceUsed() <= oldLimit) return;
    collectGarbage();
    const live = oldSpaceUsed();
    if (live > oldLimit * 0.9) oldLimit = live * 1.25;
  };
}
