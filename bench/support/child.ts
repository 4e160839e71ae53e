/**
 * Starts benchmark helpers as child processes with IPC. A helper runs from its compiled file under dist/
 * (`npm run build` first), because the tsx loader adds tens of MiB to the child's RSS. With
 * `BENCH_FROM_SOURCE=1` it runs from its .ts source through tsx instead.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAUNCH_NODE_FLAGS } from '../../gateway/gc-tuning.js';

/** Repository root, found from this file in bench/support/ or dist/bench/support/. */
const REPO_ROOT = findRepoRoot(dirname(fileURLToPath(import.meta.url)));
/** Folders that `npm run build` compiles (tsconfig.build.json). A newer .ts file there means dist/ is stale. */
const BUILT_FOLDERS = ['gateway', 'devices', 'scheduler', 'firmware-sim', 'bench'];

/** Raised when a helper's compiled file is missing or older than a source file. */
export class StaleBuildError extends Error {
  readonly code = 'BENCH_BUILD_STALE';
}

/**
 * Forks the helper `file` (a .ts path under bench/ or dist/bench/) with stderr inherited so its errors
 * show. It runs the compiled .js under dist/ unless `BENCH_FROM_SOURCE=1`. Throws `StaleBuildError` when
 * that .js is missing or older than a source file.
 */
export function forkTs(file: string, args: string[] = [], execArgv: string[] = []): ChildProcess {
  const fromSource = process.env.BENCH_FROM_SOURCE === '1';
  const entry = fromSource ? sourcePath(file) : compiledPath(file);
  const child = fork(entry, args, {
    execArgv: fromSource ? ['--import', 'tsx', ...execArgv] : execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  // send() to a child that has exited emits `error`; callers learn of the exit through `nextMessage`.
  child.on('error', () => {});
  return child;
}

/** Maps `file` to its .ts source, also when the benchmark itself runs from dist/. */
function sourcePath(file: string): string {
  const path = relative(REPO_ROOT, file).replace(/\.js$/, '.ts');
  return join(REPO_ROOT, path.startsWith('dist/') ? path.slice('dist/'.length) : path);
}

/** Maps `file` to its compiled .js under dist/ and checks that the build is newer than every source. */
function compiledPath(file: string): string {
  const source = relative(REPO_ROOT, sourcePath(file));
  const compiled = join(REPO_ROOT, 'dist', source.replace(/\.ts$/, '.js'));
  if (!existsSync(compiled)) {
    throw new StaleBuildError(`${compiled} not found: run \`npm run build\`, or set BENCH_FROM_SOURCE=1`);
  }
  const builtMs = statSync(compiled).mtimeMs;
  const newer = BUILT_FOLDERS.map((folder) => newestSource(join(REPO_ROOT, folder))).find(
    (found) => found !== undefined && found.mtime_ms > builtMs,
  );
  if (newer !== undefined) {
    throw new StaleBuildError(
      `${newer.path} is newer than ${compiled}: run \`npm run build\`, or set BENCH_FROM_SOURCE=1`,
    );
  }
  return compiled;
}

/** Finds the most recently modified .ts file under `folder`, tests excluded. */
function newestSource(folder: string): { path: string; mtime_ms: number } | undefined {
  let newest: { path: string; mtime_ms: number } | undefined;
  if (!existsSync(folder)) return undefined;
  for (const name of readdirSync(folder, { recursive: true, encoding: 'utf8' })) {
    if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
    const path = join(folder, name);
    const mtime_ms = statSync(path).mtimeMs;
    if (newest === undefined || mtime_ms > newest.mtime_ms) newest = { path, mtime_ms };
  }
  return newest;
}

function findRepoRoot(start: string): string {
  let folder = start;
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`no package.json above ${start}`);
    folder = parent;
  }
  return folder;
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

/** Returns the extra node flags of the gateway child from GATEWAY_NODE_ARGS, such as `--cpu-prof --cpu-prof-dir=DIR`. */
export function extraGatewayNodeArgs(): string[] {
  return process.env.GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
}

/**
 * Returns the node flags of the gateway child: those the coldpool launchers pass, then GATEWAY_NODE_ARGS.
 * A flag given twice takes its last value, so GATEWAY_NODE_ARGS can override a launcher flag.
 */
export function gatewayNodeArgs(): string[] {
  return [...LAUNCH_NODE_FLAGS, ...extraGatewayNodeArgs()];
}
