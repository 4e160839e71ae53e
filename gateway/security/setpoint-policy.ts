/**
 * Policy for writes to devices (setpoints and defrost commands): who may write, and the setpoint range
 * of each temperature class, so a chilled room cannot be set to +15 °C by mistake. The write itself is
 * done by the device drivers, which call this first.
 */
import { CLASS_DEFAULTS, type TemperatureClass } from '../alarms/temperature-classes.js';
import { roleAllows } from './http-roles.js';
import type { HttpRole } from './security-config.js';

/** Stable codes of `SetpointError`. */
export type SetpointErrorCode =
  | 'SETPOINT_ROLE_FORBIDDEN'
  | 'SETPOINT_NOT_FINITE'
  | 'SETPOINT_OUT_OF_RANGE'
  | 'SETPOINT_RANGE_MISSING';

/** A setpoint write the policy rejects. The message names the value, the allowed range and what to do. */
export class SetpointError extends Error {
  constructor(
    readonly code: SetpointErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SetpointError';
  }
}

/** Allowed setpoint range, °C, both bounds inclusive. */
export interface SetpointRange {
  low_c: number;
  high_c: number;
}

/**
 * Lowest setpoint accepted for the frozen class, °C. The frozen storage range has no lower bound, so this
 * is a sanity floor against typing errors such as -180 for -18.0.
 * NOTE: -40 °C is an estimate of the lowest setpoint of common cold-store and reefer units. Blast
 * freezers that go lower need the custom class with an explicit range.
 */
export const FROZEN_SETPOINT_FLOOR_C = -40;

/** Role needed to write a setpoint. */
export const SETPOINT_ROLE: HttpRole = 'admin';
/** Role needed to start a defrost. */
export const DEFROST_ROLE: HttpRole = 'operator';

/** Returns the setpoint range of a class: its storage range, or `custom` for the custom class. */
export function setpointRange(temperature_class: TemperatureClass, custom?: SetpointRange): SetpointRange | undefined {
  if (temperature_class === 'custom') return custom;
  const defaults = CLASS_DEFAULTS[temperature_class];
  return { low_c: defaults.low_c ?? FROZEN_SETPOINT_FLOOR_C, high_c: defaults.high_c ?? Number.POSITIVE_INFINITY };
}

/**
 * Checks a setpoint write of `value_c` °C by a user with `role` to an asset of `temperature_class`.
 * Returns undefined when the write is allowed, else the `SetpointError` to report. The custom class
 * needs `custom_range`.
 */
export function checkSetpointWrite(
  role: HttpRole,
  temperature_class: TemperatureClass,
  value_c: number,
  custom_range?: SetpointRange,
): SetpointError | undefined {
  if (!roleAllows(role, SETPOINT_ROLE)) {
    return new SetpointError(
      'SETPOINT_ROLE_FORBIDDEN',
      `role ${role} may not change setpoints; ask a user with role ${SETPOINT_ROLE}`,
    );
  }
  if (!Number.isFinite(value_c)) {
    return new SetpointError('SETPOINT_NOT_FINITE', `setpoint ${value_c} is not a finite number of °C`);
  }
  const range = setpointRange(temperature_class, custom_range);
  if (range === undefined) {
    return new SetpointError(
      'SETPOINT_RANGE_MISSING',
      'an asset of class custom needs its own setpoint range (low_c and high_c) before setpoints can be written',
    );
  }
  if (value_c < range.low_c || value_c > range.high_c) {
    return new SetpointError(
      'SETPOINT_OUT_OF_RANGE',
      `setpoint ${value_c} °C is outside the ${temperature_class} range ${range.low_c} to ${range.high_c} °C; ` +
        'choose a value inside it, or change the asset class if the goods stored have changed',
    );
  }
  return undefined;
}

/** Checks a defrost command by a user with `role`; returns undefined when allowed, else the error. */
export function checkDefrostCommand(role: HttpRole): SetpointError | undefined {
  if (roleAllows(role, DEFROST_ROLE)) return undefined;
  return new SetpointError(
    'SETPOINT_ROLE_FORBIDDEN',
    `role ${role} may not start a defrost; it needs role ${DEFROST_ROLE} or higher`,
  );
}
