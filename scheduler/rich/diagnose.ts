/**
 * Reason codes for orders left unserved. A scenario without a truck that may take the order gives
 * `no_vehicle_available`. Otherwise the codes are tested in this order. No truck has a compartment of a
 * compatible class (`temperature_class`). No compatible compartment or payload is large enough for the
 * order alone (`capacity`). No truck could serve the order alone within its windows and shift
 * (`time_window`). Otherwise every truck that could take it is full or busy (`no_vehicle_available`).
 * An order that construction never tried because the time limit ran out gets `time_limit` without
 * these tests (see `describePlan`).
 */
import { bestInsertion } from './insertion.js';
import type { Problem } from './problem.js';
import { PlanRoute } from './route.js';

export type UnservedReason = 'capacity' | 'time_window' | 'temperature_class' | 'no_vehicle_available' | 'time_limit';

/** Returns why order `o` could not be planned. */
export function diagnoseUnserved(problem: Problem, o: number): UnservedReason {
  const order = problem.orders[o]!;
  const forced = problem.forcedVehicle[o]!;
  const vehicles = problem.vehicles.filter(
    (vehicle) => vehicle.lockedNodes === undefined && (forced < 0 || vehicle.index === forced),
  );
  // With no vehicle at all, a temperature class mismatch would send the planner looking for the wrong fix.
  if (vehicles.length === 0) return 'no_vehicle_available';
  const compatible = vehicles.filter((vehicle) => vehicle.compatible[order.temperature_class].length > 0);
  if (compatible.length === 0) return 'temperature_class';
  const roomy = compatible.filter(
    (vehicle) =>
      vehicle.source.payload_kg >= order.weight_kg &&
      vehicle.compatible[order.temperature_class].some(
        (c) => vehicle.capacityKg[c]! >= order.weight_kg && vehicle.capacityM3[c]! >= order.volume_m3,
      ),
  );
  if (roomy.length === 0) return 'capacity';
  const compartmentOf = new Int32Array(problem.orderCount);
  const alone = roomy.some((vehicle) => bestInsertion(new PlanRoute(problem, vehicle, compartmentOf), o) !== undefined);
  return alone ? 'no_vehicle_available' : 'time_window';
}
