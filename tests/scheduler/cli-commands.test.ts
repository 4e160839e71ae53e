import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { registerBenchCommand } from '../../gateway/cli/commands/bench.js';
import { registerPlanCommand } from '../../gateway/cli/commands/plan.js';

/** Runs one command line and returns what it printed with console.log. */
async function run(register: (program: Command) => void, args: string[]): Promise<string[]> {
  const program = new Command('coldpool').exitOverride();
  register(program);
  const printed: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    printed.push(String(line));
  });
  try {
    await program.parseAsync(['node', 'coldpool', ...args]);
  } finally {
    spy.mockRestore();
  }
  return printed;
}

const folder = mkdtempSync(join(tmpdir(), 'coldpool-plan-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const scenario = {
  name: 'cli',
  plan_date: '2026-12-05',
  wave: { start: '17:00', end: '24:00' },
  sites: [
    { id: 'depot', kind: 'depot', lat: 27.3, lon: 111.7 },
    { id: 'm_a', kind: 'merchant', lat: 27.31, lon: 111.71 },
    { id: 'v1', kind: 'village_station', lat: 27.35, lon: 111.75 },
  ],
  vehicles: [
    {
      id: 't1',
      owner_id: 'logistics',
      kind: 'light_reefer_1_5t',
      start_site_id: 'depot',
      shift: { start: '17:00', end: '23:00' },
      payload_kg: 1500,
      compartments: [
        { id: 'box', temperature_class: 'chilled', min_temp_c: 0, max_temp_c: 8, capacity_kg: 1500, capacity_m3: 8 },
      ],
    },
  ],
  orders: [
    {
      id: 'o1',
      merchant_id: 'm_a',
      pickup_site_id: 'm_a',
      delivery_site_id: 'v1',
      temperature_class: 'chilled',
      weight_kg: 12,
      volume_m3: 0.04,
      pickup_window: { start: '17:00', end: '20:00' },
      delivery_window: { start: '18:00', end: '22:00' },
    },
  ],
  solver: { seed: 1, max_iterations: 20, time_limit_s: 10 },
};

describe('plan command', () => {
  // The YAML path is what operators use; the printout must show the plan, the baseline and the check.
  it('plans a yaml scenario', async () => {
    const file = join(folder, 'scenario.yaml');
    writeFileSync(file, stringify(scenario));
    const output = (await run(registerPlanCommand, ['plan', '--scenario', file])).join('\n');
    expect(output).toContain('plan cli: 1 order served, 0 unserved');
    expect(output).toContain('pooled vs unpooled baseline, both for the 1 order the pooled plan serves');
    expect(output).toContain('check: feasible');
  });

  // The truck reaches the village before the 18:00 delivery window opens, so it waits there.
  it('prints arrival, start and departure per stop', async () => {
    const file = join(folder, 'stops.yaml');
    writeFileSync(file, stringify(scenario));
    const output = await run(registerPlanCommand, ['plan', '--scenario', file, '--stops']);
    const delivery = output.find((line) => line.includes(' delivery '));
    expect(delivery).toMatch(/arrival=17:\d\d start=18:00 departure=18:02 delivery/);
  });

  // JSON in and out is how other programs drive the planner.
  it('prints json for a json scenario', async () => {
    const file = join(folder, 'scenario.json');
    writeFileSync(file, JSON.stringify(scenario));
    const [json] = await run(registerPlanCommand, ['plan', '--scenario', file, '--json']);
    expect(JSON.parse(json!).plan.vehicles[0].stops.map((stop: { kind: string }) => stop.kind)).toEqual([
      'pickup',
      'delivery',
    ]);
  });

  // An order heavier than every truck stays unserved, and the counts of one read in the singular.
  it('counts one unserved order', async () => {
    const file = join(folder, 'heavy.yaml');
    const heavy = { ...scenario.orders[0], id: 'o2', weight_kg: 5000 };
    writeFileSync(file, stringify({ ...scenario, orders: [...scenario.orders, heavy] }));
    const output = (await run(registerPlanCommand, ['plan', '--scenario', file])).join('\n');
    expect(output).toContain('plan cli: 1 order served, 1 unserved');
    expect(output).toContain('left out of both: the 1 unserved order listed above');
  });

  // A bad field must fail with the field's path, so the operator knows what to fix.
  it('rejects an invalid scenario with the field path', async () => {
    const file = join(folder, 'bad.yaml');
    writeFileSync(file, stringify({ ...scenario, wave: { start: '25:99', end: '24:00' } }));
    await expect(run(registerPlanCommand, ['plan', '--scenario', file])).rejects.toThrow(/wave\.start/);
  });
});

describe('bench command', { timeout: 30_000 }, () => {
  // The benchmark's last line is what BENCHMARKS.md records, so its format is part of the contract.
  it('scores one solomon instance', async () => {
    const lines = await run(registerBenchCommand, [
      'bench',
      'solomon',
      '--data',
      'bench/data/solomon',
      '--time-limit',
      '0.5',
      '--instances',
      'c101',
      '--threads',
      '1',
    ]);
    expect(lines.some((line) => line.startsWith('C101') && line.includes('feasible'))).toBe(true);
    expect(lines.at(-1)).toMatch(/^mean_gap_pct=-?\d+\.\d\d$/);
  });
});
