import { formatClock } from '../../scheduler/model/clock.js';
import type { Scenario } from '../../scheduler/model/scenario.js';
import type { PlanReport } from '../../scheduler/plan-round.js';
import type { PlanKpis } from '../../scheduler/rich/kpis.js';
import type { PlannedStop } from '../../scheduler/rich/plan-result.js';
import type { Plan, PlanFigures, PlanRoute, PlanStop, TemperatureClass } from '../api/services.js';

type StopTimes = Pick<PlannedStop, 'arrival_min' | 'start_min' | 'departure_min'>;

function figures(kpis: PlanKpis): PlanFigures {
  return {
    trips: kpis.trips,
    km: kpis.km,
    load_factor: kpis.average_load_factor,
    kg_co2: kpis.kg_co2_total,
    orders_served: kpis.orders_served,
  };
}

/** Converts a planning round's report to the plan the API and the dashboard show. */
export function planView(id: string, created_ms: number, scenario: Scenario, report: PlanReport): Plan {
  const sites = new Map(scenario.sites.map((site) => [site.id, site]));
  const orders = new Map(scenario.orders.map((order) => [order.id, order]));
  const siteStop = (site_id: string, kind: PlanStop['kind'], times: StopTimes, order_ids: string[]): PlanStop => {
    const site = sites.get(site_id);
    return {
      site_id,
      name: site?.name || site_id,
      kind,
      x: site?.lon ?? 0,
      y: site?.lat ?? 0,
      arrival: formatClock(times.arrival_min),
      service_start: formatClock(times.start_min),
      departure: formatClock(times.departure_min),
      order_ids,
    };
  };
  // The start depot gives its departure as all three times, and the end depot its return.
  const depotTimes = (minutes: number): StopTimes => ({
    arrival_min: minutes,
    start_min: minutes,
    departure_min: minutes,
  });
  const routes = report.plan.vehicles
    .filter((vehicle) => vehicle.stops.length > 0)
    .map((vehicle): PlanRoute => {
      const load: Record<TemperatureClass, number> = { frozen: 0, chilled: 0, ambient: 0 };
      for (const stop of vehicle.stops) {
        if (stop.kind === 'pickup') load[stop.temperature_class] += orders.get(stop.order_id)?.weight_kg ?? 0;
      }
      return {
        truck_id: vehicle.vehicle_id,
        stops: [
          siteStop(vehicle.start_site_id, 'depot', depotTimes(vehicle.departure_min), []),
          ...vehicle.stops.map((stop) => siteStop(stop.site_id, stop.kind, stop, [stop.order_id])),
          siteStop(vehicle.end_site_id, 'depot', depotTimes(vehicle.return_min), []),
        ],
        load_kg: load,
        km: vehicle.cost.km,
      };
    });
  return {
    id,
    scenario: scenario.name,
    plan_date: scenario.plan_date,
    created_ms,
    routes,
    unserved: report.plan.unserved.map((order) => ({ order_id: order.order_id, reason: order.reason })),
    comparison: {
      pooled: figures(report.kpis),
      baseline: figures(report.baseline.kpis),
      baseline_unserved: report.baseline.plan.unserved.map((order) => order.order_id),
    },
  };
}
