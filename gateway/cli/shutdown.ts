/**
 * Runs `stop` once on the first SIGINT or SIGTERM, then exits with `code`. A second signal exits at
 * once, for an operator who does not want to wait for the flush.
 */
export function onShutdownSignal(stop: () => Promise<void>, report: (message: string) => void): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      report(`${signal} again: exiting without waiting for the flush`);
      process.exit(130);
    }
    stopping = true;
    report(`${signal} received: stopping and flushing buffered readings (press Ctrl-C again to exit at once)`);
    stop().then(
      () => process.exit(0),
      (error: Error) => {
        report(`stop failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}
