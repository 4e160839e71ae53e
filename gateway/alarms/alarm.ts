/**
 * An alarm and its lifecycle: raised → acknowledged (who, when, comment) → cleared → closed with the
 * corrective action. An alarm may clear before anyone acknowledges it; it then stays open, cleared but
 * unacknowledged, until acknowledged and closed, so no excursion goes unreviewed.
 */
import type { AlarmLevel } from './rule-schemas.js';

/** Rule family that raised the alarm. */
export type AlarmKind = 'high' | 'low' | 'rate_of_rise' | 'door_open' | 'no_data' | 'probe_fault' | 'power_failure';

/**
 * Asset of an alarm about a whole site rather than one asset, such as a power failure. Alarms stored
 * before this value existed have an empty asset, which `siteAssetOf` maps to it.
 */
export const SITE_ASSET = '_site';

/** Returns the asset of an alarm, with an empty asset read as `SITE_ASSET`. */
export function siteAssetOf(asset: string): string {
  return asset === '' ? SITE_ASSET : asset;
}

export type AlarmStatus = 'raised' | 'acknowledged' | 'cleared' | 'closed';

/**
 * Person recorded for an operator action. `by` is the actor: the authenticated user when the API
 * requires a login, else the name the client gave. `on_behalf_of` is a different name that an
 * authenticated user typed, kept as that user's claim and not verified.
 */
export interface Actor {
  by: string;
  on_behalf_of?: string;
}

/** Returns `actor` as an `Actor`, reading a plain string as the actor's name. */
export function toActor(actor: string | Actor): Actor {
  return typeof actor === 'string' ? { by: actor } : actor;
}

/** Describes an actor for a report line: `erp` or `erp on behalf of Li Wei`. */
export function describeActor(actor: Actor): string {
  return actor.on_behalf_of === undefined ? actor.by : `${actor.by} on behalf of ${actor.on_behalf_of}`;
}

export interface Acknowledgement extends Actor {
  time_ms: number;
  comment: string;
}

export interface Closure extends Actor {
  time_ms: number;
  /** Action taken on the product and the equipment (`product moved to room 2, compressor fuse replaced`). */
  corrective_action: string;
}

export interface Alarm {
  /** `<asset or device or site>:<rule>:<raised_ms>`, unique in the store. */
  id: string;
  kind: AlarmKind;
  level: AlarmLevel;
  /** Rule id (`high_alarm`, `rate_of_rise`, `door_open`, `no_data`, `power_failure`). */
  rule: string;
  site: string;
  /** Asset id; for an offline device, the device's asset tag; empty for a site power failure. */
  asset: string;
  /** Device id, for offline and probe-fault alarms. */
  device?: string;
  /** Field the rule watches, when it watches one. */
  point?: string;
  /** Limit of the rule (°C, or °C per minute for the rate rule). */
  threshold?: number;
  /** Value that raised the alarm, and the worst value seen while it was active. */
  value?: number;
  peak_value?: number;
  message: string;
  raised_ms: number;
  /** True while the condition lasts. */
  active: boolean;
  cleared_ms?: number;
  /**
   * Reason the gateway gave for clearing the alarm without seeing its condition end, such as
   * `device removed from the configuration`. Absent when the condition ended.
   */
  clear_reason?: string;
  acknowledgement?: Acknowledgement;
  closure?: Closure;
  comments: Acknowledgement[];
  /** Id of the parent alarm (an offline device, a site power failure) that suppresses this one. */
  parent_id?: string;
  /** Notification bookkeeping: when last notified, and the highest escalation rung reached (-1 none). */
  last_notified_ms: number;
  escalation_step: number;
  notifications: number;
}

/** Raised when an operation does not fit the alarm's state, or names an unknown alarm. */
export class AlarmStateError extends Error {
  constructor(
    readonly code: 'ALARM_NOT_FOUND' | 'ALARM_ALREADY_ACKNOWLEDGED' | 'ALARM_STILL_ACTIVE' | 'ALARM_CLOSED',
    message: string,
  ) {
    super(message);
    this.name = 'AlarmStateError';
  }
}

/** Returns the lifecycle status of the alarm. */
export function alarmStatus(alarm: Alarm): AlarmStatus {
  if (alarm.closure) return 'closed';
  if (alarm.active) return alarm.acknowledgement ? 'acknowledged' : 'raised';
  return 'cleared';
}

/**
 * End of the message of an acknowledgement that the alarm's state rejects. Each channel may append how to
 * send a comment there, such as the HTTP route.
 */
export const COMMENT_INSTEAD = 'add a comment instead';

/** Records an acknowledgement. Throws when the alarm is closed or already acknowledged. */
export function acknowledgeAlarm(alarm: Alarm, ack: Acknowledgement): void {
  if (alarm.closure) throw new AlarmStateError('ALARM_CLOSED', `alarm ${alarm.id} is closed; ${COMMENT_INSTEAD}`);
  if (alarm.acknowledgement) {
    throw new AlarmStateError(
      'ALARM_ALREADY_ACKNOWLEDGED',
      `alarm ${alarm.id} was acknowledged by ${alarm.acknowledgement.by}; ${COMMENT_INSTEAD}`,
    );
  }
  alarm.acknowledgement = ack;
}

/**
 * Returns the message of a close rejected because the alarm's condition still holds. The API shows that
 * condition as `condition_active`. Only an alarm not acknowledged yet gets the advice to acknowledge it.
 */
function stillActiveMessage(alarm: Alarm): string {
  const condition = `its condition (rule ${alarm.rule}) is still active (condition_active: true)`;
  if (alarm.acknowledgement) {
    return `alarm ${alarm.id} is acknowledged, but ${condition}; it can be closed once the condition clears`;
  }
  return `alarm ${alarm.id} cannot be closed yet because ${condition}; acknowledge it now, and close it once the condition clears`;
}

/**
 * Closes a cleared alarm with its corrective action, acknowledging it too if it was not acknowledged yet. Throws while
 * the condition is still active or when the alarm is already closed.
 */
export function closeAlarm(alarm: Alarm, closure: Closure): void {
  if (alarm.closure) throw new AlarmStateError('ALARM_CLOSED', `alarm ${alarm.id} is already closed`);
  if (alarm.active) throw new AlarmStateError('ALARM_STILL_ACTIVE', stillActiveMessage(alarm));
  alarm.acknowledgement ??= {
    by: closure.by,
    ...(closure.on_behalf_of !== undefined ? { on_behalf_of: closure.on_behalf_of } : {}),
    time_ms: closure.time_ms,
    comment: 'acknowledged on close',
  };
  alarm.closure = closure;
}
