/**
 * The one place that reads the gateway's alarm messages, so a change in their JSON is fixed here only.
 * It accepts the documented shape `{ id, state, level, kind, asset, site, device?, time_ms, value? }` on
 * `coldpool/alarms/#`, and the alarm notifier's field names (`alarm_id`, `status`) as well.
 */

export type AlarmLevel = 'warning' | 'alarm' | 'critical';
export type AlarmState = 'raised' | 'acknowledged' | 'cleared';

/** An alarm message as the expectation checker uses it. */
export interface ObservedAlarm {
  id: string;
  state: AlarmState;
  level: AlarmLevel;
  kind: string;
  asset: string;
  site: string;
  device?: string;
  /** Time the gateway put on the message, ms. */
  time_ms: number;
  value?: number;
}

/** Alarm topic filter the kit subscribes to. */
export const ALARMS_FILTER = 'coldpool/alarms/#';

const LEVELS: readonly AlarmLevel[] = ['warning', 'alarm', 'critical'];
const STATES: readonly string[] = ['raised', 'acknowledged', 'cleared'];

/** Orders levels, so that `critical` meets an expectation of `alarm`. */
export function levelRank(level: AlarmLevel): number {
  return LEVELS.indexOf(level);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Reads one alarm message, or returns undefined when it is not one (wrong JSON, unknown level or state). */
export function parseAlarmMessage(payload: string): ObservedAlarm | undefined {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(payload) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (data === null || typeof data !== 'object') return undefined;
  const id = text(data.id) ?? text(data.alarm_id);
  const state = text(data.state) ?? text(data.status);
  const level = text(data.level);
  const asset = text(data.asset) ?? '';
  if (id === undefined || state === undefined || !STATES.includes(state)) return undefined;
  if (level === undefined || !LEVELS.includes(level as AlarmLevel)) return undefined;
  const device = text(data.device);
  return {
    id,
    state: state as AlarmState,
    level: level as AlarmLevel,
    kind: text(data.kind) ?? '',
    asset,
    site: text(data.site) ?? '',
    ...(device ? { device } : {}),
    time_ms: typeof data.time_ms === 'number' ? data.time_ms : 0,
    ...(typeof data.value === 'number' ? { value: data.value } : {}),
  };
}
