import { describe, expect, it } from 'vitest';
import { ColdRoomModel } from '../../../firmware-sim/physics/cold-room-model.js';
import { CHILLED_ROOM, FROZEN_ROOM } from '../../../firmware-sim/physics/cold-room-params.js';
import { measureRoomDay, RoomMeter } from '../../../firmware-sim/physics/room-meter.js';

const START_MS = Date.parse('2026-07-15T00:00:00+08:00');
/** Documented range of energy use per m³ per day for small rooms (docs/simulation.md). */
const ENERGY_RANGE = { min: 0.08, max: 1.0 };

describe('RoomMeter', () => {
  it('keeps default rooms in the energy range', () => {
    for (const params of [CHILLED_ROOM, FROZEN_ROOM]) {
      const day = measureRoomDay(params, 60, 7, START_MS);
      expect(day.energy_kwh_per_m3_day).toBeGreaterThan(ENERGY_RANGE.min);
      expect(day.energy_kwh_per_m3_day).toBeLessThan(ENERGY_RANGE.max);
    }
  });

  it('keeps the swing near the differential', () => {
    for (const params of [CHILLED_ROOM, FROZEN_ROOM]) {
      const day = measureRoomDay(params, 60, 7, START_MS);
      expect(day.swing_k).toBeGreaterThan(0.8 * params.differential_k);
      expect(day.swing_k).toBeLessThan(params.differential_k + 1);
    }
  });

  it('spends more energy on a frozen room', () => {
    const chilled = measureRoomDay(CHILLED_ROOM, 60, 7, START_MS);
    const frozen = measureRoomDay(FROZEN_ROOM, 60, 7, START_MS);
    expect(frozen.energy_kwh_per_m3_day).toBeGreaterThan(chilled.energy_kwh_per_m3_day);
  });

  it('leaves disturbed time out of the swing', () => {
    const model = new ColdRoomModel(
      { ...CHILLED_ROOM, door_openings_per_h: 0, defrost_interval_s: 0 },
      { start_ms: START_MS },
    );
    const meter = new RoomMeter(60);
    model.step(3600);
    meter.disturb(model.state.time_ms + 3 * 3600_000);
    model.setCompressorFailed(true);
    for (let i = 0; i < 60; i++) {
      model.step(60);
      meter.sample(model.state);
    }
    expect(meter.metrics().swing_k).toBeNull();
    expect(meter.metrics().hours).toBeCloseTo(59 / 60, 6);
  });
});
