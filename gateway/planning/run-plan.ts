import type { Scenario } from '../../scheduler/model/scenario.js';
import type { PlanReport } from '../../scheduler/plan-round.js';
import { startModuleWorker } from '../module-worker.js';

/** Runs one planning round on a worker thread (`plan-worker.ts`); `signal` terminates the worker. */
export function runPlanInWorker(scenario: Scenario, signal?: AbortSignal): Promise<PlanReport> {
  return new Promise((resolve, reject) => {
    const worker = startModuleWorker(import.meta.url, 'plan-worker', { workerData: scenario });
    const onAbort = () => {
      reject(new Error('planning round aborted'));
      void worker.terminate();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (message: { ok: true; report: PlanReport } | { ok: false; message: string }) => {
      if (message.ok) resolve(message.report);
      else reject(new Error(`planning round failed: ${message.message}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (code !== 0) reject(new Error(`planning worker exited with code ${code}`));
    });
  });
}
