import type { Fault } from './faults.js';
import { encodeJsonWithBareNaN, roundTo } from './json-encoding.js';
import type { RouteState } from './physics/route.js';
import { PROBE_FAULT_C } from './room-payloads.js';

/** One compartment's reading, before encoding. */
export interface CompartmentMeasurement {
  id: string;
  temp_c: number;
  setpoint_c: number;
}

/** Everything one telemetry message carries, before encoding. */
export interface TruckMeasurement {
  unit_on: boolean;
  route: RouteState;
  compartments: CompartmentMeasurement[];
}

/**
 * Encodes the telematics payload: `{"seq":5,"ts":1764864000000,"unit_on":true,"door_open":false,"lat":30.6598,
 * "lon":104.0633,"speed_kmh":42.5,"compartments":[{"id":"front","temp_c":-18.2,"setpoint_c":-18}, ...]}`.
 * Probe faults set every compartment's `temp_c` to -127; `malformed` writes the first one as a bare NaN.
 */
export function encodeTruckPayload(seq: number, ts_ms: number, m: TruckMeasurement, fault: Fault | null): string {
  const probe_failed = fault === 'probe_fault' || fault === 'probe_disconnected';
  const compartments = m.compartments.map((compartment, index) => {
    let temp_c: number | null = roundTo(compartment.temp_c, 1);
    if (probe_failed) temp_c = PROBE_FAULT_C;
    if (fault === 'malformed' && index === 0) temp_c = null;
    return { id: compartment.id, temp_c, setpoint_c: roundTo(compartment.setpoint_c, 1) };
  });
  const payload = {
    seq,
    ts: ts_ms,
    unit_on: m.unit_on,
    door_open: m.route.door_open,
    lat: roundTo(m.route.lat, 5),
    lon: roundTo(m.route.lon, 5),
    speed_kmh: roundTo(m.route.speed_kmh, 1),
    compartments,
  };
  if (fault === 'malformed') return encodeJsonWithBareNaN(payload, 'temp_c');
  return JSON.stringify(payload);
}
