import { describe, expect, it } from 'vitest';
import { ColdRoomModel } from '../../../firmware-sim/physics/cold-room-model.js';
import { CHILLED_ROOM, type ColdRoomParams, FROZEN_ROOM } from '../../../firmware-sim/physics/cold-room-params.js';

const START_MS = Date.UTC(2026, 6, 15, 0, 0, 0);
const QUIET: Partial<ColdRoomParams> = { door_openings_per_h: 0, defrost_interval_s: 0 };

function quietRoom(params: ColdRoomParams = CHILLED_ROOM): ColdRoomModel {
  const model = new ColdRoomModel({ ...params, ...QUIET }, { start_ms: START_MS });
  model.step(3600);
  return model;
}

describe('ColdRoomModel events', () => {
  it('warms after a compressor failure', () => {
    const model = quietRoom();
    model.setCompressorFailed(true);
    model.step(3600);
    expect(model.state.air_c).toBeGreaterThan(CHILLED_ROOM.setpoint_c + 1.5);
    expect(model.state.compressor_on).toBe(false);
    expect(model.state.fans_on).toBe(true);
  });

  it('cools again after the repair', () => {
    const model = quietRoom();
    model.setCompressorFailed(true);
    model.step(3600);
    model.setCompressorFailed(false);
    model.step(3 * 3600);
    expect(model.state.air_c).toBeLessThan(CHILLED_ROOM.setpoint_c + 1);
  });

  it('uses no energy during a power cut', () => {
    const model = quietRoom();
    model.setPowered(false);
    const before_kwh = model.state.energy_kwh;
    model.step(1800);
    expect(model.state.energy_kwh).toBe(before_kwh);
    expect(model.state.fans_on).toBe(false);
    expect(model.state.air_c).toBeGreaterThan(CHILLED_ROOM.setpoint_c + 0.5);
  });

  it('waits out the off delay after power returns', () => {
    const model = quietRoom();
    model.setPowered(false);
    model.step(1800);
    model.setPowered(true);
    model.step(1);
    expect(model.state.compressor_on).toBe(true);
    model.setPowered(false);
    model.step(1);
    model.setPowered(true);
    model.step(CHILLED_ROOM.min_off_s - 10);
    expect(model.state.compressor_on).toBe(false);
  });

  it('keeps heating while defrost is stuck', () => {
    const model = quietRoom(FROZEN_ROOM);
    model.setDefrostStuck(true);
    model.step(FROZEN_ROOM.defrost_max_s + 1800);
    expect(model.state.phase).toBe('defrost');
    expect(model.state.air_c).toBeGreaterThan(FROZEN_ROOM.setpoint_c + 6);
  });

  it('drips then cools after defrost is released', () => {
    const model = quietRoom(FROZEN_ROOM);
    model.setDefrostStuck(true);
    model.step(600);
    model.setDefrostStuck(false);
    model.step(2);
    expect(model.state.phase).toBe('drip');
    model.step(FROZEN_ROOM.drip_s);
    expect(model.state.phase).toBe('cooling');
  });

  it('mixes a warm product load by mass', () => {
    const model = new ColdRoomModel({ ...CHILLED_ROOM, ...QUIET }, { start_ms: START_MS });
    const capacity = CHILLED_ROOM.product_capacity_j_per_k;
    model.loadProduct(1000, 20, 3600);
    const expected_c = (capacity * CHILLED_ROOM.setpoint_c + 1000 * 3600 * 20) / (capacity + 1000 * 3600);
    expect(model.state.product_c).toBeCloseTo(expected_c, 6);
  });

  it('runs longer in hotter ambient', () => {
    const cool = quietRoom();
    const hot = quietRoom();
    hot.setAmbientOffset(10);
    const cool_start = cool.state.compressor_run_s;
    const hot_start = hot.state.compressor_run_s;
    cool.step(6 * 3600);
    hot.step(6 * 3600);
    expect(hot.state.compressor_run_s - hot_start).toBeGreaterThan(cool.state.compressor_run_s - cool_start);
    expect(hot.state.ambient_c - cool.state.ambient_c).toBeCloseTo(10, 6);
  });

  it('meters compressor, fan and heater energy', () => {
    const model = new ColdRoomModel({ ...CHILLED_ROOM, ...QUIET }, { start_ms: START_MS });
    model.setCompressorFailed(true);
    model.step(3600);
    expect(model.state.energy_kwh).toBeCloseTo(CHILLED_ROOM.fan_power_w / 1000, 6);
  });
});
