import { describe, expect, it } from 'vitest';
import type { Alarm } from '../../../gateway/alarms/alarm.js';
import { advanceConditionTimer, newConditionTimer } from '../../../gateway/alarms/condition-timer.js';
import { isDefrostSuppressing, newDefrostState, updateDefrost } from '../../../gateway/alarms/defrost-tracker.js';
import { dueNotification } from '../../../gateway/alarms/notification-policy.js';
import { notifySchema } from '../../../gateway/alarms/notify-schema.js';
import { evaluateRateRule, newRateState, rateWindowOf, restoreRateState } from '../../../gateway/alarms/rate-rule.js';
import { defrostRuleSchema, rateRuleSchema } from '../../../gateway/alarms/rule-schemas.js';

const MIN = 60_000;

/** Computes the least-squares slope in °C per minute with the two-pass formula. */
function referenceSlope(times_ms: number[], values: number[]): number {
  const minutes = times_ms.map((time) => time / MIN);
  const meanT = minutes.reduce((sum, t) => sum + t, 0) / minutes.length;
  const meanV = values.reduce((sum, v) => sum + v, 0) / values.length;
  let covariance = 0;
  let variance = 0;
  minutes.forEach((t, index) => {
    covariance += (t - meanT) * ((values[index] ?? 0) - meanV);
    variance += (t - meanT) ** 2;
  });
  return covariance / variance;
}

describe('condition timer', () => {
  it('counts an unbroken run in consecutive mode', () => {
    const timer = newConditionTimer();
    const counted = [true, true, true].map((beyond, minute) =>
      advanceConditionTimer(timer, beyond, minute * MIN, 'consecutive', 60 * MIN),
    );
    expect(counted).toEqual([0, MIN, 2 * MIN]);
  });

  it('restarts after a reading inside', () => {
    const timer = newConditionTimer();
    for (const [minute, beyond] of [
      [0, true],
      [1, true],
      [2, false],
      [3, true],
    ] as const) {
      advanceConditionTimer(timer, beyond, minute * MIN, 'consecutive', 60 * MIN);
    }
    expect(advanceConditionTimer(timer, true, 4 * MIN, 'consecutive', 60 * MIN)).toBe(MIN);
  });

  it('sums broken runs in cumulative mode', () => {
    const timer = newConditionTimer();
    const pattern = [true, true, false, true, true, true];
    let counted = 0;
    pattern.forEach((beyond, minute) => {
      counted = advanceConditionTimer(timer, beyond, minute * 10 * MIN, 'cumulative', 60 * MIN);
    });
    // Beyond from 0-20 min and 30-50 min: 40 minutes inside the 60 minute window.
    expect(counted).toBe(40 * MIN);
  });

  it('forgets time outside the cumulative window', () => {
    const timer = newConditionTimer();
    advanceConditionTimer(timer, true, 0, 'cumulative', 30 * MIN);
    advanceConditionTimer(timer, false, 20 * MIN, 'cumulative', 30 * MIN);
    advanceConditionTimer(timer, true, 50 * MIN, 'cumulative', 30 * MIN);
    expect(advanceConditionTimer(timer, true, 60 * MIN, 'cumulative', 30 * MIN)).toBe(10 * MIN);
  });
});

