import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the coldpool CLI from source (through tsx) as a child process and collects its output. */
export function runCli(
  args: readonly string[],
  options: { timeout_ms?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/cli/main.ts', ...args], {
      cwd: root,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeout_ms ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A coldpool CLI child process whose output is collected while it runs. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** Output collected so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once stderr contains `text`. Rejects after `timeout_ms`, or when the child exits first. */
  waitForStderr(text: string, timeout_ms?: number): Promise<void>;
  /** Resolves with the exit code and all output once the child has exited. */
  readonly exited: Promise<CliResult>;
}

/**
 * Starts the coldpool CLI from source (through tsx) as a child process without waiting for it, so a
 * test can signal it while it runs. The child is killed with SIGKILL after `timeout_ms` (default 60 s).
 */
export function spawnCli(args: readonly string[], options: { timeout_ms?: number } = {}): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/cli/main.ts', ...args], {
    cwd: root,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const stderrWaiters = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const check of stderrWaiters) check();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeout_ms ?? 60_000);
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });

  function waitForStderr(text: string, timeout_ms = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const finish = (error?: Error) => {
        stderrWaiters.delete(check);
        clearTimeout(deadline);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if (stderr.includes(text)) finish();
      };
      const deadline = setTimeout(
        () => finish(new Error(`no ${JSON.stringify(text)} on stderr within ${timeout_ms} ms; stderr:\n${stderr}`)),
        timeout_ms,
      );
      void exited.then(() => finish(new Error(`exited before ${JSON.stringify(text)} on stderr; stderr:\n${stderr}`)));
      stderrWaiters.add(check);
      check();
    });
  }

  return { child, stdout: () => stdout, stderr: () => stderr, waitForStderr, exited };
}
