/**
 * Runs the gateway as a child process (`node --import tsx gateway/cli/main.ts run --config FILE`), so a
 * test can kill it with SIGKILL and start it again on the same files.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const REPOSITORY_ROOT = join(import.meta.dirname, '..', '..', '..');

/** A gateway child process that can be killed and restarted. */
export interface GatewayProcess {
  /** Log lines (parsed JSON) of every run so far. */
  readonly logs: Record<string, unknown>[];
  /** Starts the gateway and resolves once it logged `gateway started`. */
  start(): Promise<void>;
  /** Sends SIGKILL to the child's pid and waits for its exit. */
  kill(): Promise<void>;
  /** Sends SIGTERM and waits for the exit (the gateway stops its inputs and outputs first). */
  stop(): Promise<void>;
}

/**
 * Writes `config` (JSON is valid YAML) to `dir/gateway.yaml` and returns a handle to run it. The log of
 * every run is appended to `dir/gateway.log`, which stays for a failed test to be read.
 */
export function gatewayProcess(dir: string, config: Record<string, unknown>): GatewayProcess {
  const configPath = join(dir, 'gateway.yaml');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const logPath = join(dir, 'gateway.log');
  const logs: Record<string, unknown>[] = [];
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  async function start(): Promise<void> {
    const started = spawn(process.execPath, ['--import', 'tsx', 'gateway/cli/main.ts', 'run', '--config', configPath], {
      cwd: REPOSITORY_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = started;
    exited = new Promise((resolve) => started.once('exit', () => resolve()));
    let partial = '';
    let tail = '';
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway did not start within 30 s; stderr:\n${tail}`)), 30_000);
      started.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`gateway exited (${signal ?? code}) before it started; stderr:\n${tail}`));
      });
      started.stderr?.setEncoding('utf8');
      started.stderr?.on('data', (chunk: string) => {
        tail = (tail + chunk).slice(-8192);
        appendFileSync(logPath, chunk);
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (line.trim() === '') continue;
          try {
            const entry = JSON.parse(line) as Record<string, unknown>;
            logs.push(entry);
            if (entry.msg === 'gateway started') {
              clearTimeout(timer);
              resolve();
            }
          } catch {
            logs.push({ msg: line });
          }
        }
      });
    });
    await ready;
  }

  async function signal(name: NodeJS.Signals): Promise<void> {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    running.kill(name);
    await exited;
  }

  return { logs, start, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}