describe('defrost tracker', () => {
  const rule = defrostRuleSchema.parse({ grace_s: 600, max_s: 1800 });

  it('infers a defrost from a warming coil', () => {
    const state = newDefrostState();
    const coil = [-20, -18, -14, -9, 0, 5];
    coil.forEach((evap_temp_c, minute) => {
      updateDefrost(state, rule, { evap_temp_c, compressor_on: false }, minute * MIN);
    });
    expect(state.active).toBe(true);
    expect(state.start_ms).toBe(0);
  });

  it('ends an inferred defrost when the compressor starts', () => {
    const state = newDefrostState();
    for (const [minute, evap] of [
      [0, -20],
      [5, -10],
    ] as const) {
      updateDefrost(state, rule, { evap_temp_c: evap, compressor_on: false }, minute * MIN);
    }
    const period = updateDefrost(state, rule, { evap_temp_c: 2, compressor_on: true }, 20 * MIN);
    expect(period).toEqual({ start_ms: 0, end_ms: 20 * MIN });
    expect(isDefrostSuppressing(state, rule, 29 * MIN)).toBe(true);
    expect(isDefrostSuppressing(state, rule, 31 * MIN)).toBe(false);
  });

  it('stops suppressing a stuck defrost signal', () => {
    const state = newDefrostState();
    updateDefrost(state, rule, { defrost_on: true }, 0);
    expect(isDefrostSuppressing(state, rule, 30 * MIN)).toBe(true);
    expect(isDefrostSuppressing(state, rule, 31 * MIN)).toBe(false);
  });
});

describe('rate rule', () => {
  const rule = rateRuleSchema.parse({ rate_c_per_min: 0.1, window_s: 600, clear_delay_s: 0 });
  const MAX_GAP_MS = 15 * MIN;

  it('computes the least-squares slope', () => {
    const state = newRateState();
    // A rise of 0.3 °C/min with a zigzag of ±0.2 °C, which the fitted line averages out.
    const times = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((minute) => minute * MIN);
    const values = times.map((time, index) => 2 + (0.3 * time) / MIN + (index % 2 === 0 ? 0.2 : -0.2));
    times.forEach((time, index) => {
      evaluateRateRule(state, rule, 'ctl-1', values[index] ?? 0, time, false, MAX_GAP_MS);
    });
    expect(state.slope_c_per_min).toBeCloseTo(referenceSlope(times, values), 9);
    expect(state.slope_c_per_min).toBeCloseTo(0.3, 1);
  });

  it('waits until the window is covered', () => {
    const state = newRateState();
    const changes = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((minute) =>
      evaluateRateRule(state, rule, 'ctl-1', minute, minute * MIN, false, MAX_GAP_MS),
    );
    expect(changes.includes('raise')).toBe(true);
    expect(changes.indexOf('raise')).toBe(8);
  });

  it('empties every window while suppressed', () => {
    const state = newRateState();
    for (let minute = 0; minute < 5; minute++) {
      evaluateRateRule(state, rule, 'ctl-1', minute, minute * MIN, false, MAX_GAP_MS);
      evaluateRateRule(state, rule, 'node-1', 3, minute * MIN + 30_000, false, MAX_GAP_MS);
    }
    evaluateRateRule(state, rule, 'ctl-1', 5, 5 * MIN, true, MAX_GAP_MS);
    expect(state.windows).toEqual([]);
    expect(state.slope_c_per_min).toBeNull();
  });

  it('keeps one window per device', () => {
    const state = newRateState();
    for (let minute = 0; minute <= 10; minute++) {
      evaluateRateRule(state, rule, 'ctl-1', -20, minute * MIN, false, MAX_GAP_MS);
      evaluateRateRule(state, rule, 'node-1', -17, minute * MIN + 30_000, false, MAX_GAP_MS);
    }
    expect(state.windows.map((window) => window.device).sort()).toEqual(['ctl-1', 'node-1']);
    expect(rateWindowOf(state, 'ctl-1')?.values_c.every((value) => value === -20)).toBe(true);
    expect(rateWindowOf(state, 'node-1')?.values_c.every((value) => value === -17)).toBe(true);
    expect(state.slope_c_per_min).toBeCloseTo(0, 9);
  });

  it('drops the window of a silent device', () => {
    const state = newRateState();
    for (let minute = 0; minute <= 10; minute++) {
      evaluateRateRule(state, rule, 'node-1', 2 + minute, minute * MIN, false, MAX_GAP_MS);
    }
    for (let minute = 0; minute <= 30; minute++) {
      evaluateRateRule(state, rule, 'ctl-1', 3, minute * MIN + 30_000, false, MAX_GAP_MS);
    }
    expect(state.windows.map((window) => window.device)).toEqual(['ctl-1']);
  });

  it('restarts a window after a gap', () => {
    const state = newRateState();
    for (let minute = 0; minute <= 10; minute++) {
      evaluateRateRule(state, rule, 'ctl-1', 2 + minute, minute * MIN, false, MAX_GAP_MS);
    }
    evaluateRateRule(state, rule, 'ctl-1', 3, 26 * MIN, false, MAX_GAP_MS);
    const window = rateWindowOf(state, 'ctl-1');
    expect(window?.times_ms).toEqual([26 * MIN]);
    expect(window?.interval_ms).toBeNull();
    expect(window?.slope_c_per_min).toBeNull();
    expect(state.slope_c_per_min).toBeNull();
  });

  it('bounds the window of a fast device', () => {
    const state = newRateState();
    // A reading every 100 ms fills a 600 s window with 6000 readings unless the window thins them.
    let longest = 0;
    let longestInside = 0;
    for (let time_ms = 0; time_ms <= 40 * MIN; time_ms += 100) {
      evaluateRateRule(state, rule, 'ctl-1', 2 + (0.3 * time_ms) / MIN, time_ms, false, MAX_GAP_MS);
      const window = rateWindowOf(state, 'ctl-1');
      longest = Math.max(longest, window?.times_ms.length ?? 0);
      longestInside = Math.max(longestInside, (window?.times_ms.length ?? 0) - (window?.start ?? 0));
    }
    expect(longestInside).toBeLessThanOrEqual(2 * 512 + 2);
    expect(longest).toBeLessThanOrEqual(2 * (2 * 512 + 2));
    expect(rateWindowOf(state, 'ctl-1')?.times_ms.at(-1)).toBe(40 * MIN);
    expect(state.slope_c_per_min).toBeCloseTo(0.3, 9);
  });

  it('ignores a late reading', () => {
    const state = newRateState();
    for (let minute = 0; minute <= 10; minute++)
      evaluateRateRule(state, rule, 'ctl-1', 2, minute * MIN, false, MAX_GAP_MS);
    expect(evaluateRateRule(state, rule, 'ctl-1', 40, 5 * MIN, false, MAX_GAP_MS)).toBeNull();
    expect(rateWindowOf(state, 'ctl-1')?.values_c.includes(40)).toBe(false);
  });

  it('restores a state saved with one window', () => {
    const saved = { ...newRateState(), active: true, points: [[0, 2] as [number, number]] };
    const restored = restoreRateState(saved);
    expect(restored.windows).toEqual([]);
    expect('points' in restored).toBe(false);
    expect(restored.active).toBe(true);
  });
});

