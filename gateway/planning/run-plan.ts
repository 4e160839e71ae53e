import { Worker } from 'node:worker_threads';
import type { Scenario } from '../../scheduler/model/scenario.js';
import type { PlanReport } from '../../scheduler/plan-round.js';

/**
 * Runs one planning round on a worker thread. From the build the worker loads the compiled .js; from
 * TypeScript sources (tests, `tsx`) it loads the .ts file through tsx, a development dependency.
 */
export function runPlanInWorker(scenario: Scenario): Promise<PlanReport> {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './plan-worker.ts' : './plan-worker.js', import.meta.url);
  // A worker does not inherit the parent's TypeScript loader, so from sources it registers tsx first.
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Promise((resolve, reject) => {
    const worker = fromSource
      ? new Worker(bootstrap, { eval: true, workerData: scenario })
      : new Worker(url, { workerData: scenario });
    worker.once('message', (message: { ok: true; report: PlanReport } | { ok: false; message: string }) => {
      if (message.ok) resolve(message.report);
      else reject(new Error(`planning round failed: ${message.message}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`planning worker exited with code ${code}`));
    });
  });
}
