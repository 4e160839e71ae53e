/**
 * When an open alarm is notified again: re-notification at a fixed interval until acknowledged (offline
 * alarms repeat until data returns, acknowledged or not), and an escalation ladder by time since raised.
 */
import type { Alarm } from './alarm.js';
import type { EscalationStep, NotifyConfig } from './notify-schema.js';
import { ALARM_LEVELS, type AlarmLevel } from './rule-schemas.js';

export type NotificationReason = 'raised' | 'renotify' | 'escalated' | 'acknowledged' | 'cleared' | 'closed';

export interface NotificationDecision {
  reason: NotificationReason;
  targets: string[];
}

function rank(level: AlarmLevel): number {
  return ALARM_LEVELS.indexOf(level);
}

function appliesTo(step: EscalationStep, alarm: Alarm): boolean {
  return rank(alarm.level) >= rank(step.min_level);
}

/** Returns the targets of every rung the alarm has reached, without repeats. */
export function reachedTargets(alarm: Alarm, notify: NotifyConfig): string[] {
  const targets = new Set<string>();
  notify.escalation.forEach((step, index) => {
    if (index <= alarm.escalation_step && appliesTo(step, alarm))
      for (const target of step.targets) targets.add(target);
  });
  return [...targets];
}

/** Returns the index of the highest rung the alarm has reached at `now_ms`, or -1. */
export function escalationStepAt(alarm: Alarm, notify: NotifyConfig, now_ms: number): number {
  let reached = -1;
  notify.escalation.forEach((step, index) => {
    if (appliesTo(step, alarm) && now_ms - alarm.raised_ms >= step.after_s * 1000) reached = index;
  });
  return reached;
}

/**
 * Returns the notification due for the alarm at `now_ms`, or null. Nothing is due for a closed alarm or
 * while a parent alarm suppresses it (`parent_active`).
 */
export function dueNotification(
  alarm: Alarm,
  notify: NotifyConfig,
  now_ms: number,
  parent_active: boolean,
): NotificationDecision | null {
  if (alarm.closure || parent_active) return null;
  const repeats = alarm.kind === 'no_data' ? alarm.active : alarm.active && !alarm.acknowledgement;
  if (!repeats) return null;
  const step = escalationStepAt(alarm, notify, now_ms);
  if (!alarm.acknowledgement && step > alarm.escalation_step) {
    alarm.escalation_step = step;
    return { reason: 'escalated', targets: reachedTargets(alarm, notify) };
  }
  if (notify.renotify_s > 0 && now_ms - alarm.last_notified_ms >= notify.renotify_s * 1000) {
    return { reason: 'renotify', targets: reachedTargets(alarm, notify) };
  }
  return null;
}
