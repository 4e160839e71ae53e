import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';

/** Last bytes of a child's stderr kept for error messages. */
const STDERR_TAIL_BYTES = 8192;

/** A server process started by a test, with the tail of its stderr for failure messages. */
export interface ChildServer {
  readonly child: ChildProcess;
  /** Tail of the child's stderr (at most 8 KiB), for failure messages. */
  stderrTail(): string;
  /** Resolves with the exit code (or signal name) once the child has exited. */
  readonly exited: Promise<string>;
  /** Sends SIGTERM to the child's pid, then SIGKILL after `grace_ms` (default 5000), and waits for exit. */
  stop(grace_ms?: number): Promise<void>;
}

/** Spawns `command` with stdout ignored and stderr captured. */
export function spawnServer(command: string, args: readonly string[]): ChildServer {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let tail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-STDERR_TAIL_BYTES);
  });
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? String(code)));
    child.on('error', (error) => {
      tail += `\nspawn ${command} failed: ${error.message}`;
      resolve('spawn-error');
    });
  });
  let exitedFlag = false;
  void exited.then(() => {
    exitedFlag = true;
  });

  async function stop(grace_ms = 5000): Promise<void> {
    if (exitedFlag || child.pid === undefined) return;
    // child.kill signals the child's own pid and ignores a child that has already exited.
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (!exitedFlag) child.kill('SIGKILL');
    }, grace_ms);
    await exited;
    clearTimeout(timer);
  }

  return { child, stderrTail: () => tail, exited, stop };
}

/** Returns true when a TCP connection to 127.0.0.1:`port` succeeds. */
export function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Polls `ready` every 50 ms until it returns true, failing when the server exits first or after
 * `timeout_ms`. The error carries the server's stderr tail.
 */
export async function waitUntilReady(
  server: ChildServer,
  name: string,
  ready: () => Promise<boolean>,
  timeout_ms: number,
): Promise<void> {
  let exitStatus: string | undefined;
  void server.exited.then((status) => {
    exitStatus = status;
  });
  const deadline = Date.now() + timeout_ms;
  while (Date.now() < deadline) {
    if (exitStatus !== undefined) {
      throw new Error(`${name} exited (${exitStatus}) before it was ready; stderr:\n${server.stderrTail()}`);
    }
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await server.stop();
  throw new Error(`${name} not ready after ${timeout_ms} ms; stderr:\n${server.stderrTail()}`);
}
