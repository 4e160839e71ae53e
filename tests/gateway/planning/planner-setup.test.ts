import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Planner } from '../../../gateway/planning/planner.js';
import { planningConfigSchema } from '../../../gateway/planning/planning-config.js';

describe('planner setup', () => {
  it('lists every scenario problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-setup-'));
    const text = readFileSync('tests/fixtures/planning/small-county.yaml', 'utf8')
      .replace("wave: { start: '17:00', end: '24:00' }", "wave: { start: '17:00', end: '16:00' }")
      .replace('delivery_site_id: v2', 'delivery_site_id: nowhere');
    const file = join(dir, 'scenario.yaml');
    writeFileSync(file, text);
    const config = planningConfigSchema.parse({
      enabled: true,
      scenario_file: file,
      schedules: [],
      store_path: join(dir, 'plans.db'),
    });
    let message = '';
    try {
      new Planner(config, { log: pino({ level: 'silent' }) });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('orders[1] (order o2) delivery_site_id = "nowhere"');
    expect(message).toContain('wave: window start 17:00 is after its end 16:00');
  });
});
