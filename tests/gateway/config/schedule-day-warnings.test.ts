import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../gateway/config/load.js';

const SCENARIO = 'tests/fixtures/planning/small-county.yaml';

/** Returns the file warnings of a config with `planning` as its planning section. */
function fileWarnings(planning: Record<string, unknown>): string[] {
  const resolved = validateConfig({ version: 1, site: 's', planning });
  return resolved.file_warnings ?? [];
}

describe('schedule day warnings', () => {
  it('warns of day with plan_date scenario', () => {
    const warnings = fileWarnings({
      enabled: true,
      scenario_file: SCENARIO,
      schedules: [
        { name: 'replan', cron: '*/15 * * * *' },
        { name: 'nightly', cron: '0 22 * * *', day: 'tomorrow' },
      ],
    });
    expect(warnings).toEqual([
      "planning.schedules[1].day (schedule nightly) is tomorrow, but planning.plan_date is scenario, so every round plans the scenario file's plan_date and day is ignored; " +
        'set planning.plan_date: rolling to plan the date of each tick plus day, or remove day',
    ]);
  });

  it('warns of an explicit day today', () => {
    const warnings = fileWarnings({
      enabled: true,
      scenario_file: SCENARIO,
      plan_date: 'scenario',
      schedules: [{ name: 'replan', cron: '*/15 * * * *', day: 'today' }],
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^planning\.schedules\[0\]\.day \(schedule replan\) is today/);
  });

  it('skips the default schedules', () => {
    expect(fileWarnings({ enabled: true, scenario_file: SCENARIO })).toEqual([]);
  });

  it('skips day with plan_date rolling', () => {
    const warnings = fileWarnings({
      enabled: true,
      scenario_file: SCENARIO,
      plan_date: 'rolling',
      schedules: [{ name: 'nightly', cron: '0 22 * * *', day: 'tomorrow' }],
    });
    expect(warnings).toEqual([]);
  });

  it('skips disabled planning', () => {
    const warnings = fileWarnings({ schedules: [{ name: 'nightly', cron: '0 22 * * *', day: 'tomorrow' }] });
    expect(warnings).toEqual([]);
  });
});
