/**
 * A planning scenario: everything one planning round needs, as the `plan` command reads it from YAML
 * or JSON. `parseScenario` validates it and fills the defaults.
 */
import { z } from 'zod';
import { InvalidInputError } from '../common/errors.js';
import { carbonFactorsSchema, temperatureClassSchema } from './carbon-factors.js';
import { clockSchema, windowSchema } from './clock.js';
import { orderSchema, siteSchema } from './demand.js';
import { coldRoomSchema, vehicleSchema } from './fleet.js';
import { referenceProblems, schemaProblems } from './scenario-problems.js';

/** One stop of a route that was sent to a truck in an earlier round. */
export const previousStopSchema = z.object({
  order_id: z.string().min(1),
  kind: z.enum(['pickup', 'delivery']),
  /** `completed` and `current` stops are kept as they are; `planned` stops may be re-planned. */
  status: z.enum(['completed', 'current', 'planned']),
  /** Compartment the goods ride in. Default: the first compatible compartment, warmest first. */
  compartment_id: z.string().optional(),
});

/** The route a truck received earlier, for re-planning. */
export const previousRouteSchema = z.object({
  vehicle_id: z.string().min(1),
  /** Keep the whole route, planned stops included, exactly as it is. Default false. */
  locked: z.boolean().default(false),
  stops: z.array(previousStopSchema),
});
export type PreviousRoute = z.infer<typeof previousRouteSchema>;

/** A request for cold-room space over days. Dates are ISO `YYYY-MM-DD`; `to_date` is the first day not booked. */
export const bookingSchema = z.object({
  id: z.string().min(1),
  merchant_id: z.string().min(1),
  temperature_class: temperatureClassSchema,
  volume_m3: z.number().positive(),
  from_date: z.iso.date(),
  to_date: z.iso.date(),
  /** Room the merchant prefers; other rooms are used when it is full. Default: any room. */
  cold_room_id: z.string().optional(),
});
export type Booking = z.infer<typeof bookingSchema>;

/** The van each merchant would use alone, for the unpooled baseline. */
export const baselineVehicleSchema = z.object({
  payload_kg: z.number().positive().default(600),
  /** Insulated volume, m³; the van is assumed to carry every temperature class at once. Default 3.5. */
  capacity_m3: z.number().positive().default(3.5),
  speed_kmh: z.number().positive().default(40),
  fuel_empty_l_per_100km: z.number().nonnegative().default(7),
  fuel_full_l_per_100km: z.number().nonnegative().default(8.2),
  reefer_l_per_h: z.number().nonnegative().default(0.4),
  fixed_cost: z.number().nonnegative().default(0),
  cost_per_km: z.number().nonnegative().default(0.3),
  cost_per_h: z.number().nonnegative().default(30),
});
export type BaselineVehicle = z.infer<typeof baselineVehicleSchema>;

/** Solver budget for the round. */
export const solverOptionsSchema = z.object({
  /** Seed of the random generator. Default 1. */
  seed: z.number().int().default(1),
  /** Iteration budget; when it binds, the same seed gives the same plan. Default 3000. */
  max_iterations: z.number().int().positive().default(3000),
  /** Wall-clock budget, seconds; it stops the search early on a slow machine. Default 8. */
  time_limit_s: z.number().positive().default(8),
});

export const scenarioSchema = z.object({
  name: z.string().min(1),
  /** Plan date, ISO `YYYY-MM-DD`; clock times count minutes from its midnight. */
  plan_date: z.iso.date(),
  /** The delivery wave this round plans; orders that cannot be delivered inside it are staged in a cold room. */
  wave: windowSchema,
  /** Current time for re-planning; stops before it are history. Default: the wave start. */
  now: clockSchema.optional(),
  /** Ratio of road distance to great-circle distance. Default 1.3, a typical rural detour factor (estimate). */
  road_factor: z.number().min(1).default(1.3),
  /** Diesel price, currency units per litre. Default 7.5. */
  diesel_price_per_l: z.number().nonnegative().default(7.5),
  /** Electricity price for cold rooms, currency units per kWh. Default 0.8. */
  electricity_price_per_kwh: z.number().nonnegative().default(0.8),
  carbon: carbonFactorsSchema.default(carbonFactorsSchema.parse({})),
  sites: z.array(siteSchema).min(1),
  vehicles: z.array(vehicleSchema),
  cold_rooms: z.array(coldRoomSchema).default([]),
  orders: z.array(orderSchema),
  previous_plan: z.array(previousRouteSchema).default([]),
  bookings: z.array(bookingSchema).default([]),
  baseline_vehicle: baselineVehicleSchema.default(baselineVehicleSchema.parse({})),
  solver: solverOptionsSchema.default(solverOptionsSchema.parse({})),
});
export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;

/** A checked scenario document: the scenario with its defaults, or every problem found in it. */
export type ScenarioCheck = { scenario: Scenario; problems: [] } | { scenario: undefined; problems: string[] };

/**
 * Validates a parsed YAML or JSON document and fills the defaults. Returns every schema and reference
 * problem at once, each with the entry's id and the value.
 */
export function checkScenario(data: unknown): ScenarioCheck {
  const result = scenarioSchema.safeParse(data);
  const problems = [...(result.success ? [] : schemaProblems(data, result.error.issues)), ...referenceProblems(data)];
  if (!result.success || problems.length > 0) return { scenario: undefined, problems };
  return { scenario: result.data, problems: [] };
}

/**
 * Validates a parsed YAML or JSON document and fills the defaults. Throws `InvalidInputError` that lists
 * every problem that `checkScenario` finds. `name` starts the message, such as `scenario file x.yaml`.
 */
export function parseScenario(data: unknown, name = 'scenario'): Scenario {
  const checked = checkScenario(data);
  if (checked.scenario === undefined) {
    const count = checked.problems.length;
    const fix = count === 1 ? 'fix this problem' : `fix these ${count} problems`;
    throw new InvalidInputError(`${name} is invalid; ${fix}:\n  ${checked.problems.join('\n  ')}`);
  }
  return checked.scenario;
}
