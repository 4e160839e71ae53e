/**
 * Serial line settings of a Modbus RTU bus and the character timing they imply (Modbus over Serial Line
 * Specification and Implementation Guide v1.02 sections 2.5.1 and 2.5.1.1).
 */
import { checkInteger } from './device-options.js';
import { ModbusConfigError } from './errors.js';

export type Parity = 'none' | 'even' | 'odd';

/** Line settings shared by every device on one RS-485 bus. */
export interface RtuLineSettings {
  /** Serial device path, such as /dev/ttyUSB0 or /dev/serial/by-id/... */
  path: string;
  /** Bits per second, usually 9600 or 19200 (the specification's default is 19200). */
  baud_rate: number;
  /** Parity bit. Default `even`, the specification's default; many controllers ship with `none`. */
  parity?: Parity;
  /** Data bits per character. RTU carries 8-bit bytes, so only 8 is accepted. Default 8. */
  data_bits?: 8;
  /** Stop bits, 1 or 2. Default 1. The specification requires 2 when there is no parity bit. */
  stop_bits?: 1 | 2;
  /** Silence between the end of one reply or timeout and the next request, in milliseconds. Default: 3.5 characters, at least 2 ms. */
  inter_request_delay_ms?: number;
}

/** Line settings with every default filled in. */
export type ResolvedLineSettings = Required<RtuLineSettings>;

/** Bits per character on the wire: start bit, 8 data bits, parity bit if any, stop bits. */
export function bitsPerCharacter(settings: Pick<ResolvedLineSettings, 'parity' | 'stop_bits'>): number {
  return 1 + 8 + (settings.parity === 'none' ? 0 : 1) + settings.stop_bits;
}

/**
 * Returns the 3.5-character silence that separates frames, in milliseconds. Above 19200 baud the specification
 * fixes it at 1.75 ms (section 2.5.1.1).
 */
export function silentIntervalMs(settings: Pick<ResolvedLineSettings, 'baud_rate' | 'parity' | 'stop_bits'>): number {
  if (settings.baud_rate > 19200) return 1.75;
  return (3.5 * bitsPerCharacter(settings) * 1000) / settings.baud_rate;
}

/** Time the line needs to carry `bytes` characters, in milliseconds. */
export function transmitTimeMs(bytes: number, settings: ResolvedLineSettings): number {
  return (bytes * bitsPerCharacter(settings) * 1000) / settings.baud_rate;
}

/** Checks the settings and fills in the defaults. Throws `ModbusConfigError` naming the bad value. */
export function resolveLineSettings(settings: RtuLineSettings): ResolvedLineSettings {
  const where = `Modbus RTU bus ${settings.path}`;
  if (settings.path.trim() === '') throw new ModbusConfigError(`${where}: path is empty, set the serial device path`);
  checkInteger(where, 'baud_rate', settings.baud_rate, 300, 4_000_000);
  const parity = settings.parity ?? 'even';
  if (!['none', 'even', 'odd'].includes(parity)) {
    throw new ModbusConfigError(`${where}: parity ${parity} is invalid, use none, even or odd`);
  }
  const dataBits = settings.data_bits ?? 8;
  if (dataBits !== 8) {
    throw new ModbusConfigError(`${where}: data_bits ${dataBits} is invalid, RTU framing needs 8 data bits`);
  }
  const stopBits = settings.stop_bits ?? 1;
  if (stopBits !== 1 && stopBits !== 2) {
    throw new ModbusConfigError(`${where}: stop_bits ${stopBits} is invalid, use 1 or 2`);
  }
  const silence = silentIntervalMs({ baud_rate: settings.baud_rate, parity, stop_bits: stopBits });
  const delay = settings.inter_request_delay_ms ?? Math.max(2, Math.ceil(silence));
  checkInteger(where, 'inter_request_delay_ms', delay, 0, 60_000);
  return {
    path: settings.path,
    baud_rate: settings.baud_rate,
    parity,
    data_bits: 8,
    stop_bits: stopBits,
    inter_request_delay_ms: delay,
  };
}
