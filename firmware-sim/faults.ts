/**
 * Faults a simulator can inject, so that tests can check how the gateway handles each:
 * - `probe_fault`: the probe reports its fault sentinel (-127 °C, 327.67 °F, or register word 0x7FFF);
 * - `probe_disconnected`: the probe reports its "not connected" sentinel (-127 °C, -327.68 °F, or 0x8000);
 * - `stuck`: measured values freeze at their value when the fault starts, while sequence and time advance;
 * - `disconnect`: the MQTT client ends its session, or the Modbus server closes its sockets and stops
 *   listening, until the fault is cleared;
 * - `malformed`: MQTT payloads stop being valid JSON (a bare `NaN` in a number field).
 */
export type Fault = 'probe_fault' | 'probe_disconnected' | 'stuck' | 'disconnect' | 'malformed';

/** Every fault name, for option parsing and validation. */
export const FAULTS: readonly Fault[] = ['probe_fault', 'probe_disconnected', 'stuck', 'disconnect', 'malformed'];

/** Raised when a simulator cannot show the fault it was given (a Modbus server has no JSON to break). */
export class FaultNotSupportedError extends Error {
  readonly code = 'SIM_FAULT_UNSUPPORTED';

  constructor(device_id: string, fault: string) {
    super(`Device ${device_id} cannot simulate fault "${fault}": use one of the faults its protocol supports`);
    this.name = 'FaultNotSupportedError';
  }
}

/** Raised when a device id given to the fleet names no simulated device. */
export class DeviceNotFoundError extends Error {
  readonly code = 'SIM_DEVICE_NOT_FOUND';

  constructor(device_id: string, known: readonly string[]) {
    super(`Device "${device_id}" is not in the simulated fleet: use one of ${known.join(', ')}`);
    this.name = 'DeviceNotFoundError';
  }
}

/** Checks that `value` names a fault, and returns it typed. */
export function parseFault(value: string): Fault {
  const fault = FAULTS.find((known) => known === value);
  if (fault === undefined) {
    throw new RangeError(`Fault "${value}" is unknown: use one of ${FAULTS.join(', ')}`);
  }
  return fault;
}
