/**
 * A value source backed by the cold-room physics model: one `ColdRoomModel` per unit id, advanced to the
 * time of each reply. Odd unit ids simulate a chilled room and even ones a frozen room, each with its own
 * seed, so the units on one bus behave differently but repeatably.
 */
import { ColdRoomModel } from '../physics/cold-room-model.js';
import { CHILLED_ROOM, type ColdRoomParams, FROZEN_ROOM } from '../physics/cold-room-params.js';
import { type ControllerValues, tenths, type ValueSource } from './controller-values.js';

/** Distance from the setpoint, in K, beyond which the simulated controller raises a temperature alarm. */
const ALARM_BAND_K = 5;

/** Returns a value source whose models start at `startMs` (epoch ms) with door-opening seed `seed`. */
export function physicsValues(startMs: number, seed = 1): ValueSource {
  const models = new Map<number, ColdRoomModel>();
  return (unitId, timeMs) => {
    let model = models.get(unitId);
    if (!model) {
      model = new ColdRoomModel(roomParams(unitId), { seed: seed * 1000 + unitId, start_ms: startMs });
      models.set(unitId, model);
    }
    model.advanceTo(timeMs);
    return controllerValues(model.params, model.state);
  };
}

function roomParams(unitId: number): ColdRoomParams {
  return unitId % 2 === 1 ? CHILLED_ROOM : FROZEN_ROOM;
}

function controllerValues(params: ColdRoomParams, state: ColdRoomModel['state']): ControllerValues {
  const air = tenths(state.air_c);
  return {
    air_temp_c: air,
    evap_temp_c: tenths(state.evaporator_c),
    product_temp_c: tenths(state.product_c),
    compressor_power_kw: Math.fround(state.compressor_power_kw),
    compressor_run_s: Math.floor(state.compressor_run_s),
    setpoint_c: tenths(params.setpoint_c),
    differential_c: tenths(params.differential_k),
    compressor_on: state.compressor_on,
    defrost_on: state.phase === 'defrost',
    fans_on: state.fans_on,
    door_open: state.door_open,
    high_temp_alarm: air > params.setpoint_c + ALARM_BAND_K,
    low_temp_alarm: air < params.setpoint_c - ALARM_BAND_K,
    probe_alarm: false,
  };
}
