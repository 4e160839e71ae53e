import { describe, expect, it } from 'vitest';
import { REPEAT_SIGNAL_WINDOW_MS, shutdownSignalHandler } from '../../../gateway/cli/shutdown.js';

interface Recorded {
  level: 'info' | 'debug' | 'error';
  msg: string;
}

function setup(stop: () => Promise<void>) {
  const lines: Recorded[] = [];
  const exits: number[] = [];
  let clock = 50_000;
  const record =
    (level: Recorded['level']) =>
    (first: unknown, second?: unknown): void => {
      lines.push({ level, msg: String(typeof first === 'string' ? first : second) });
    };
  const log = { info: record('info'), debug: record('debug'), error: record('error') };
  const handle = shutdownSignalHandler(stop, log as never, {
    exit: (code) => exits.push(code),
    now: () => clock,
  });
  return {
    handle,
    lines,
    exits,
    advance(ms: number) {
      clock += ms;
    },
  };
}

describe('shutdownSignalHandler', () => {
  it('stops once and exits 0 after the stop', async () => {
    let stops = 0;
    let finish: () => void = () => {};
    const { handle, exits, lines } = setup(() => {
      stops += 1;
      return new Promise<void>((resolve) => {
        finish = resolve;
      });
    });
    handle('SIGINT');
    expect(stops).toBe(1);
    expect(exits).toEqual([]);
    expect(lines[0]?.msg).toContain('SIGINT received: stopping and flushing');
    finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([0]);
  });

  it('ignores a copy within the window', () => {
    let stops = 0;
    const { handle, exits, lines, advance } = setup(() => {
      stops += 1;
      return new Promise<void>(() => {});
    });
    handle('SIGINT');
    advance(10);
    handle('SIGINT');
    advance(REPEAT_SIGNAL_WINDOW_MS - 20);
    handle('SIGTERM');
    expect(stops).toBe(1);
    expect(exits).toEqual([]);
    const ignored = lines.filter((line) => line.level === 'debug');
    expect(ignored.map((line) => line.msg)).toEqual([
      `SIGINT repeated within ${REPEAT_SIGNAL_WINDOW_MS} ms of the first signal: ignored as the same stop request`,
      `SIGTERM repeated within ${REPEAT_SIGNAL_WINDOW_MS} ms of the first signal: ignored as the same stop request`,
    ]);
  });

  it('exits 130 on a signal after the window', () => {
    const { handle, exits, lines, advance } = setup(() => new Promise<void>(() => {}));
    handle('SIGINT');
    advance(REPEAT_SIGNAL_WINDOW_MS);
    handle('SIGINT');
    expect(exits).toEqual([130]);
    expect(lines.at(-1)?.msg).toBe('SIGINT again: exiting without waiting for the flush');
  });

  it('exits 1 when the stop fails', async () => {
    const { handle, exits, lines } = setup(() => Promise.reject(new Error('queue locked')));
    handle('SIGTERM');
    expect(lines[0]?.msg).toContain('(send SIGTERM again to exit at once)');
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([1]);
    expect(lines.at(-1)).toEqual({ level: 'error', msg: 'stop failed' });
  });

  it('ignores a closed pipe while stopping', () => {
    const { handle, exits, advance } = setup(() => new Promise<void>(() => {}));
    handle('SIGINT');
    advance(REPEAT_SIGNAL_WINDOW_MS * 5);
    handle('SIGPIPE');
    expect(exits).toEqual([]);
  });

  it('names a closed pipe as the cause', () => {
    const { handle, lines } = setup(() => new Promise<void>(() => {}));
    handle('SIGPIPE');
    expect(lines[0]?.msg).toBe(
      'standard output closed: stopping and flushing buffered readings (send SIGTERM to exit at once)',
    );
  });
});