describe('notification policy', () => {
  const notify = notifySchema.parse({ renotify_s: 600 });
  const alarm = (patch: Partial<Alarm>): Alarm => ({
    id: 'a',
    kind: 'high',
    level: 'alarm',
    rule: 'high_alarm',
    site: 's',
    asset: 'room-1',
    message: 'm',
    raised_ms: 0,
    active: true,
    comments: [],
    last_notified_ms: 0,
    escalation_step: 0,
    notifications: 1,
    ...patch,
  });

  it('renotifies after the interval', () => {
    expect(dueNotification(alarm({}), notify, 10 * MIN, false)?.reason).toBe('renotify');
    expect(dueNotification(alarm({}), notify, 9 * MIN, false)).toBeNull();
  });

  it('escalates an alarm level after 30 minutes', () => {
    const decision = dueNotification(alarm({ last_notified_ms: 25 * MIN }), notify, 30 * MIN, false);
    expect(decision?.reason).toBe('escalated');
    expect(decision?.targets).toEqual(['operator', 'supervisor']);
  });

  it('does not escalate a warning to the alarm rung', () => {
    const decision = dueNotification(alarm({ level: 'warning', last_notified_ms: 25 * MIN }), notify, 30 * MIN, false);
    expect(decision).toBeNull();
  });

  it('stays silent under an active parent', () => {
    expect(dueNotification(alarm({}), notify, 60 * MIN, true)).toBeNull();
  });
});
