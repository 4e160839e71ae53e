import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../gateway/config/config-error.js';
import { parseConfig } from '../../../gateway/config/load.js';
import { planningConfigSchema } from '../../../gateway/planning/planning-config.js';

/** Returns each problem of a config file as `path = value: message`, the way check-config prints it. */
function problemsOf(text: string): string[] {
  try {
    parseConfig(text, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.problems.map((problem) => `${problem.path} = ${problem.value}: ${problem.message}`);
    }
    throw error;
  }
  return [];
}

describe('planning plan date config', () => {
  it('defaults to the scenario date', () => {
    const config = planningConfigSchema.parse({});
    expect(config.plan_date).toBe('scenario');
    expect(config.schedules).toEqual([
      { name: 'nightly', cron: '0 22 * * *', day: 'tomorrow' },
      { name: 'replan', cron: '*/15 * * * *', day: 'today' },
    ]);
  });

  it('defaults a schedule day to today', () => {
    const config = planningConfigSchema.parse({
      plan_date: 'rolling',
      schedules: [{ name: 'early', cron: '0 5 * * *' }],
    });
    expect(config.plan_date).toBe('rolling');
    expect(config.schedules[0]?.day).toBe('today');
  });

  it('rejects plan_date daily', () => {
    expect(problemsOf('planning:\n  plan_date: daily\n')).toEqual([
      'planning.plan_date = "daily": must be one of "scenario", "rolling"',
    ]);
  });

  it('rejects day yesterday', () => {
    const text =
      "planning:\n  plan_date: rolling\n  schedules:\n    - { name: early, cron: '0 5 * * *', day: yesterday }\n";
    expect(problemsOf(text)).toEqual(['planning.schedules[0].day = "yesterday": must be one of "today", "tomorrow"']);
  });
});
