import { measureRoomDay, type RoomMetrics } from '../physics/room-meter.js';
import type { SimRoom } from './site-devices.js';

/** Documented range of energy use of a small cold room, kWh/(m³·d) (docs/simulation.md gives the sources). */
export const ENERGY_RANGE_KWH_PER_M3_DAY = { min: 0.08, max: 1.0 } as const;

/** Energy and swing of one room, over the run and over one offline day, with the documented ranges. */
export interface RoomReport {
  room: string;
  volume_m3: number;
  run: RoomMetrics;
  day: RoomMetrics;
  energy_range: { min: number; max: number };
  swing_range_k: { min: number; max: number };
  /** True when the day's energy and swing sit within their ranges. */
  in_range: boolean;
}

/** Returns the documented swing range for a thermostat differential, K. */
export function swingRangeK(differential_k: number): { min: number; max: number } {
  return { min: 0.8 * differential_k, max: differential_k + 1 };
}

/** Reports one room: the live run's meter, plus one day measured offline from the run's start. */
export function roomReport(id: string, room: SimRoom, start_ms: number): RoomReport {
  const day = measureRoomDay(room.params, room.spec.volume_m3, room.seed, start_ms);
  const swing_range_k = swingRangeK(room.params.differential_k);
  const energy_ok =
    day.energy_kwh_per_m3_day >= ENERGY_RANGE_KWH_PER_M3_DAY.min &&
    day.energy_kwh_per_m3_day <= ENERGY_RANGE_KWH_PER_M3_DAY.max;
  const swing_ok = day.swing_k !== null && day.swing_k >= swing_range_k.min && day.swing_k <= swing_range_k.max;
  return {
    room: id,
    volume_m3: room.spec.volume_m3,
    run: room.meter.metrics(),
    day,
    energy_range: { ...ENERGY_RANGE_KWH_PER_M3_DAY },
    swing_range_k,
    in_range: energy_ok && swing_ok,
  };
}

function fixed(value: number | null, digits: number): string {
  return value === null ? 'n/a' : value.toFixed(digits);
}

/** Formats a report as one line for the console. */
export function formatRoomReport(report: RoomReport): string {
  const { day, run, energy_range, swing_range_k } = report;
  return (
    `ROOM ${report.room} ${report.volume_m3} m3: day ${fixed(day.energy_kwh_per_m3_day, 3)} kWh/(m3*d) ` +
    `[${energy_range.min}..${energy_range.max}], swing ${fixed(day.swing_k, 2)} K ` +
    `[${fixed(swing_range_k.min, 2)}..${fixed(swing_range_k.max, 2)}] ${report.in_range ? 'in range' : 'OUT OF RANGE'}; ` +
    `run ${fixed(run.energy_kwh, 2)} kWh over ${fixed(run.hours, 2)} h, ${fixed(run.energy_kwh_per_m3_day, 3)} kWh/(m3*d), ` +
    `swing ${fixed(run.swing_k, 2)} K`
  );
}
