/**
 * Typed errors of the Modbus driver. Each has a stable `code` for counters and alarms, and a message that
 * names the bad value and what to do about it.
 */

/**
 * Names of the standard exception codes, per Modbus Application Protocol Specification v1.1b3 section 7.
 */
export const EXCEPTION_NAMES: Readonly<Record<number, string>> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  5: 'acknowledge',
  6: 'server device busy',
  8: 'memory parity error',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

/** Exception code 6: the server is busy and the request may be sent again later. */
export const EXCEPTION_SERVER_BUSY = 6;
/** Exception code 10: a gateway has no path to the target unit (misconfigured or overloaded gateway). */
export const EXCEPTION_GATEWAY_PATH_UNAVAILABLE = 10;
/** Exception code 11: a gateway sent the request on but the target unit did not respond. */
export const EXCEPTION_GATEWAY_TARGET_FAILED = 11;

/** Returns the standard name of an exception code, or `unknown exception` for codes the specification does not list. */
export function exceptionName(exceptionCode: number): string {
  return EXCEPTION_NAMES[exceptionCode] ?? 'unknown exception';
}

/** Length of an RTU read request frame: unit id, function code, address, quantity and CRC. */
const RTU_READ_REQUEST_BYTES = 8;

/** Unit, function code and address range of a request. */
export interface RequestTarget {
  unit_id: number;
  function_code: number;
  /** Zero-based protocol address of the first register or bit requested. */
  address: number;
  quantity: number;
}

/** Exception response from the device. The device is reachable, but the request failed. */
export class ModbusExceptionError extends Error {
  readonly code = 'MODBUS_EXCEPTION';
  readonly unit_id: number;
  readonly function_code: number;
  readonly address: number;
  readonly quantity: number;
  readonly exception_code: number;
  readonly exception_name: string;

  constructor(target: RequestTarget, exceptionCode: number) {
    const name = exceptionName(exceptionCode);
    super(
      `Modbus exception ${exceptionCode} (${name}) from unit ${target.unit_id} for function code ` +
        `${target.function_code}, address ${target.address}, quantity ${target.quantity}: ` +
        exceptionAdvice(exceptionCode, target),
    );
    this.name = 'ModbusExceptionError';
    this.unit_id = target.unit_id;
    this.function_code = target.function_code;
    this.address = target.address;
    this.quantity = target.quantity;
    this.exception_code = exceptionCode;
    this.exception_name = name;
  }
}

/**
 * First register number of the manuals' 1-based numbering (30001 for input registers, 40001 for holding
 * registers) by function code. The protocol address of register 30001 or 40001 is 0.
 */
const REGISTER_NUMBER_BASES: Readonly<Record<number, number>> = { 3: 40001, 4: 30001 };

/** Returns a note for an address that looks like a manual's register number instead of a zero-based protocol address. */
function referenceNumberHint(target: RequestTarget): string {
  const base = REGISTER_NUMBER_BASES[target.function_code];
  if (base === undefined || target.address < base || target.address >= base + 9999) return '';
  return (
    `; address ${target.address} looks like the manual's register number, whose protocol address is ` +
    `${target.address - base} (the number minus ${base})`
  );
}

function exceptionAdvice(exceptionCode: number, target: RequestTarget): string {
  switch (exceptionCode) {
    case 1:
      return 'the device does not support this function code, check the field table';
    case 2:
      return `check the field addresses against the device register map${referenceNumberHint(target)}`;
    case 3:
      return 'check the request quantity against the device manual';
    case 5:
    case 6:
      return 'the device is busy, raise retries or the poll interval';
    case 10:
      return 'check the gateway routing and the unit id';
    case 11:
      return 'the device behind the gateway did not respond, check its power, wiring and unit id';
    default:
      return 'check the device';
  }
}

