/**
 * The `AlarmService` of the API over the gateway's alarm engine (gateway/alarms): alarms are read from
 * the alarm store, and acknowledgements, comments and closures go through the engine, which records and
 * audits them, and notifies acknowledgements.
 */
import type { Actor, Alarm as EngineAlarm } from '../alarms/alarm.js';
import { AlarmStateError, COMMENT_INSTEAD } from '../alarms/alarm.js';
import type { AlarmEngine } from '../alarms/alarm-engine.js';
import type { AlarmTransition } from '../alarms/alarm-registry.js';
import type { AlarmStore } from '../alarms/alarm-store.js';
import { ServiceRejection } from './errors.js';
import type { Alarm, AlarmEvent, AlarmService, AlarmState, OperatorActor } from './services.js';

function stateOf(alarm: EngineAlarm): AlarmState {
  if (alarm.closure) return 'closed';
  return alarm.acknowledgement ? 'acknowledged' : 'active';
}

function operatorOf(actor: Actor): OperatorActor {
  return actor.on_behalf_of === undefined ? { who: actor.by } : { who: actor.by, on_behalf_of: actor.on_behalf_of };
}

/** Returns the engine's actor of an API actor. */
function engineActor(actor: OperatorActor): Actor {
  return actor.on_behalf_of === undefined ? { by: actor.who } : { by: actor.who, on_behalf_of: actor.on_behalf_of };
}

function historyOf(alarm: EngineAlarm): AlarmEvent[] {
  const events: AlarmEvent[] = [{ time_ms: alarm.raised_ms, action: 'raised' }];
  if (alarm.cleared_ms !== undefined) {
    const reason = alarm.clear_reason === undefined ? {} : { comment: alarm.clear_reason };
    events.push({ time_ms: alarm.cleared_ms, action: 'cleared', ...reason });
  }
  if (alarm.acknowledgement) {
    const { time_ms, comment } = alarm.acknowledgement;
    events.push({ time_ms, action: 'acknowledged', ...operatorOf(alarm.acknowledgement), comment });
  }
  for (const entry of alarm.comments)
    events.push({ time_ms: entry.time_ms, action: 'commented', ...operatorOf(entry), comment: entry.comment });
  if (alarm.closure) {
    const { time_ms, corrective_action } = alarm.closure;
    events.push({ time_ms, action: 'closed', ...operatorOf(alarm.closure), comment: corrective_action });
  }
  return events.sort((left, right) => left.time_ms - right.time_ms);
}

/** Converts an alarm of the engine to the API's alarm. */
export function toApiAlarm(alarm: EngineAlarm): Alarm {
  return {
    id: alarm.id,
    site: alarm.site,
    asset: alarm.asset,
    ...(alarm.device !== undefined ? { device: alarm.device } : {}),
    level: alarm.level,
    state: stateOf(alarm),
    kind: alarm.kind,
    message: alarm.message,
    raised_ms: alarm.raised_ms,
    condition_active: alarm.active,
    history: historyOf(alarm),
  };
}

/**
 * Runs an engine operation on alarm `id` and turns its `AlarmStateError` into a `ServiceRejection`. A
 * message that advises a comment gets the HTTP route that adds one.
 */
function viaEngine(id: string, operation: () => EngineAlarm): Alarm {
  try {
    return toApiAlarm(operation());
  } catch (error) {
    if (!(error instanceof AlarmStateError)) throw error;
    if (error.code === 'ALARM_NOT_FOUND') throw new ServiceRejection('not_found', error.message);
    const message = error.message.endsWith(COMMENT_INSTEAD)
      ? `${error.message} with POST /api/v1/alarms/${id}/comment`
      : error.message;
    throw new ServiceRejection('conflict', message);
  }
}

export function alarmServiceFromEngine(engine: AlarmEngine, store: AlarmStore): AlarmService {
  return {
    list(filter) {
      const alarms = store.alarms(filter.asset !== undefined ? { asset: filter.asset } : {}).map(toApiAlarm);
      return filter.state === undefined ? alarms : alarms.filter((alarm) => alarm.state === filter.state);
    },
    get(id) {
      const alarm = store.alarm(id);
      return alarm ? toApiAlarm(alarm) : undefined;
    },
    acknowledge: (id, actor, comment) => viaEngine(id, () => engine.acknowledge(id, engineActor(actor), comment)),
    comment: (id, actor, text) => viaEngine(id, () => engine.comment(id, engineActor(actor), text)),
    close: (id, actor, corrective_action) =>
      viaEngine(id, () => engine.close(id, engineActor(actor), corrective_action)),
    subscribe(listener) {
      const onTransition = ({ alarm }: AlarmTransition) => listener(toApiAlarm(alarm));
      engine.on('transition', onTransition);
      return () => engine.off('transition', onTransition);
    },
  };
}
