import type { Logger } from 'pino';
import { onClosedPipe } from './closed-pipe.js';

/**
 * Time after the first SIGINT or SIGTERM during which another one is taken as the same request. One
 * Ctrl-C under `npm start` delivers two SIGINTs to node: the terminal signals the whole process group,
 * and npm forwards the SIGINT it received to its child, about 10 ms later. The window leaves room for a
 * slow or loaded box to deliver the copy late, and is short enough that an operator who presses Ctrl-C
 * again after reading the "stopping" line still exits at once.
 */
export const REPEAT_SIGNAL_WINDOW_MS = 1000;

/** Replacements for `process.exit` and `Date.now` in the signal handler, for tests. */
export interface ShutdownHooks {
  exit?: (code: number) => void;
  now?: () => number;
}

/** Returns what started the stop, for the log. SIGPIPE stands for a write to a closed standard output (EPIPE). */
function stopCause(signal: NodeJS.Signals): string {
  return signal === 'SIGPIPE' ? 'standard output closed' : `${signal} received`;
}

/** Returns the second request that exits at once, for the log. */
function againHint(signal: NodeJS.Signals): string {
  if (signal === 'SIGINT') return 'press Ctrl-C again';
  if (signal === 'SIGPIPE') return 'send SIGTERM';
  return `send ${signal} again`;
}

/**
 * Returns the handler for SIGINT and SIGTERM. The first signal runs `stop` once, then exits with code 0
 * (1 when `stop` rejects). A signal within `REPEAT_SIGNAL_WINDOW_MS` of the first is logged at debug
 * level and ignored. A later one exits at once with code 130, for an operator who does not want to wait
 * for the flush.
 */
export function shutdownSignalHandler(
  stop: () => Promise<void>,
  log: Pick<Logger, 'info' | 'debug' | 'error'>,
  hooks: ShutdownHooks = {},
): (signal: NodeJS.Signals) => void {
  const exit = hooks.exit ?? ((code: number) => process.exit(code));
  const now = hooks.now ?? Date.now;
  let firstSignalAt: number | undefined;
  return (signal) => {
    // A closed standard output during a stop, such as the last summary line of one, is no request to hurry.
    if (signal === 'SIGPIPE' && firstSignalAt !== undefined) return;
    if (firstSignalAt !== undefined) {
      const elapsedMs = now() - firstSignalAt;
      if (elapsedMs < REPEAT_SIGNAL_WINDOW_MS) {
        log.debug(
          { signal, elapsed_ms: elapsedMs, window_ms: REPEAT_SIGNAL_WINDOW_MS },
          `${signal} repeated within ${REPEAT_SIGNAL_WINDOW_MS} ms of the first signal: ignored as the same stop request`,
        );
        return;
      }
      log.info(`${signal} again: exiting without waiting for the flush`);
      exit(130);
      return;
    }
    firstSignalAt = now();
    log.info(`${stopCause(signal)}: stopping and flushing buffered readings (${againHint(signal)} to exit at once)`);
    stop().then(
      () => exit(0),
      (error: Error) => {
        log.error({ err: error.message }, 'stop failed');
        exit(1);
      },
    );
  };
}

/**
 * Installs `shutdownSignalHandler(stop, log)` for SIGINT and SIGTERM, and for a closed standard output,
 * which then stops the command with its flush instead of ending the process at once.
 */
export function onShutdownSignal(stop: () => Promise<void>, log: Pick<Logger, 'info' | 'debug' | 'error'>): void {
  const handle = shutdownSignalHandler(stop, log);
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
  onClosedPipe(() => handle('SIGPIPE'));
}
