/** Starts a TypeScript benchmark helper as a child process with IPC, through the tsx loader. */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';

/** Forks `file` (a .ts path) with `--import tsx`; stderr is inherited so its errors show. */
export function forkTs(file: string, args: string[] = [], execArgv: string[] = []): ChildProcess {
  const child = fork(file, args, {
    execArgv: ['--import', 'tsx', ...execArgv],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  // send() to a child that has exited emits `error`; callers learn of the exit through `nextMessage`.
  child.on('error', () => {});
  return child;
}

/** Resolves with the first IPC message whose `type` is `type`; rejects when the child exits first. */
export function nextMessage<T>(child: ChildProcess, type: string, timeout_ms = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no "${type}" message from pid ${child.pid} in ${timeout_ms} ms`)),
      timeout_ms,
    );
    const onMessage = (message: { type?: string }) => {
      if (message?.type === type) finish(undefined, message as T);
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(new Error(`pid ${child.pid} exited (${signal ?? code}) before sending "${type}"`));
    function finish(error: Error | undefined, value?: T): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value as T);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Sends SIGTERM to the child's pid and waits for it to exit, then SIGKILL after `grace_ms`. */
export async function stopChild(child: ChildProcess, grace_ms = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), grace_ms);
  await exited;
  clearTimeout(timer);
}

const cleanups = new Set<() => Promise<void>>();
let interruptHandled = false;

async function runCleanups(): Promise<void> {
  for (const cleanup of [...cleanups].reverse()) await cleanup().catch(() => {});
}

/**
 * Registers `cleanup` to run when the benchmark gets SIGINT or SIGTERM, so an interrupted run stops
 * the servers and children it started. Returns a function that unregisters it.
 */
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  if (!interruptHandled) {
    interruptHandled = true;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        void runCleanups().then(() => process.exit(130));
      });
    }
  }
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}
