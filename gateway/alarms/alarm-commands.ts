/**
 * Operator commands as JSON (from an MQTT command topic or an HTTP endpoint the gateway exposes):
 * acknowledge, comment, close with a corrective action, and change an asset's state.
 */
import { z } from 'zod';
import type { Alarm } from './alarm.js';
import type { AlarmEngine } from './alarm-engine.js';
import { ASSET_STATES } from './asset-state.js';

const person = z.string().min(1).max(100);

export const alarmCommandSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('acknowledge'), alarm_id: z.string().min(1), by: person, comment: z.string() }),
  z.strictObject({ action: z.literal('comment'), alarm_id: z.string().min(1), by: person, text: z.string().min(1) }),
  z.strictObject({
    action: z.literal('close'),
    alarm_id: z.string().min(1),
    by: person,
    /** Action taken on the product and the equipment. */
    corrective_action: z.string().min(1),
  }),
  z.strictObject({
    action: z.literal('set_asset_state'),
    asset: z.string().min(1),
    state: z.enum(ASSET_STATES),
    by: person,
  }),
]);
export type AlarmCommand = z.infer<typeof alarmCommandSchema>;

/** Raised when a command is not valid JSON or does not match the schema. */
export class AlarmCommandError extends Error {
  readonly code = 'ALARM_COMMAND_INVALID';

  constructor(message: string) {
    super(message);
    this.name = 'AlarmCommandError';
  }
}

/** Parses a command payload. Throws an AlarmCommandError that names the invalid part. */
export function parseAlarmCommand(payload: string): AlarmCommand {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch (error) {
    throw new AlarmCommandError(`alarm command is not valid JSON (${(error as Error).message}); send one JSON object`);
  }
  const result = alarmCommandSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new AlarmCommandError(`alarm command invalid at ${issue?.path.join('.') || 'root'}: ${issue?.message}`);
  }
  return result.data;
}

/**
 * Applies a command at `time_ms` and returns the alarm it changed (undefined for an asset state change).
 * Throws AlarmCommandError, AlarmStateError (unknown or closed alarm) or RangeError (unknown asset).
 */
export function applyAlarmCommand(engine: AlarmEngine, command: AlarmCommand, time_ms?: number): Alarm | undefined {
  switch (command.action) {
    case 'acknowledge':
      return engine.acknowledge(command.alarm_id, command.by, command.comment, time_ms);
    case 'comment':
      return engine.comment(command.alarm_id, command.by, command.text, time_ms);
    case 'close':
      return engine.close(command.alarm_id, command.by, command.corrective_action, time_ms);
    case 'set_asset_state':
      engine.setAssetState(command.asset, command.state, command.by, time_ms);
      return undefined;
  }
}
