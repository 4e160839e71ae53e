import type { ColdRoomParams } from './cold-room-params.js';

const MS_PER_HOUR = 3_600_000;

/** Computes the ambient temperature at `time_ms` as a daily sine around the mean, peaking at the peak hour. */
export function ambientTemperatureC(params: ColdRoomParams, time_ms: number): number {
  const local_hour = (((time_ms / MS_PER_HOUR + params.utc_offset_h) % 24) + 24) % 24;
  const phase = ((local_hour - params.ambient_peak_hour) / 24) * 2 * Math.PI;
  return params.ambient_mean_c + params.ambient_amplitude_k * Math.cos(phase);
}
