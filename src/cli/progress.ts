/**
 * Progress for long commands. On a terminal: a bar with the share of the input read, the rate and the time left.
 * Otherwise (logs, CI): a plain line every 100,000 records.
 */
import { estimateProgress } from '../jobs/rules.ts';

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

const BAR_WIDTH = 24;

export function progressLine(label: string, done: number, doneBytes: number, totalBytes: number | null, elapsedSeconds: number): string {
  const estimate = estimateProgress(done, doneBytes, totalBytes, elapsedSeconds);
  const rate = Math.round(estimate.recordsPerSecond).toLocaleString('cs-CZ');
  const records = done.toLocaleString('cs-CZ');
  if (estimate.fraction === null) return `${label}: ${records} záznamů, ${rate}/s`;
  const filled = Math.round(estimate.fraction * BAR_WIDTH);
  const percent = Math.floor(estimate.fraction * 100);
  const eta = estimate.secondsLeft === null ? '–' : clock(estimate.secondsLeft);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${percent} % · ${records} záznamů · ${rate}/s · zbývá ${eta}`;
}

export function progressReporter(label: string, options: { totalBytes?: number | null; stream?: NodeJS.WriteStream } = {}) {
  const stream = options.stream ?? process.stderr;
  const started = Date.now();
  let lastPlain = 0;
  let lastDraw = 0;
  return {
    update(done: number, doneBytes = 0) {
      const now = Date.now();
      const seconds = (now - started) / 1000;
      if (stream.isTTY) {
        if (now - lastDraw < 200) return;
        lastDraw = now;
        stream.write(`\r${progressLine(label, done, doneBytes, options.totalBytes ?? null, seconds)}\x1b[K`);
      } else if (done - lastPlain >= 100_000) {
        lastPlain = done;
        stream.write(`${label}: ${done} záznamů, ${Math.round(done / Math.max(seconds, 1e-6))}/s\n`);
      }
    },
    finish() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
