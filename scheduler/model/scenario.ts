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

/** Validates a parsed YAML or JSON document; throws `InvalidInputError` naming every bad field. */
export function parseScenario(data: unknown): Scenario {
  const result = scenarioSchema.safeParse(data);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new InvalidInputError(`scenario is invalid; fix these fields:\n  ${issues.join('\n  ')}`);
  }
  const scenario = result.data;
  checkReferences(scenario);
  return scenario;
}

/** Rejects ids that point nowhere, because the solver would otherwise fail later with a vaguer message. */
function checkReferences(scenario: Scenario): void {
  const problems: string[] = [];
  const sites = new Set(scenario.sites.map((site) => site.id));
  const orders = new Set<string>();
  const vehicles = new Set(scenario.vehicles.map((vehicle) => vehicle.id));
  const rooms = new Set(scenario.cold_rooms.map((room) => room.id));
  const requireSite = (id: string | undefined, where: string) => {
    if (id !== undefined && !sites.has(id)) problems.push(`${where}: site "${id}" not found in sites`);
  };
  for (const vehicle of scenario.vehicles) {
    requireSite(vehicle.start_site_id, `vehicle ${vehicle.id} start_site_id`);
    requireSite(vehicle.end_site_id, `vehicle ${vehicle.id} end_site_id`);
  }
  for (const room of scenario.cold_rooms) requireSite(room.site_id, `cold room ${room.id} site_id`);
  for (const order of scenario.orders) {
    if (orders.has(order.id)) problems.push(`order ${order.id}: duplicate id`);
    orders.add(order.id);
    requireSite(order.pickup_site_id, `order ${order.id} pickup_site_id`);
    requireSite(order.delivery_site_id, `order ${order.id} delivery_site_id`);
  }
  for (const route of scenario.previous_plan) {
    if (!vehicles.has(route.vehicle_id)) problems.push(`previous_plan: vehicle "${route.vehicle_id}" not found`);
    for (const stop of route.stops) {
      if (!orders.has(stop.order_id))
        problems.push(`previous_plan ${route.vehicle_id}: order "${stop.order_id}" not found`);
    }
  }
  for (const booking of scenario.bookings) {
    if (booking.cold_room_id !== undefined && !rooms.has(booking.cold_room_id)) {
      problems.push(`booking ${booking.id}: cold room "${booking.cold_room_id}" not found`);
    }
    if (booking.to_date <= booking.from_date) problems.push(`booking ${booking.id}: to_date must be after from_date`);
  }
  if (problems.length > 0) throw new InvalidInputError(`scenario references are invalid:\n  ${problems.join('\n  ')}`);
}
