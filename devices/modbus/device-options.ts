import { ModbusConfigError } from './errors.js';
import type { RegisterField } from './register-field.js';

/** Timing, retry and field options every polled Modbus device has, whatever carries its requests. */
export interface ModbusPollOptions {
  /** Device id carried by every sample and event. */
  id: string;
  /** Time from the start of one poll slot to the start of the next, in milliseconds. */
  poll_interval_ms: number;
  /**
   * Delay from `start()` to the first poll slot, in milliseconds, 0 to `poll_interval_ms` - 1. Devices given
   * different offsets poll spread over the interval instead of all at once. Default 0.
   */
  poll_offset_ms?: number;
  /** Time to wait for a connection or for the response to one request, in milliseconds. */
  timeout_ms: number;
  /** Extra attempts of one request after a timeout or a busy exception (code 6) before the poll fails. */
  retries: number;
  /** Maximum wait between polls of a failing device, in milliseconds. */
  backoff_max_ms: number;
  /** Largest register quantity per request, 1 to 125. Default 125. */
  max_registers_per_read?: number;
  /** Unused registers a request may span to join two fields. Default 0. */
  max_gap?: number;
  /** Wait before sending a request again after a busy exception (code 6), in milliseconds. Default 100. */
  retry_wait_ms?: number;
  /** Fields to read on every poll; at least one. */
  fields: RegisterField[];
}

/** Connection, timing and field options of one Modbus TCP device. */
export interface ModbusTcpDeviceOptions extends ModbusPollOptions {
  /** Host name or IP address of the device or gateway. */
  host: string;
  /** TCP port, usually 502. */
  port: number;
  /** Unit identifier, 0 to 255 (1 for most devices, or the serial address behind a TCP gateway). */
  unit_id: number;
}

/** Options of one Modbus RTU device on a serial bus; the bus carries the line settings. */
export interface ModbusRtuDeviceOptions extends ModbusPollOptions {
  /** Serial address of the device, 1 to 247 (Modbus over Serial Line v1.02 section 2.2). */
  unit_id: number;
}

/** Checks the connection and timing options of a TCP device. Fields are checked when the requests are planned. */
export function validateDeviceOptions(options: ModbusTcpDeviceOptions): void {
  const where = `Modbus device ${options.id}`;
  if (options.host.trim() === '') throw new ModbusConfigError(`${where}: host is empty, set a host name or IP address`);
  checkInteger(where, 'port', options.port, 1, 65535);
  // The unit identifier is one byte of the MBAP header.
  checkInteger(where, 'unit_id', options.unit_id, 0, 255);
  validatePollOptions(options);
}

/** Checks the options of an RTU device: a unicast serial address and the timing options. */
export function validateRtuDeviceOptions(options: ModbusRtuDeviceOptions): void {
  // Address 0 is broadcast and gets no reply, and 248 to 255 are reserved.
  checkInteger(`Modbus device ${options.id}`, 'unit_id', options.unit_id, 1, 247);
  validatePollOptions(options);
}

/** Checks the timing, retry and field options shared by TCP and RTU devices. */
export function validatePollOptions(options: ModbusPollOptions): void {
  const where = `Modbus device ${options.id}`;
  checkInteger(where, 'poll_interval_ms', options.poll_interval_ms, 1, Number.MAX_SAFE_INTEGER);
  if (options.poll_offset_ms !== undefined) {
    checkInteger(where, 'poll_offset_ms', options.poll_offset_ms, 0, options.poll_interval_ms - 1);
  }
  checkInteger(where, 'timeout_ms', options.timeout_ms, 1, Number.MAX_SAFE_INTEGER);
  checkInteger(where, 'retries', options.retries, 0, Number.MAX_SAFE_INTEGER);
  checkInteger(where, 'backoff_max_ms', options.backoff_max_ms, 0, Number.MAX_SAFE_INTEGER);
  if (options.retry_wait_ms !== undefined) {
    checkInteger(where, 'retry_wait_ms', options.retry_wait_ms, 0, Number.MAX_SAFE_INTEGER);
  }
  if (options.fields.length === 0) throw new ModbusConfigError(`${where}: fields is empty, list at least one field`);
}

/** Throws `ModbusConfigError` unless `value` is an integer from `min` to `max`. */
export function checkInteger(where: string, name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ModbusConfigError(`${where}: ${name} ${value} is invalid, use an integer from ${min} to ${max}`);
  }
}
