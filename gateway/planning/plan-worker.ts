/**
 * Worker-thread entry of a planning round. The search is CPU-bound for seconds, so it runs here to keep
 * the gateway's event loop free for MQTT, Modbus and HTTP.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Scenario } from '../../scheduler/model/scenario.js';
import { planRound } from '../../scheduler/plan-round.js';

try {
  // The scenario was validated by the planner before it crossed to this thread.
  parentPort?.postMessage({ ok: true, report: planRound(workerData as Scenario) });
} catch (error) {
  parentPort?.postMessage({ ok: false, message: (error as Error).message });
}
