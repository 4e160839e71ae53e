import { describe, expect, it } from 'vitest';
import { checkExpectations, formatResult } from '../../../firmware-sim/scenario/check-expectations.js';
import { validateScenario } from '../../../firmware-sim/scenario/load-scenario.js';
import type { ScenarioRun } from '../../../firmware-sim/scenario/run-scenario.js';

const START_MS = Date.parse('2026-07-15T23:00:00+08:00');
const MIN = 60_000;

/** A run whose simulated time equals arrival time, so the checker's windows can be set by hand. */
function runWith(expectations: unknown[], parts: Partial<ScenarioRun>): ScenarioRun {
  const scenario = validateScenario({
    name: 't',
    run: { start: '2026-07-15T23:00:00+08:00', duration_min: 60 },
    site: { id: 's', rooms: [{ id: 'chill-1', kind: 'chilled' }], trucks: [{ id: 'truck-1' }] },
    devices: [
      { id: 'node-1', protocol: 'mqtt', watches: 'chill-1' },
      { id: 'tk-1', protocol: 'mqtt', watches: 'truck-1' },
    ],
    timeline: [{ id: 'fail', at_min: 10, event: 'compressor_failure', asset: 'chill-1' }],
    expectations,
  });
  return {
    scenario,
    start_ms: START_MS,
    end_ms: START_MS + 60 * MIN,
    devices: [],
    rooms: new Map(),
    events: [{ id: 'fail', event: 'compressor_failure', time_ms: START_MS + 10 * MIN }],
    defrosts: new Map([['chill-1', [{ from_ms: START_MS + 30 * MIN, to_ms: START_MS + 40 * MIN }]]]),
    readings: [],
    alarms: [],
    orders: [],
    rooms_report: [],
    simTimeOf: (real_ms) => real_ms,
    ...parts,
  };
}

function alarmAt(minute: number, level: 'warning' | 'alarm' | 'critical', asset = 'chill-1') {
  return {
    value: { id: `a${minute}`, state: 'raised' as const, level, kind: 'high', asset, site: 's', time_ms: 0 },
    arrived_ms: START_MS + minute * MIN,
  };
}

const ALARM = { expect: 'alarm', level: 'alarm', asset: 'chill-1', after: 'fail', within_min: 30 };

describe('checkExpectations', () => {
  it('passes an alarm inside the window', () => {
    const [result] = checkExpectations(runWith([ALARM], { alarms: [alarmAt(25, 'critical')] }));
    expect(result?.pass).toBe(true);
  });

  it('fails an alarm after the window', () => {
    const [result] = checkExpectations(runWith([ALARM], { alarms: [alarmAt(45, 'alarm')] }));
    expect(result?.pass).toBe(false);
  });

  it('fails an alarm below the level', () => {
    const [result] = checkExpectations(runWith([ALARM], { alarms: [alarmAt(25, 'warning')] }));
    expect(result?.pass).toBe(false);
  });

  it('fails an alarm raised during defrost', () => {
    const expectation = { expect: 'no_alarm', asset: 'chill-1', during: 'defrost' };
    const [result] = checkExpectations(runWith([expectation], { alarms: [alarmAt(35, 'warning')] }));
    expect(result?.pass).toBe(false);
  });

  it('counts truck compartments as their truck', () => {
    const expectation = { expect: 'no_alarm', asset: 'chill-1', during: 'run' };
    const [result] = checkExpectations(runWith([expectation], { alarms: [alarmAt(5, 'warning', 'chill-1/front')] }));
    expect(result?.pass).toBe(false);
  });

  it('matches an alarm on a truck compartment', () => {
    const expectation = { ...ALARM, asset: 'truck-1', compartment: 'front' };
    const front = checkExpectations(runWith([expectation], { alarms: [alarmAt(25, 'alarm', 'truck-1/front')] }));
    const rear = checkExpectations(runWith([expectation], { alarms: [alarmAt(25, 'alarm', 'truck-1/rear')] }));
    expect(front[0]?.pass).toBe(true);
    expect(front[0]?.name).toBe('alarm alarm on truck-1/front within 30 min of fail');
    expect(rear[0]?.pass).toBe(false);
  });

  it('rejects an unknown compartment', () => {
    const expectation = { ...ALARM, asset: 'truck-1', compartment: 'middle' };
    expect(() => runWith([expectation], {})).toThrow(/expectations\[0\]\.compartment/);
  });

  it('reads booleans as 0 and 1', () => {
    const expectation = { expect: 'reading', asset: 'chill-1', field: 'door_open', above: 0 };
    const reading = { time_ms: 0, tags: { asset: 'chill-1' }, fields: { door_open: true }, arrived_ms: START_MS + MIN };
    const [result] = checkExpectations(runWith([expectation], { readings: [reading] }));
    expect(result?.pass).toBe(true);
  });

  it('formats PASS and FAIL lines', () => {
    expect(formatResult({ name: 'n', pass: true, detail: 'd' })).toBe('PASS n: d');
    expect(formatResult({ name: 'n', pass: false, detail: 'd' })).toBe('FAIL n: d');
  });
});
