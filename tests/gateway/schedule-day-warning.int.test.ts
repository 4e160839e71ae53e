import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';

/** Starts and stops a gateway with `schedules` in its planning section and returns its warnings. */
async function startupWarnings(schedules: unknown[] | undefined): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'coldpool-schedule-day-'));
  const config = validateConfig({
    mqtt: { broker: { port: 0 } },
    outputs: { local_store: { path: join(dir, 'store.db') }, queue: { path: join(dir, 'queue.db') } },
    planning: {
      enabled: true,
      scenario_file: 'tests/fixtures/planning/small-county.yaml',
      store_path: join(dir, 'plans.db'),
      ...(schedules === undefined ? {} : { schedules }),
    },
  });
  const lines: { level: number; msg: string }[] = [];
  const gateway = new Gateway(
    config,
    pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) }),
  );
  await gateway.start();
  await gateway.stop();
  return lines.map((line) => line.msg);
}

describe('gateway schedule day warning', () => {
  it('logs an ignored day at start', async () => {
    const warnings = await startupWarnings([{ name: 'nightly', cron: '0 22 * * *', day: 'tomorrow' }]);
    const matching = warnings.filter((message) => message.startsWith('planning.schedules[0].day (schedule nightly)'));
    expect(matching).toHaveLength(1);
    expect(matching[0]).toContain('set planning.plan_date: rolling');
  });

  it('logs nothing for the default schedules', async () => {
    const warnings = await startupWarnings(undefined);
    expect(warnings.filter((message) => message.startsWith('planning.schedules'))).toEqual([]);
  });
});
