import { z } from 'zod';

/** Asset, device and event ids: they become MQTT topic levels and InfluxDB tags, so no spaces or wildcards. */
export const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, dots, dashes or underscores');

/** Daily outdoor temperature, a sine around the mean. */
export const ambientSchema = z.strictObject({
  /** Daily mean, °C. Default 24. */
  mean_c: z.number().min(-40).max(50).default(24),
  /** Half the daily swing, K. Default 5. */
  amplitude_k: z.number().min(0).max(25).default(5),
  /** Local hour of the daily maximum, 0 to 24. Default 15. */
  peak_hour: z.number().min(0).max(24).default(15),
});

/** Insulated panel of walls, ceiling and floor. */
const insulationSchema = z.strictObject({
  /** Panel thickness, mm. Default 100 for a chilled room, 150 for a frozen one. */
  panel_mm: z.number().min(20).max(300).optional(),
  /** Thermal conductivity of the foam core, W/(m·K). Default 0.022 (PUR). */
  conductivity_w_per_mk: z.number().min(0.015).max(0.1).default(0.022),
});

/** Stored product. */
const productSchema = z.strictObject({
  /** Mass, kg. Default 5000 for a chilled room, 3000 for a frozen one. */
  kg: z.number().min(0).max(1_000_000).optional(),
  /** Specific heat, kJ/(kg·K). Default 3.6 above freezing (produce), 1.8 frozen. */
  specific_heat_kj_per_kgk: z.number().min(0.5).max(4.5).optional(),
});

export const roomSchema = z.strictObject({
  id: idSchema,
  /** `chilled` or `frozen`: picks the default parameter set. */
  kind: z.enum(['chilled', 'frozen']),
  /** Inner volume, m³. Default 60. */
  volume_m3: z.number().min(5).max(20_000).default(60),
  /** Inner height, m; with a square floor it sets the surface. Default 3. */
  height_m: z.number().min(2).max(15).default(3),
  insulation: insulationSchema.prefault({}),
  /** Thermostat setpoint, °C. Default 2 chilled, −18 frozen. */
  setpoint_c: z.number().min(-40).max(20).optional(),
  /** Thermostat differential, K. Default 0.6 chilled, 1 frozen. */
  differential_k: z.number().min(0.1).max(10).optional(),
  product: productSchema.prefault({}),
  /** Mean rate of random door openings, per hour. Default 2 chilled, 1 frozen. */
  door_openings_per_h: z.number().min(0).max(60).optional(),
  /** Time from the start of the run to the first defrost, min. Default: a seeded share of the defrost interval. */
  first_defrost_min: z.number().min(0).max(1440).optional(),
  /** Time between two defrosts, h; 0 turns timed defrost off. Default 6. */
  defrost_interval_h: z.number().min(0).max(48).optional(),
});

export const stopSchema = z.strictObject({
  name: z.string().min(1),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  /** Time parked, min. Default 6. */
  dwell_min: z.number().min(1).max(600).default(6),
  /** Time the cargo doors stay open while parked, min. Default 2. */
  door_open_min: z.number().min(0).max(600).default(2),
  /** Outdoor temperature here relative to the site ambient, K (a town centre in the sun is warmer). Default 0. */
  ambient_offset_k: z.number().min(-20).max(20).default(0),
});

const compartmentSchema = z.strictObject({
  /** Compartment id sent in the payload (`front`, `rear`). */
  id: idSchema,
  kind: z.enum(['chilled', 'frozen']),
  /** Setpoint, °C. Default −18 frozen, 3 chilled. */
  setpoint_c: z.number().min(-40).max(20).optional(),
  /** Load carried, kg. Default 600 frozen, 800 chilled. */
  product_kg: z.number().min(0).max(20_000).optional(),
  /** Refrigerating capacity of the unit for this compartment at 32 °C ambient, W. Default 1500 frozen, 1300 chilled. */
  capacity_w: z.number().min(100).max(20_000).optional(),
});

export const truckSchema = z.strictObject({
  id: idSchema,
  /** Compartments, front to rear. Default: frozen `front` and chilled `rear`. */
  compartments: z
    .array(compartmentSchema)
    .min(1)
    .max(4)
    .default([
      { id: 'front', kind: 'frozen' },
      { id: 'rear', kind: 'chilled' },
    ]),
  /** Delivery round; the first stop is the depot. Default: the built-in county round of five stops. */
  route: z.array(stopSchema).min(2).max(50).optional(),
  /** Index of the stop where the truck starts, parked. Default 0. */
  start_stop: z.number().int().min(0).default(0),
  /** Mean cruising speed, km/h. Default 45. */
  cruise_kmh: z.number().min(10).max(110).default(45),
});

export const siteSchema = z.strictObject({
  /** Site tag of every reading. */
  id: idSchema,
  /** Offset of local time from UTC, h. Default 8 (China Standard Time). */
  utc_offset_h: z.number().min(-12).max(14).default(8),
  ambient: ambientSchema.prefault({}),
  rooms: z.array(roomSchema).default([]),
  trucks: z.array(truckSchema).default([]),
});

export type RoomSpec = z.infer<typeof roomSchema>;
export type TruckSpec = z.infer<typeof truckSchema>;
export type StopSpec = z.infer<typeof stopSchema>;
export type SiteSpec = z.infer<typeof siteSchema>;
