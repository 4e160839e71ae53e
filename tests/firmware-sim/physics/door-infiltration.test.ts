import { describe, expect, it } from 'vitest';
import { CHILLED_ROOM } from '../../../firmware-sim/physics/cold-room-params.js';
import { airDensityKgPerM3, doorInfiltrationW } from '../../../firmware-sim/physics/door-infiltration.js';

describe('doorInfiltrationW', () => {
  it('computes air density at sea level', () => {
    expect(airDensityKgPerM3(0)).toBeCloseTo(1.2922, 3);
  });

  it('loads a 1 × 2 m door about 19 kW', () => {
    // Hand calculation at 2 °C inside and 30 °C outside: ρr = 1.2829, ρa = 1.1644 kg/m³,
    // ṁ = 0.4 · 1 · √(2 · 9.81 · ρr · ρa · 0.1185 · 2³ / 9.7815) = 0.674 kg/s, × 1005 J/kgK × 28 K = 18.97 kW.
    expect(doorInfiltrationW(CHILLED_ROOM, 2, 30)).toBeCloseTo(18_970, -1);
  });

  it('is zero without a temperature difference', () => {
    expect(doorInfiltrationW(CHILLED_ROOM, 5, 5)).toBe(0);
  });

  it('scales with the door flow factor', () => {
    const open = doorInfiltrationW(CHILLED_ROOM, 2, 30);
    const curtain = doorInfiltrationW({ ...CHILLED_ROOM, door_flow_factor: 0.6 }, 2, 30);
    expect(curtain / open).toBeCloseTo(0.6, 6);
  });
});