/** Bytes an RTU line delivered while a request waited in vain, a sign of bad framing rather than a dead unit. */
export interface LineActivity {
  /** Bytes received after the request, echoes of it included. */
  bytes: number;
  /** Reply candidates for this unit and function code whose CRC did not match. */
  crc_errors: number;
  /** Copies of the request sent back by an echoing adapter. */
  echoes: number;
}

/** Advice for a timeout, from what the line delivered meanwhile. */
function timeoutAdvice(activity: LineActivity | undefined, requestBytes: number): string {
  const foreignBytes = activity === undefined ? 0 : activity.bytes - activity.echoes * requestBytes;
  if (activity === undefined || foreignBytes <= 0) {
    const echoOnly = activity !== undefined && activity.echoes > 0 ? ' (only the echo of the request came back)' : '';
    return `${echoOnly}: check that the device is powered and reachable, or raise timeout_ms`;
  }
  const frames = activity.crc_errors === 1 ? 'frame' : 'frames';
  const crc = activity.crc_errors > 0 ? `, among them ${activity.crc_errors} ${frames} with a bad CRC` : '';
  return (
    `, while ${foreignBytes} bytes arrived that formed no valid reply${crc}: check the baud rate, parity and ` +
    'wiring, that the unit id and register count match the device, and that no second master drives the line'
  );
}

/** No response arrived within the request timeout. */
export class ModbusTimeoutError extends Error {
  readonly code = 'MODBUS_TIMEOUT';
  readonly unit_id: number;
  readonly function_code: number;
  readonly address: number;
  readonly quantity: number;
  readonly timeout_ms: number;
  /** Bytes the RTU line delivered meanwhile; undefined for Modbus TCP. */
  readonly line_activity: LineActivity | undefined;

  constructor(target: RequestTarget, timeoutMs: number, activity?: LineActivity) {
    super(
      `Modbus request to unit ${target.unit_id} (function code ${target.function_code}, address ${target.address}, ` +
        `quantity ${target.quantity}) timed out after ${timeoutMs} ms${timeoutAdvice(activity, RTU_READ_REQUEST_BYTES)}`,
    );
    this.name = 'ModbusTimeoutError';
    this.line_activity = activity;
    this.unit_id = target.unit_id;
    this.function_code = target.function_code;
    this.address = target.address;
    this.quantity = target.quantity;
    this.timeout_ms = timeoutMs;
  }
}

/** The TCP connection to the device failed or closed. */
export class ModbusConnectionError extends Error {
  readonly code = 'MODBUS_CONNECTION_FAILED';

  constructor(host: string, port: number, cause: string) {
    super(`Modbus TCP connection to ${host}:${port} failed: ${cause}; check the address and that the device listens`);
    this.name = 'ModbusConnectionError';
  }
}

/** The serial port of an RTU bus could not be opened, or closed while in use. */
export class ModbusSerialError extends Error {
  readonly code = 'MODBUS_SERIAL_PORT_FAILED';

  constructor(path: string, cause: string) {
    super(
      `Modbus RTU serial port ${path} failed: ${cause}; check the path, its permissions and that no other program holds it`,
    );
    this.name = 'ModbusSerialError';
  }
}

/** A field table or option that cannot be read as configured. */
export class ModbusConfigError extends Error {
  readonly code = 'MODBUS_CONFIG_INVALID';

  constructor(message: string) {
    super(message);
    this.name = 'ModbusConfigError';
  }
}

/**
 * A reply frame that is malformed: bad CRC, wrong length or an unexpected function code. With the request's
 * target, the message ends with the request that the reply belongs to.
 */
export class ModbusFrameError extends Error {
  readonly code = 'MODBUS_FRAME_INVALID';
  readonly target: RequestTarget | undefined;

  constructor(message: string, target?: RequestTarget) {
    super(
      target === undefined
        ? message
        : `${message} (reply to unit ${target.unit_id}, function code ${target.function_code}, ` +
            `address ${target.address}, quantity ${target.quantity})`,
    );
    this.name = 'ModbusFrameError';
    this.target = target;
  }
}
