import type { Fault } from './faults.js';
import { encodeJsonWithBareNaN, roundTo } from './json-encoding.js';
import { encodeChirpstackUplink, encodeTtsUplink, type LorawanIdentity } from './lorawan-payloads.js';

/**
 * Payload dialect of a room sensor node: `celsius` (epoch-ms stamps), `fahrenheit` (ISO 8601 stamps), or
 * a LoRaWAN node behind a ChirpStack v4 or The Things Stack v3 network server.
 */
export type RoomDialect = 'celsius' | 'fahrenheit' | 'chirpstack_v4' | 'tts_v3';

/** Values the node measured, before encoding. */
export interface RoomMeasurement {
  temp_c: number;
  rh_pct: number;
  door_open: boolean;
  battery_pct: number;
}

/** Value a DS18B20-style probe library reports for a failed or missing probe, °C. */
export const PROBE_FAULT_C = -127;
/** 0x7FFF × 0.01: the int16 maximum in hundredths, the other vendor's "probe fault" value, °F. */
export const PROBE_FAULT_F = 327.67;
/** 0x8000 × 0.01 as int16: the other vendor's "probe disconnected" value, °F. */
export const PROBE_DISCONNECTED_F = -327.68;

function celsiusToFahrenheit(temp_c: number): number {
  return (temp_c * 9) / 5 + 32;
}

/**
 * Encodes the celsius dialect:
 * `{"seq":12,"ts":1764864000000,"temp_c":3.2,"rh_pct":85.1,"door_open":false,"battery_pct":92}`.
 */
export function encodeCelsiusPayload(seq: number, ts_ms: number, m: RoomMeasurement, fault: Fault | null): string {
  const probe_failed = fault === 'probe_fault' || fault === 'probe_disconnected';
  const payload = {
    seq,
    ts: ts_ms,
    temp_c: probe_failed ? PROBE_FAULT_C : roundTo(m.temp_c, 1),
    rh_pct: roundTo(m.rh_pct, 1),
    door_open: m.door_open,
    battery_pct: Math.round(m.battery_pct),
  };
  if (fault === 'malformed') return encodeJsonWithBareNaN({ ...payload, temp_c: null }, 'temp_c');
  return JSON.stringify(payload);
}

/**
 * Encodes the fahrenheit dialect:
 * `{"seq":12,"time":"2026-12-04T16:00:00.000Z","temperature_f":37.76,"humidity":85.1,"door":0}`.
 */
export function encodeFahrenheitPayload(seq: number, ts_ms: number, m: RoomMeasurement, fault: Fault | null): string {
  let temperature_f = roundTo(celsiusToFahrenheit(m.temp_c), 2);
  if (fault === 'probe_fault') temperature_f = PROBE_FAULT_F;
  if (fault === 'probe_disconnected') temperature_f = PROBE_DISCONNECTED_F;
  const payload = {
    seq,
    time: new Date(ts_ms).toISOString(),
    temperature_f,
    humidity: roundTo(m.rh_pct, 1),
    door: m.door_open ? 1 : 0,
  };
  if (fault === 'malformed') return encodeJsonWithBareNaN({ ...payload, temperature_f: null }, 'temperature_f');
  return JSON.stringify(payload);
}

/** Encodes one room measurement in `dialect`; `identity` names the device on a LoRaWAN network server. */
export function encodeRoomPayload(
  dialect: RoomDialect,
  seq: number,
  ts_ms: number,
  m: RoomMeasurement,
  fault: Fault | null,
  identity: LorawanIdentity,
): string {
  if (dialect === 'fahrenheit') return encodeFahrenheitPayload(seq, ts_ms, m, fault);
  if (dialect === 'chirpstack_v4') return encodeChirpstackUplink(identity, seq, ts_ms, m, fault);
  if (dialect === 'tts_v3') return encodeTtsUplink(identity, seq, ts_ms, m, fault);
  return encodeCelsiusPayload(seq, ts_ms, m, fault);
}
