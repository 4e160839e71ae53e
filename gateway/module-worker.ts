/** Starts a module of the gateway on a worker thread, from the build or from the TypeScript sources. */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts `name` (a file name without extension, beside the module whose `import.meta.url` is `base`) on
 * a worker thread. From the build the worker loads the compiled .js. From TypeScript sources (tests,
 * `tsx`) it loads the .ts file through tsx, a development dependency, because a worker does not inherit
 * the parent's TypeScript loader.
 */
export function startModuleWorker(base: string, name: string, options: WorkerOptions = {}): Worker {
  const fromSource = base.endsWith('.ts');
  const url = new URL(`./${name}${fromSource ? '.ts' : '.js'}`, base);
  if (!fromSource) return new Worker(url, options);
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
