import { describe, expect, it } from 'vitest';
import { ColdRoomModel, type ColdRoomState } from '../../../firmware-sim/physics/cold-room-model.js';
import { CHILLED_ROOM, type ColdRoomParams, FROZEN_ROOM } from '../../../firmware-sim/physics/cold-room-params.js';

const START_MS = Date.UTC(2026, 11, 4, 0, 0, 0);
const QUIET: Partial<ColdRoomParams> = { door_openings_per_h: 0, defrost_interval_s: 0 };

/** Steps `model` for `duration_s` in `dt_s` steps and returns every state. */
function run(model: ColdRoomModel, duration_s: number, dt_s = 10): ColdRoomState[] {
  const states: ColdRoomState[] = [];
  for (let t = 0; t < duration_s; t += dt_s) {
    model.step(dt_s);
    states.push(model.state);
  }
  return states;
}

describe('ColdRoomModel', () => {
  it('pulls empty room air down from 20 °C', () => {
    const model = new ColdRoomModel(
      { ...CHILLED_ROOM, ...QUIET },
      { start_ms: START_MS, initial_c: 20, initial_product_c: CHILLED_ROOM.setpoint_c },
    );
    run(model, 2 * 3600);
    expect(model.state.air_c).toBeLessThan(CHILLED_ROOM.setpoint_c + CHILLED_ROOM.differential_k);
  });

  it('cools warm product slowly', () => {
    const model = new ColdRoomModel({ ...CHILLED_ROOM, ...QUIET }, { start_ms: START_MS, initial_c: 20 });
    run(model, 4 * 3600);
    expect(model.state.product_c).toBeLessThan(20);
    expect(model.state.product_c).toBeGreaterThan(10);
  });

  it('keeps air within setpoint ± differential after pull-down', () => {
    for (const params of [CHILLED_ROOM, FROZEN_ROOM]) {
      const model = new ColdRoomModel(
        { ...params, ...QUIET },
        { start_ms: START_MS, initial_c: params.setpoint_c + 8 },
      );
      const states = run(model, 12 * 3600).slice((4 * 3600) / 10);
      const air = states.map((s) => s.air_c);
      expect(Math.min(...air)).toBeGreaterThan(params.setpoint_c - params.differential_k);
      expect(Math.max(...air)).toBeLessThan(params.setpoint_c + params.differential_k);
    }
  });

  it('cycles the compressor a few times per hour', () => {
    const model = new ColdRoomModel({ ...CHILLED_ROOM, ...QUIET }, { start_ms: START_MS });
    const states = run(model, 6 * 3600);
    let starts = 0;
    for (let i = 1; i < states.length; i++) {
      if (states[i]!.compressor_on && !states[i - 1]!.compressor_on) starts++;
    }
    expect(starts / 6).toBeGreaterThanOrEqual(1);
    expect(starts / 6).toBeLessThanOrEqual(8);
  });

  it('swings air by a few tenths of a kelvin', () => {
    const model = new ColdRoomModel({ ...CHILLED_ROOM, ...QUIET }, { start_ms: START_MS });
    const air = run(model, 6 * 3600).map((s) => s.air_c);
    const swing = Math.max(...air) - Math.min(...air);
    expect(swing).toBeGreaterThan(0.2);
    expect(swing).toBeLessThan(1.5);
  });

  it('defrost raises air 2-6 K then recovers', () => {
    for (const params of [CHILLED_ROOM, FROZEN_ROOM]) {
      const model = new ColdRoomModel(
        { ...params, door_openings_per_h: 0 },
        { start_ms: START_MS, first_defrost_s: 3 * 3600 },
      );
      const before = run(model, 3 * 3600);
      const during = run(model, 3600);
      const after = run(model, 3600);
      const base_c = before.at(-1)!.air_c;
      const peak_c = Math.max(...during.map((s) => s.air_c));
      expect(during.some((s) => s.phase === 'defrost')).toBe(true);
      expect(peak_c - base_c).toBeGreaterThan(2);
      expect(peak_c - base_c).toBeLessThan(6);
      expect(after.at(-1)!.phase).toBe('cooling');
      expect(Math.abs(after.at(-1)!.air_c - params.setpoint_c)).toBeLessThan(params.differential_k);
    }
  });

  it('stops compressor and fans during defrost', () => {
    const model = new ColdRoomModel(
      { ...CHILLED_ROOM, ...QUIET, defrost_interval_s: 6 * 3600 },
      { first_defrost_s: 60 },
    );
    const defrosting = run(model, 600).filter((s) => s.phase === 'defrost');
    expect(defrosting.length).toBeGreaterThan(0);
    expect(defrosting.every((s) => !s.compressor_on)).toBe(true);
    expect(defrosting.every((s) => !s.fans_on)).toBe(true);
  });

  it('warms air when the door opens', () => {
    const model = new ColdRoomModel({ ...CHILLED_ROOM, ...QUIET }, { start_ms: START_MS });
    run(model, 3600);
    const before_c = model.state.air_c;
    model.openDoor(60);
    expect(model.state.door_open).toBe(true);
    run(model, 60, 1);
    expect(model.state.air_c - before_c).toBeGreaterThan(0.5);
    run(model, 10, 1);
    expect(model.state.door_open).toBe(false);
  });

  it('opens the door at random when asked to', () => {
    const model = new ColdRoomModel({ ...CHILLED_ROOM, defrost_interval_s: 0, door_openings_per_h: 4 }, { seed: 3 });
    const states = run(model, 3 * 3600, 5);
    expect(states.some((s) => s.door_open)).toBe(true);
  });

  it('runs the compressor longer in hotter ambient', () => {
    const duty = (ambient_mean_c: number): number => {
      const model = new ColdRoomModel({ ...CHILLED_ROOM, ...QUIET, ambient_mean_c, ambient_amplitude_k: 0 });
      const states = run(model, 12 * 3600);
      return states.filter((s) => s.compressor_on).length / states.length;
    };
    expect(duty(35)).toBeGreaterThan(duty(20) + 0.1);
  });

  it('draws less power per run in cooler ambient', () => {
    const power = (ambient_mean_c: number): number => {
      const model = new ColdRoomModel(
        { ...CHILLED_ROOM, ...QUIET, ambient_mean_c, ambient_amplitude_k: 0 },
        { initial_c: 10 },
      );
      model.step(10);
      return model.state.compressor_power_kw;
    };
    expect(power(20)).toBeGreaterThan(0);
    expect(power(35)).toBeGreaterThan(power(20));
  });

  it('follows a setpoint change', () => {
    const model = new ColdRoomModel({ ...CHILLED_ROOM, ...QUIET }, { start_ms: START_MS });
    model.setSetpoint(-2);
    run(model, 6 * 3600);
    expect(Math.abs(model.state.air_c - -2)).toBeLessThan(CHILLED_ROOM.differential_k);
  });

  it('is deterministic for a seed', () => {
    const trace = (seed: number) =>
      run(new ColdRoomModel({ ...CHILLED_ROOM, door_openings_per_h: 6 }, { seed, start_ms: START_MS }), 8 * 3600).map(
        (s) => s.air_c,
      );
    expect(trace(42)).toEqual(trace(42));
    expect(trace(42)).not.toEqual(trace(43));
  });

  it('advances time in integer milliseconds', () => {
    const model = new ColdRoomModel(CHILLED_ROOM, { start_ms: START_MS });
    model.step(0.3333);
    expect(Number.isInteger(model.state.time_ms)).toBe(true);
    expect(model.state.time_ms).toBe(START_MS + 333);
  });

  it('keeps the compressor off while refrigeration is disabled', () => {
    const model = new ColdRoomModel({ ...CHILLED_ROOM, ...QUIET }, { initial_c: 10 });
    model.setRefrigerationEnabled(false);
    const states = run(model, 1800);
    expect(states.every((s) => !s.compressor_on)).toBe(true);
  });
});
