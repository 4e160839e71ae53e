/**
 * Handling of a reader of standard output that goes away, as in `coldpool audit list | head -2`.
 * A Unix tool in C gets SIGPIPE there and dies without a message; Node ignores SIGPIPE, so the write
 * fails with EPIPE instead and, with no listener, crashes with an unhandled 'error' event. A short
 * command exits quietly. A long-running command (`demo`, `ingest`) sets its own action, which stops it
 * the way a signal does, so that the readings it accepted are flushed first.
 */

/** Exit status after the reader closed standard output: 0, because the reader has all it asked for. */
export const CLOSED_PIPE_EXIT_CODE = 0;

/** Standard output as far as this module uses it. */
interface ErrorEmitter {
  on(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
}

/** Action of the running command when standard output closes; unset, the process exits quietly. */
let closedPipeAction: (() => void) | undefined;

/** Sets what a closed standard output does instead of the quiet exit: a long-running command's stop. */
export function onClosedPipe(action: () => void): void {
  closedPipeAction = action;
}

/**
 * Makes a write to `stream` that fails with EPIPE run the action set by `onClosedPipe`, or else exit
 * the process with `CLOSED_PIPE_EXIT_CODE` and no message. Only the first closed-pipe error acts: the
 * later writes of a command that is stopping fail too. Other write errors, such as ENOSPC on a full
 * disk, still end the process with the error.
 */
export function exitQuietlyOnClosedPipe(stream: ErrorEmitter, exit: (code: number) => void = process.exit): void {
  let closed = false;
  stream.on('error', (error) => {
    const pipeGone = error.code === 'EPIPE' || (closed && error.code === 'ERR_STREAM_DESTROYED');
    if (!pipeGone) throw error;
    if (closed) return;
    closed = true;
    if (closedPipeAction === undefined) exit(CLOSED_PIPE_EXIT_CODE);
    else closedPipeAction();
  });
}
