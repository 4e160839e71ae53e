/**
 * Emission and energy factors, all overridable from the scenario. Sources and derivations are in
 * docs/carbon.md; the defaults are the values written there.
 */
import { z } from 'zod';

export const carbonFactorsSchema = z.object({
  /** Tank-to-wheel CO2 of diesel, kg CO2 per litre. Default 2.68. */
  diesel_kg_co2_per_l: z.number().positive().default(2.68),
  /** Grid electricity factor for cold rooms, kg CO2 per kWh. Default 0.5306 (China national average, 2023). */
  grid_kg_co2_per_kwh: z.number().nonnegative().default(0.5306),
  /**
   * Cold-room electricity per m³ of room volume per day for a chilled room of `reference_volume_m3`,
   * kWh. Default 0.9, an estimate for a small walk-in room; set it from metered data where available.
   */
  cold_room_kwh_per_m3_day: z.number().nonnegative().default(0.9),
  /** Room volume at which `cold_room_kwh_per_m3_day` applies, m³. Default 30. */
  reference_volume_m3: z.number().positive().default(30),
  /**
   * Exponent of the size effect: energy per m³ scales with (volume / reference)^exponent, because a
   * larger room has less wall area per m³. Default -0.33 (surface-to-volume ratio of a cube).
   */
  volume_scaling_exponent: z.number().default(-0.33),
  /** Factor on cold-room energy for frozen zones relative to chilled ones. Default 1.8. */
  frozen_energy_multiplier: z.number().positive().default(1.8),
  /** Factor on cold-room energy for ambient zones (ventilation only). Default 0.1. */
  ambient_energy_multiplier: z.number().nonnegative().default(0.1),
});

export type CarbonFactors = z.infer<typeof carbonFactorsSchema>;

/** Temperature classes of goods, zones and compartments. */
export const temperatureClassSchema = z.enum(['frozen', 'chilled', 'ambient']);
export type TemperatureClass = z.infer<typeof temperatureClassSchema>;

/** Electricity of one m³ stored for one day in a zone of the given class, in a room of `roomVolumeM3`, kWh. */
export function coldRoomKwhPerM3Day(
  factors: CarbonFactors,
  roomVolumeM3: number,
  temperature: TemperatureClass,
): number {
  const sizeEffect = (roomVolumeM3 / factors.reference_volume_m3) ** factors.volume_scaling_exponent;
  const classFactor =
    temperature === 'frozen'
      ? factors.frozen_energy_multiplier
      : temperature === 'ambient'
        ? factors.ambient_energy_multiplier
        : 1;
  return factors.cold_room_kwh_per_m3_day * sizeEffect * classFactor;
}

/** Litres per km at `loadKg` on a truck whose fuel use runs linearly from empty to full payload. */
export function fuelLitresPerKm(
  emptyLPer100Km: number,
  fullLPer100Km: number,
  loadKg: number,
  payloadKg: number,
): number {
  const share = payloadKg > 0 ? Math.min(1, Math.max(0, loadKg / payloadKg)) : 0;
  return (emptyLPer100Km + (fullLPer100Km - emptyLPer100Km) * share) / 100;
}
