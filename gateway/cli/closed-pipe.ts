/**
 * Quiet exit when the reader of standard output goes away, as in `coldpool audit list | head -2`.
 * A Unix tool in C gets SIGPIPE there and dies without a message; Node ignores SIGPIPE, so the write
 * fails with EPIPE instead and, with no listener, crashes with an unhandled 'error' event.
 */

/** Exit status after the reader closed standard output: 0, because the reader has all it asked for. */
export const CLOSED_PIPE_EXIT_CODE = 0;

/** Standard output as far as this module uses it. */
interface ErrorEmitter {
  on(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
}

/**
 * Makes `stream` exit the process with `CLOSED_PIPE_EXIT_CODE` and no message when a write fails with
 * EPIPE. Other write errors, such as ENOSPC on a full disk, still end the process with the error.
 */
export function exitQuietlyOnClosedPipe(stream: ErrorEmitter, exit: (code: number) => void = process.exit): void {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') {
      exit(CLOSED_PIPE_EXIT_CODE);
      return;
    }
    throw error;
  });
}
