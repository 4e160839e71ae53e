/** Evaluation of one threshold rule on one asset: on-delay, hysteresis and clear delay. */
import {
  advanceConditionTimer,
  type ConditionTimer,
  newConditionTimer,
  resetConditionTimer,
} from './condition-timer.js';
import type { ThresholdRule } from './rule-schemas.js';

/** Serialisable state of a rule on one asset. */
export interface RuleState {
  timer: ConditionTimer;
  /** True from raise to clear. */
  active: boolean;
  /** Time the value first came back inside the clear margin, ms; null while it is not inside. */
  clear_since_ms: number | null;
}

export type RuleChange = 'raise' | 'clear' | null;

export function newRuleState(): RuleState {
  return { timer: newConditionTimer(), active: false, clear_since_ms: null };
}

/** Returns true when `value` is beyond the rule's threshold. */
export function isBeyond(rule: Pick<ThresholdRule, 'direction' | 'threshold_c'>, value: number): boolean {
  return rule.direction === 'high' ? value > rule.threshold_c : value < rule.threshold_c;
}

function isInsideClearMargin(rule: ThresholdRule, value: number): boolean {
  return rule.direction === 'high'
    ? value <= rule.threshold_c - rule.clear_margin_c
    : value >= rule.threshold_c + rule.clear_margin_c;
}

/**
 * Advances the rule with the reading `value` at `time_ms` and returns whether the alarm raises, clears or
 * stays as it was. While `suppressed` (defrost, door, flood control) an inactive rule counts no time, so
 * its on-delay starts again when the suppression ends. An active rule can still clear while suppressed.
 */
export function evaluateThresholdRule(
  state: RuleState,
  rule: ThresholdRule,
  value: number,
  time_ms: number,
  suppressed: boolean,
): RuleChange {
  if (!state.active) {
    if (suppressed) {
      resetConditionTimer(state.timer);
      return null;
    }
    const counted_ms = advanceConditionTimer(
      state.timer,
      isBeyond(rule, value),
      time_ms,
      rule.on_delay_mode,
      rule.window_s * 1000,
    );
    if (isBeyond(rule, value) && counted_ms >= rule.on_delay_s * 1000) {
      state.active = true;
      state.clear_since_ms = null;
      return 'raise';
    }
    return null;
  }
  if (!isInsideClearMargin(rule, value)) {
    state.clear_since_ms = null;
    return null;
  }
  state.clear_since_ms ??= time_ms;
  if (time_ms - state.clear_since_ms < rule.clear_delay_s * 1000) return null;
  state.active = false;
  state.clear_since_ms = null;
  resetConditionTimer(state.timer);
  return 'clear';
}
