/** Progress for long commands: a live line with rate on a terminal, plain lines otherwise. */
export function progressReporter(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  let lastPlain = 0;
  return {
    update(done: number) {
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round(done / seconds) : 0;
      if (stream.isTTY) {
        stream.write(`\r${label}: ${done.toLocaleString('cs-CZ')} záznamů, ${rate.toLocaleString('cs-CZ')}/s   `);
      } else if (done - lastPlain >= 100_000) {
        lastPlain = done;
        stream.write(`${label}: ${done} records, ${rate}/s\n`);
      }
    },
    finish() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
