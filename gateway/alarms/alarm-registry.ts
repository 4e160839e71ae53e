/**
 * The open alarms: raising, clearing, acknowledging, closing and linking to a parent, each stored, sent
 * to the audit trail and announced as an event and an `alarm` reading.
 */
import type { EventEmitter } from 'node:events';
import type { AuditKind, AuditSink } from '../audit/audit-entry.js';
import type { Reading } from '../reading.js';
import {
  type Actor,
  type Alarm,
  AlarmStateError,
  acknowledgeAlarm,
  closeAlarm,
  SITE_ASSET,
  siteAssetOf,
} from './alarm.js';
import { alarmReading } from './alarm-reading.js';
import type { AlarmStore } from './alarm-store.js';
import { escalationStepAt, type NotificationReason, reachedTargets } from './notification-policy.js';
import type { NotifyConfig } from './notify-schema.js';

export type AlarmTransitionKind = 'raised' | 'acknowledged' | 'commented' | 'cleared' | 'closed' | 'suppressed';

export interface AlarmTransition {
  alarm: Alarm;
  transition: AlarmTransitionKind;
  time_ms: number;
}

export interface AlarmNotification {
  alarm: Alarm;
  reason: NotificationReason;
  /** Escalation targets the alarm has reached. */
  targets: string[];
  time_ms: number;
}

/** Events of the alarm engine, for the gateway to bridge to its bus and to notifiers. */
export interface AlarmEvents {
  transition: [AlarmTransition];
  notification: [AlarmNotification];
  /** An `alarm` measurement reading for every transition. */
  reading: [Reading];
}

/** Fields of a new alarm that the caller supplies. */
export type AlarmDraft = Pick<Alarm, 'kind' | 'level' | 'rule' | 'site' | 'asset' | 'message'> &
  Partial<Pick<Alarm, 'device' | 'point' | 'threshold' | 'value' | 'parent_id'>>;

/** Key of the condition an alarm stands for: one active alarm per site, asset, device and rule. */
export function conditionKey(alarm: Pick<Alarm, 'site' | 'asset' | 'device' | 'rule'>): string {
  return `${alarm.site}|${siteAssetOf(alarm.asset)}|${alarm.device ?? ''}|${alarm.rule}`;
}

/** Audit payload part of an actor's claim to act for someone else, empty without a claim. */
function claimOf(actor: Actor): { on_behalf_of?: string } {
  return actor.on_behalf_of === undefined ? {} : { on_behalf_of: actor.on_behalf_of };
}

const AUDIT_KIND: Partial<Record<AlarmTransitionKind, AuditKind>> = {
  raised: 'alarm_raised',
  acknowledged: 'alarm_acknowledged',
  commented: 'alarm_comment',
  cleared: 'alarm_cleared',
  closed: 'alarm_closed',
};

export class AlarmRegistry {
  private readonly open = new Map<string, Alarm>();
  private readonly activeByKey = new Map<string, string>();

  constructor(
    private readonly store: AlarmStore,
    private readonly events: EventEmitter<AlarmEvents>,
    private readonly notify: NotifyConfig,
    private readonly audit?: AuditSink,
  ) {
    for (const alarm of store.openAlarms()) {
      this.open.set(alarm.id, alarm);
      if (alarm.active) this.activeByKey.set(conditionKey(alarm), alarm.id);
    }
  }

  /** Number of active alarms. */
  get active_count(): number {
    return this.activeByKey.size;
  }

  /** Returns the active alarm of a condition, if any. */
  active(key: string): Alarm | undefined {
    const id = this.activeByKey.get(key);
    return id === undefined ? undefined : this.open.get(id);
  }

  /** Returns every alarm not yet closed, oldest first. */
  openAlarms(): Alarm[] {
    return [...this.open.values()].sort((left, right) => left.raised_ms - right.raised_ms);
  }

  /** Returns true when the alarm exists and its condition is active. */
  isActive(id: string | undefined): boolean {
    return id !== undefined && this.open.get(id)?.active === true;
  }

  /** Raises a new alarm, or returns the one already active for the same condition. */
  raise(draft: AlarmDraft, time_ms: number): Alarm {
    const existing = this.active(conditionKey(draft));
    if (existing) return existing;
    const asset = siteAssetOf(draft.asset);
    const alarm: Alarm = {
      ...draft,
      asset,
      id: `${asset === SITE_ASSET ? draft.site : asset}:${draft.device ? `${draft.device}:` : ''}${draft.rule}:${time_ms}`,
      peak_value: draft.value,
      raised_ms: time_ms,
      active: true,
      comments: [],
      last_notified_ms: time_ms,
      escalation_step: -1,
      notifications: 0,
    };
    alarm.escalation_step = escalationStepAt(alarm, this.notify, time_ms);
    this.open.set(alarm.id, alarm);
    this.activeByKey.set(conditionKey(alarm), alarm.id);
    this.record(alarm, 'raised', time_ms, 'gateway', { message: alarm.message, value: alarm.value });
    if (!this.isActive(alarm.parent_id)) this.notifyNow(alarm, 'raised', time_ms);
    return alarm;
  }

