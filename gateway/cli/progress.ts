/** A progress bar on a terminal's stderr; on a pipe or file it stays silent so output remains parseable. */
export interface Progress {
  /** Advances by one step and shows `detail` (the item just finished). */
  tick(detail: string): void;
  /** Clears the bar's line so a line of output can be printed; the next tick draws it again. */
  clear(): void;
  /** Clears the bar. */
  done(): void;
}

const WIDTH = 30;

export function createProgress(total: number, label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  let count = 0;
  const active = stream.isTTY === true && total > 0;
  const draw = (detail: string) => {
    const filled = Math.round((WIDTH * count) / total);
    stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${count}/${total} ${detail}\x1b[K`);
  };
  if (active) draw('');
  return {
    tick(detail) {
      count = Math.min(total, count + 1);
      if (active) draw(detail);
    },
    clear() {
      if (active) stream.write('\r\x1b[K');
    },
    done() {
      if (active) stream.write('\r\x1b[K');
    },
  };
}
