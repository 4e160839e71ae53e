import type { Logger } from 'pino';

/**
 * Time after the first SIGINT or SIGTERM during which another one is taken as the same request. One
 * Ctrl-C under `npm start` delivers two SIGINTs to node: the terminal signals the whole process group,
 * and npm forwards the SIGINT it received to its child, about 10 ms later. The window leaves room for a
 * slow or loaded box to deliver the copy late, and is short enough that an operator who presses Ctrl-C
 * again after reading the "stopping" line still exits at once.
 */
export const REPEAT_SIGNAL_WINDOW_MS = 1000;

/**
 * Runs `stop` once on the first SIGINT or SIGTERM, then exits with code 0 (1 when `stop` rejects). A
 * signal within `REPEAT_SIGNAL_WINDOW_MS` of the first is logged at debug level and ignored. A later one
 * exits at once with code 130, for an operator who does not want to wait for the flush.
 */
export function onShutdownSignal(stop: () => Promise<void>, log: Pick<Logger, 'info' | 'debug' | 'error'>): void {
  let firstSignalAt: number | undefined;
  const handle = (signal: NodeJS.Signals) => {
    if (firstSignalAt !== undefined) {
      const elapsedMs = Date.now() - firstSignalAt;
      if (elapsedMs < REPEAT_SIGNAL_WINDOW_MS) {
        log.debug(
          { signal, elapsed_ms: elapsedMs, window_ms: REPEAT_SIGNAL_WINDOW_MS },
          `${signal} repeated within ${REPEAT_SIGNAL_WINDOW_MS} ms of the first signal: ignored as the same stop request`,
        );
        return;
      }
      log.info(`${signal} again: exiting without waiting for the flush`);
      process.exit(130);
    }
    firstSignalAt = Date.now();
    log.info(`${signal} received: stopping and flushing buffered readings (press Ctrl-C again to exit at once)`);
    stop().then(
      () => process.exit(0),
      (error: Error) => {
        log.error({ err: error.message }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}
