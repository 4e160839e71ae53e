import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MqttPayloadTooLargeError } from '../../../gateway/mqtt-payload-limit.js';
import { Planner, type PlannerDeps } from '../../../gateway/planning/planner.js';
import { planningConfigSchema } from '../../../gateway/planning/planning-config.js';
import { planRound } from '../../../scheduler/plan-round.js';

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** Creates a pino logger that keeps every line it writes. */
function recordingLog(): { log: PlannerDeps['log']; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { log, lines };
}

function planningConfig() {
  return planningConfigSchema.parse({
    enabled: true,
    scenario_file: 'tests/fixtures/planning/small-county.yaml',
    schedules: [],
    store_path: join(mkdtempSync(join(tmpdir(), 'coldpool-planner-')), 'plans.db'),
  });
}

/** Runs the search in this thread, so a test controls when it ends. */
const inProcess: PlannerDeps['run_plan'] = async (scenario) => planRound(scenario);

describe('planner', () => {
  let planner: Planner | undefined;

  afterEach(async () => {
    await planner?.stop();
    planner = undefined;
  });

  it('finishes a round whose publish never settles', async () => {
    const { log, lines } = recordingLog();
    planner = new Planner(planningConfig(), {
      log,
      run_plan: inProcess,
      publish: () => new Promise<void>(() => undefined),
      publish_timeout_ms: 50,
    });
    const plan = await planner.runRound();
    expect(planner.latest()?.id).toBe(plan.id);
    const warning = lines.find((line) => line.msg.startsWith('plan not published'));
    expect(warning?.err).toMatch(/timed out after 50 ms/);
    expect(warning?.route).toBe(`/api/v1/plans/${plan.id}`);
  });

  it('logs an invalid order message', async () => {
    const { log, lines } = recordingLog();
    const handlers: Array<(payload: string) => void> = [];
    planner = new Planner(planningConfig(), {
      log,
      run_plan: inProcess,
      subscribe: async (_topic, handler) => {
        handlers.push(handler);
      },
    });
    await planner.start();
    const payload = {
      order_id: 'sale-7',
      merchant_id: 'm1',
      pickup: { site_id: 'p1', lat: 31.2, lon: 121.5 },
      delivery: { site_id: 'd1', lat: 31.3, lon: 121.6 },
      temperature_class: 'chilled',
      kg: 5,
      m3: 0.01,
      window: { from: '2026-12-06T22:00:00Z', to: '2026-12-06T18:00:00Z' },
    };
    expect(handlers).toHaveLength(1);
    expect(() => handlers[0]?.(JSON.stringify(payload))).not.toThrow();
    expect(planner.counters.orders_invalid).toBe(1);
    const warning = lines.find((line) => line.msg === 'order message invalid');
    expect(warning?.order_id).toBe('sale-7');
    expect(warning?.code).toBe('PLANNING_ORDER_INVALID');
    expect(warning?.err).toContain('window.to 2026-12-06T18:00:00Z is before window.from');
  });

  it('logs the warnings of a round', async () => {
    const { log, lines } = recordingLog();
    const withWarning: PlannerDeps['run_plan'] = async (scenario) => ({
      ...planRound(scenario),
      warnings: ['the search ran 0 iterations'],
    });
    planner = new Planner(planningConfig(), { log, run_plan: withWarning });
    const plan = await planner.runRound();
    const warning = lines.find((line) => line.msg === 'plan round: the search ran 0 iterations');
    expect(warning?.level).toBe(40);
    expect(warning?.plan_id).toBe(plan.id);
  });

  it('runs the next round after a publish timed out', async () => {
    const { log } = recordingLog();
    planner = new Planner(planningConfig(), {
      log,
      run_plan: inProcess,
      publish: () => new Promise<void>(() => undefined),
      publish_timeout_ms: 50,
    });
    await planner.runRound();
    await planner.runRound();
    expect(planner.list()).toHaveLength(2);
  });

  it('warns once about a plan over the payload limit', async () => {
    const { log, lines } = recordingLog();
    planner = new Planner(planningConfig(), {
      log,
      run_plan: inProcess,
      publish: async (topic, payload) => {
        throw new MqttPayloadTooLargeError(topic, Buffer.byteLength(payload), 1024);
      },
    });
    const plan = await planner.runRound();
    const warnings = lines.filter((line) => line.msg.startsWith('plan not published'));
    expect(warnings).toHaveLength(1);
    const message = warnings[0]?.msg ?? '';
    expect(message).toContain(`${JSON.stringify(plan).length} bytes`);
    expect(message).toContain('(1024 bytes)');
    expect(message).toContain('mqtt.broker.max_payload_bytes');
    expect(message).toContain(`/api/v1/plans/${plan.id}`);
    expect(planner.get(plan.id)?.id).toBe(plan.id);
  });

  it('stop abandons a round that does not end', async () => {
    const { log, lines } = recordingLog();
    let aborted = false;
    planner = new Planner(planningConfig(), {
      log,
      stop_timeout_ms: 50,
      run_plan: (_scenario, signal) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          });
        }),
    });
    const round = planner.runRound();
    round.catch(() => undefined);
    const started = Date.now();
    await planner.stop();
    planner = undefined;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(aborted).toBe(true);
    await expect(round).rejects.toThrow('aborted');
    expect(lines.some((line) => line.msg.includes('is abandoned'))).toBe(true);
  });

  it('stop abandons a round with a worker', async () => {
    const { log } = recordingLog();
    const slow = planningConfig();
    slow.time_limit_s = 60;
    planner = new Planner(slow, { log, stop_timeout_ms: 50 });
    const round = planner.runRound();
    round.catch(() => undefined);
    await planner.stop();
    planner = undefined;
    await expect(round).rejects.toThrow(/aborted|abandoned/);
  });
});