  /** Moves the peak of an active alarm (highest for high rules, lowest for low rules). */
  updatePeak(key: string, value: number): void {
    const alarm = this.active(key);
    if (!alarm || alarm.peak_value === undefined) return;
    const worse = alarm.kind === 'low' ? value < alarm.peak_value : value > alarm.peak_value;
    if (worse) {
      alarm.peak_value = value;
      this.store.saveAlarm(alarm);
    }
  }

  /**
   * Clears the active alarm of a condition; an acknowledged one needs only its closure after this. The
   * cleared notice goes out when the alarm was announced or no active parent suppresses it. A clear
   * that does not come from the condition ending passes `reason`, which is stored in `clear_reason`.
   */
  clear(key: string, time_ms: number, reason?: string): Alarm | undefined {
    const alarm = this.active(key);
    if (!alarm) return undefined;
    alarm.active = false;
    alarm.cleared_ms = time_ms;
    if (reason !== undefined) alarm.clear_reason = reason;
    this.activeByKey.delete(key);
    const details = reason === undefined ? { peak_value: alarm.peak_value } : { peak_value: alarm.peak_value, reason };
    this.record(alarm, 'cleared', time_ms, 'gateway', details);
    // An alarm announced before a parent suppressed it still needs its cleared notice, or subscribers
    // keep it open forever.
    const announced = alarm.notifications > 0;
    if (announced || !this.isActive(alarm.parent_id)) this.notifyNow(alarm, 'cleared', time_ms);
    return alarm;
  }

  /** Makes the open alarms that `matches` selects children of `parent`, which stops their notifications. */
  link(parent: Alarm, matches: (alarm: Alarm) => boolean, time_ms: number): void {
    for (const alarm of this.open.values()) {
      if (alarm.id === parent.id || alarm.parent_id !== undefined || !alarm.active || !matches(alarm)) continue;
      alarm.parent_id = parent.id;
      this.record(alarm, 'suppressed', time_ms, 'gateway', { parent_id: parent.id });
    }
  }

  acknowledge(id: string, actor: Actor, comment: string, time_ms: number): Alarm {
    const alarm = this.get(id);
    acknowledgeAlarm(alarm, { ...actor, time_ms, comment });
    this.record(alarm, 'acknowledged', time_ms, actor.by, { comment, ...claimOf(actor) });
    this.notifyNow(alarm, 'acknowledged', time_ms);
    return alarm;
  }

  comment(id: string, actor: Actor, text: string, time_ms: number): Alarm {
    const alarm = this.get(id);
    alarm.comments.push({ ...actor, time_ms, comment: text });
    this.record(alarm, 'commented', time_ms, actor.by, { comment: text, ...claimOf(actor) });
    return alarm;
  }

  /** Closes a cleared alarm. An unacknowledged one is acknowledged too, with its own `alarm_acknowledged` audit entry. */
  close(id: string, actor: Actor, corrective_action: string, time_ms: number): Alarm {
    const alarm = this.get(id);
    const wasAcknowledged = alarm.acknowledgement !== undefined;
    closeAlarm(alarm, { ...actor, time_ms, corrective_action });
    if (!wasAcknowledged && alarm.acknowledgement) {
      const { comment } = alarm.acknowledgement;
      this.appendAudit(alarm, 'acknowledged', time_ms, actor.by, { comment, ...claimOf(actor) });
    }
    this.record(alarm, 'closed', time_ms, actor.by, { corrective_action, ...claimOf(actor) });
    this.open.delete(id);
    return alarm;
  }

  /** Sends a notification now and counts it. */
  notifyNow(alarm: Alarm, reason: NotificationReason, time_ms: number): void {
    if (reason === 'raised' || reason === 'renotify' || reason === 'escalated') {
      alarm.last_notified_ms = time_ms;
      alarm.notifications += 1;
      this.store.saveAlarm(alarm);
    }
    this.events.emit('notification', { alarm, reason, targets: reachedTargets(alarm, this.notify), time_ms });
  }

  private get(id: string): Alarm {
    const alarm = this.open.get(id) ?? this.store.alarm(id);
    if (!alarm) throw new AlarmStateError('ALARM_NOT_FOUND', `alarm ${id} not found; list open alarms for their ids`);
    return alarm;
  }

  private record(alarm: Alarm, transition: AlarmTransitionKind, time_ms: number, actor: string, details: object) {
    this.store.saveAlarm(alarm);
    this.appendAudit(alarm, transition, time_ms, actor, details);
    this.events.emit('transition', { alarm, transition, time_ms });
    this.events.emit('reading', alarmReading(alarm, time_ms));
  }

  private appendAudit(alarm: Alarm, transition: AlarmTransitionKind, time_ms: number, actor: string, details: object) {
    const kind = AUDIT_KIND[transition];
    if (kind)
      this.audit?.append({ time_ms, kind, actor, subject: alarm.id, payload: { level: alarm.level, ...details } });
  }
}
