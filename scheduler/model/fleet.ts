/**
 * Capacity side of a scenario: reefer trucks with compartments and live state, and cold rooms with
 * zones. All quantities carry their unit in the name; times are minutes since midnight of the plan date.
 */
import { z } from 'zod';
import { temperatureClassSchema } from './carbon-factors.js';
import { clockSchema, windowSchema } from './clock.js';

/** A geographic point in WGS 84 degrees. */
export const pointSchema = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});
export type Point = z.infer<typeof pointSchema>;

/** One insulated compartment of a truck body. */
export const compartmentSchema = z.object({
  id: z.string().min(1),
  /** Class the compartment runs at; frozen goods need `frozen`, chilled goods `chilled`, ambient goods fit any. */
  temperature_class: temperatureClassSchema,
  /** Lowest set point the unit holds in this compartment, °C. */
  min_temp_c: z.number(),
  /** Highest set point, °C. */
  max_temp_c: z.number(),
  /** Payload the compartment takes, kg. */
  capacity_kg: z.number().positive(),
  /** Usable volume, m³. */
  capacity_m3: z.number().positive(),
});
export type Compartment = z.infer<typeof compartmentSchema>;

/** What telemetry last reported about a truck. */
export const vehicleLiveStateSchema = z.object({
  /** Last known position. */
  position: pointSchema.optional(),
  /** `moving` or `parked`. */
  status: z.enum(['parked', 'moving']).default('parked'),
  /** Whether the refrigeration unit runs. */
  unit_on: z.boolean().default(false),
  /** Load on board, kg, as the axle or door sensors report it. */
  load_kg: z.number().nonnegative().default(0),
});

/** A truck and the terms on which its owner lends it. */
export const vehicleSchema = z.object({
  id: z.string().min(1),
  /** Company or person that owns the truck and is credited for lent capacity. */
  owner_id: z.string().min(1),
  /** Kind of truck, for reporting (`light_reefer_1_5t`). */
  kind: z.string().min(1),
  /** Site where the route starts. */
  start_site_id: z.string().min(1),
  /** Site where the route ends. Default: the start site. */
  end_site_id: z.string().min(1).optional(),
  /** Off-peak availability: the route may not start before `start` nor end after `end`. */
  shift: windowSchema,
  /** Longest route from departure to return, minutes. Default: the whole shift. */
  max_route_duration_min: z.number().positive().optional(),
  /** Total payload over all compartments, kg. */
  payload_kg: z.number().positive(),
  compartments: z.array(compartmentSchema).min(1),
  /** Average road speed in county conditions, km/h. Default 40. */
  speed_kmh: z.number().positive().default(40),
  /** Diesel use with no load, litres per 100 km. Default 7.5 (20.1 kg CO2/100 km at 2.68 kg/L). */
  fuel_empty_l_per_100km: z.number().nonnegative().default(7.5),
  /** Diesel use at full payload, litres per 100 km. Default 9.3 (24.9 kg CO2/100 km at 2.68 kg/L). */
  fuel_full_l_per_100km: z.number().nonnegative().default(9.3),
  /** Extra diesel the refrigeration unit draws while the route runs, litres per hour. Default 0.5 (estimate). */
  reefer_l_per_h: z.number().nonnegative().default(0.5),
  /** Cost of using the truck at all in this round, currency units. Default 0. */
  fixed_cost: z.number().nonnegative().default(0),
  /** Cost per km besides diesel (wear, tolls), currency units. Default 0.3. */
  cost_per_km: z.number().nonnegative().default(0.3),
  /** Driver and hire cost per hour of route, currency units. Default 30. */
  cost_per_h: z.number().nonnegative().default(30),
  /** Last telemetry; absent for a truck that reports nothing. */
  live: vehicleLiveStateSchema.optional(),
});
export type Vehicle = z.infer<typeof vehicleSchema>;

/** A zone of a cold room held at one temperature class. */
export const zoneSchema = z.object({
  id: z.string().min(1),
  temperature_class: temperatureClassSchema,
  /** Usable storage volume, m³. */
  volume_m3: z.number().positive(),
  /** Volume already taken by the owner's own goods, m³. Default 0. */
  occupied_m3: z.number().nonnegative().default(0),
});
export type Zone = z.infer<typeof zoneSchema>;

/** A cold room whose free space can be shared. */
export const coldRoomSchema = z.object({
  id: z.string().min(1),
  /** Site where trucks load and unload. */
  site_id: z.string().min(1),
  owner_id: z.string().min(1),
  zones: z.array(zoneSchema).min(1),
  /** Hours when the room accepts and releases goods. Default: always. */
  off_peak: windowSchema.optional(),
});
export type ColdRoom = z.infer<typeof coldRoomSchema>;

export { clockSchema };
