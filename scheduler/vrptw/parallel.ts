/**
 * Runs independent searches with consecutive seeds on worker threads and keeps the shortest plan.
 * Each search is deterministic per seed, and ties go to the lower seed, so the combined result is
 * deterministic whenever every search is bound by its iteration budget.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { buildInstance, type VrptwInput } from './instance.js';
import { type SearchOptions, type SearchResult, solveVrptw } from './search.js';

/** Options of a parallel run. */
export interface ParallelOptions extends SearchOptions {
  /** Number of independent searches, one per worker thread. Default: the number of CPUs, at most 4. */
  threads?: number;
}

/**
 * Solves with `threads` searches seeded `seed`, `seed + 1`, …. Under a TypeScript loader (tests) the
 * compiled worker file is absent, so the searches run one after another on this thread instead.
 */
export async function solveVrptwParallel(input: VrptwInput, options: ParallelOptions = {}): Promise<SearchResult> {
  const threads = Math.max(1, options.threads ?? Math.min(4, availableParallelism()));
  const seed = options.seed ?? 1;
  const deadline = options.deadline_epoch_ms ?? Date.now() + (options.time_limit_ms ?? 2000);
  const workerUrl = new URL('./worker.js', import.meta.url);
  const canSpawn = import.meta.url.endsWith('.js');
  const runs: Promise<SearchResult>[] = [];
  for (let t = 0; t < threads; t++) {
    const runOptions: SearchOptions = { ...options, seed: seed + t };
    if (threads === 1 || !canSpawn) {
      runs.push(Promise.resolve(solveVrptw(buildInstance(input), runOptions)));
      continue;
    }
    // Threads share one absolute deadline, so the time spent starting workers counts against the limit.
    runOptions.deadline_epoch_ms = deadline;
    runs.push(
      new Promise<SearchResult>((resolve, reject) => {
        const worker = new Worker(workerUrl, { workerData: { input, options: runOptions } });
        worker.once('message', (result: SearchResult) => resolve(result));
        worker.once('error', reject);
        worker.once('exit', (code) => {
          if (code !== 0) reject(new Error(`VRPTW worker for seed ${runOptions.seed} exited with code ${code}`));
        });
      }),
    );
  }
  const results = await Promise.all(runs);
  return results.reduce((best, result) => (result.distance < best.distance - 1e-9 ? result : best));
}
