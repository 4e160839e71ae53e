import { ColdRoomModel, type ColdRoomState } from './cold-room-model.js';
import type { ColdRoomParams } from './cold-room-params.js';

/** Time after a defrost ends before the air counts as steady again, ms. */
const AFTER_DEFROST_MS = 45 * 60_000;
/** Time after the door closes before the air counts as steady again, ms. */
const AFTER_DOOR_MS = 15 * 60_000;
const MS_PER_DAY = 86_400_000;

/** Energy use and temperature swing of one room over a stretch of simulated time. */
export interface RoomMetrics {
  /** Electrical energy of compressor, fans and heater, kWh. */
  energy_kwh: number;
  /** That energy per m³ of room per day, kWh/(m³·d). */
  energy_kwh_per_m3_day: number;
  /** Highest minus lowest air temperature while the thermostat held the room undisturbed, K; null without such time. */
  swing_k: number | null;
  /** Simulated time measured, h. */
  hours: number;
}

/**
 * Measures a room from the states it passes through: energy from the model's meter, and the swing of the
 * air over steady stretches only. Steady means cooling, powered and compressor healthy, at least 45 min
 * after a defrost, 15 min after the door, and outside windows passed to `disturb`.
 */
export class RoomMeter {
  private first: ColdRoomState | undefined;
  private last: ColdRoomState | undefined;
  private unsteady_until_ms = Number.NEGATIVE_INFINITY;
  private min_c = Number.POSITIVE_INFINITY;
  private max_c = Number.NEGATIVE_INFINITY;

  constructor(private readonly volume_m3: number) {}

  /** Excludes the time up to `until_ms` from the swing (a product load, a fault being injected). */
  disturb(until_ms: number): void {
    this.unsteady_until_ms = Math.max(this.unsteady_until_ms, until_ms);
  }

  /** Takes one state; call it at regular simulated intervals. */
  sample(state: ColdRoomState): void {
    this.first ??= state;
    this.last = state;
    if (state.phase !== 'cooling') this.disturb(state.time_ms + AFTER_DEFROST_MS);
    if (state.door_open) this.disturb(state.time_ms + AFTER_DOOR_MS);
    if (!state.powered || state.compressor_failed) this.disturb(state.time_ms + AFTER_DEFROST_MS);
    if (state.time_ms < this.unsteady_until_ms) return;
    this.min_c = Math.min(this.min_c, state.air_c);
    this.max_c = Math.max(this.max_c, state.air_c);
  }

  metrics(): RoomMetrics {
    const first = this.first;
    const last = this.last;
    const span_ms = first && last ? last.time_ms - first.time_ms : 0;
    const energy_kwh = first && last ? last.energy_kwh - first.energy_kwh : 0;
    return {
      energy_kwh,
      energy_kwh_per_m3_day: span_ms > 0 ? (energy_kwh / this.volume_m3) * (MS_PER_DAY / span_ms) : 0,
      swing_k: this.max_c >= this.min_c ? this.max_c - this.min_c : null,
      hours: span_ms / 3_600_000,
    };
  }
}

/**
 * Runs a room with `params` offline for one simulated day from `start_ms`, sampled every 10 s, and
 * returns its metrics. It takes milliseconds, so a short live run can still report a whole day.
 */
export function measureRoomDay(params: ColdRoomParams, volume_m3: number, seed: number, start_ms: number): RoomMetrics {
  const model = new ColdRoomModel(params, { seed, start_ms });
  const meter = new RoomMeter(volume_m3);
  meter.sample(model.state);
  for (let elapsed_s = 0; elapsed_s < 86_400; elapsed_s += 10) {
    model.step(10);
    meter.sample(model.state);
  }
  return meter.metrics();
}
