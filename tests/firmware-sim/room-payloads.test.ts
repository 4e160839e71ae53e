import { describe, expect, it } from 'vitest';
import {
  encodeCelsiusPayload,
  encodeFahrenheitPayload,
  type RoomMeasurement,
} from '../../firmware-sim/room-payloads.js';

const TS_MS = Date.UTC(2026, 11, 4, 16, 0, 0);
const MEASUREMENT: RoomMeasurement = { temp_c: 3.2049, rh_pct: 85.06, door_open: true, battery_pct: 91.6 };

describe('room-payloads', () => {
  it('encodes the celsius dialect', () => {
    expect(JSON.parse(encodeCelsiusPayload(12, TS_MS, MEASUREMENT, null))).toEqual({
      seq: 12,
      ts: TS_MS,
      temp_c: 3.2,
      rh_pct: 85.1,
      door_open: true,
      battery_pct: 92,
    });
  });

  it('encodes the fahrenheit dialect', () => {
    expect(JSON.parse(encodeFahrenheitPayload(12, TS_MS, { ...MEASUREMENT, temp_c: 3.2 }, null))).toEqual({
      seq: 12,
      time: '2026-12-04T16:00:00.000Z',
      temperature_f: 37.76,
      humidity: 85.1,
      door: 1,
    });
  });

  it('sends -127 for a celsius probe fault', () => {
    expect(JSON.parse(encodeCelsiusPayload(1, TS_MS, MEASUREMENT, 'probe_fault')).temp_c).toBe(-127);
    expect(JSON.parse(encodeCelsiusPayload(1, TS_MS, MEASUREMENT, 'probe_disconnected')).temp_c).toBe(-127);
  });

  it('sends 0x7FFF hundredths for a fahrenheit probe fault', () => {
    expect(JSON.parse(encodeFahrenheitPayload(1, TS_MS, MEASUREMENT, 'probe_fault')).temperature_f).toBe(327.67);
    expect(JSON.parse(encodeFahrenheitPayload(1, TS_MS, MEASUREMENT, 'probe_disconnected')).temperature_f).toBe(
      -327.68,
    );
  });

  it('writes a bare NaN when malformed', () => {
    const celsius = encodeCelsiusPayload(4, TS_MS, MEASUREMENT, 'malformed');
    const fahrenheit = encodeFahrenheitPayload(4, TS_MS, MEASUREMENT, 'malformed');
    expect(celsius).toContain('"temp_c":NaN');
    expect(fahrenheit).toContain('"temperature_f":NaN');
    expect(() => JSON.parse(celsius)).toThrow(SyntaxError);
    expect(() => JSON.parse(fahrenheit)).toThrow(SyntaxError);
  });
});
