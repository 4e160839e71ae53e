/** Plain-text rendering of a planning report, as `coldpool plan` prints it. Returns lines; prints nothing. */

import type { BaselineResult } from '../baseline/unpooled.js';
import { countText } from '../common/count-text.js';
import { formatClock } from '../model/clock.js';
import type { PlanReport } from '../plan-round.js';
import type { PlanKpis } from '../rich/kpis.js';

/** Options of the rendering. */
export interface FormatOptions {
  /** List every stop under its route. Default false. */
  stops?: boolean;
}

/** Renders `report` as text lines. */
export function formatPlanReport(report: PlanReport, options: FormatOptions = {}): string[] {
  const lines: string[] = [];
  const { plan, kpis } = report;
  lines.push(
    `plan ${report.scenario_name}: ${countText(kpis.orders_served, 'order')} served, ${kpis.orders_unserved} unserved, ` +
      `${plan.stagings.length} staged overnight`,
  );
  lines.push('', 'routes', ...formatRoutes(report, options));

  if (plan.unserved.length > 0) {
    lines.push('', 'unserved orders');
    for (const entry of plan.unserved) lines.push(`  ${entry.order_id} ${entry.merchant_id} reason=${entry.reason}`);
  }

  if (plan.stagings.length > 0) {
    lines.push('', 'staged overnight (delivered in the next wave)');
    for (const staging of plan.stagings) {
      lines.push(
        `  ${staging.order_id} → ${staging.cold_room_id}/${staging.zone_id} nights=${staging.nights} ` +
          `m3=${staging.volume_m3.toFixed(3)} kwh=${staging.energy_kwh.toFixed(3)} kg_co2=${staging.kg_co2.toFixed(3)} ` +
          `next_wave=${staging.next_wave_order.pickup_site_id}→${staging.next_wave_order.delivery_site_id} ` +
          `${formatClock(staging.next_wave_order.delivery_window.start)}-${formatClock(staging.next_wave_order.delivery_window.end)}`,
      );
    }
  }

  lines.push('', ...formatComparison(kpis, report.baseline));
  lines.push('', ...formatSettlement(report));
  if (report.space) lines.push('', ...formatSpace(report));
  lines.push(
    '',
    report.check.feasible
      ? 'check: feasible (independent checker)'
      : `check: INFEASIBLE\n  ${report.check.violations.join('\n  ')}`,
    `timings: solve_ms=${report.timings.solve_ms.toFixed(0)} baseline_ms=${report.timings.baseline_ms.toFixed(0)} ` +
      `total_ms=${report.timings.total_ms.toFixed(0)} iterations=${report.timings.iterations} ` +
      `reproducible=${report.timings.iteration_bound ? 'yes' : 'no (time limit reached first)'}`,
  );
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  return lines;
}

function formatComparison(pooled: PlanKpis, baseline: BaselineResult): string[] {
  const alone = baseline.kpis;
  const rows: [string, (kpis: PlanKpis) => string][] = [
    ['trips', (k) => String(k.trips)],
    ['orders_served', (k) => String(k.orders_served)],
    ['km', (k) => k.km.toFixed(1)],
    ['truck_hours', (k) => k.truck_hours.toFixed(1)],
    ['average_load_factor', (k) => k.average_load_factor.toFixed(3)],
    ['empty_km_share', (k) => k.empty_km_share.toFixed(3)],
    ['cold_room_utilisation', (k) => k.cold_room_utilisation.toFixed(3)],
    ['kg_co2_transport', (k) => k.kg_co2_transport.toFixed(1)],
    ['kg_co2_staging', (k) => k.kg_co2_staging.toFixed(2)],
    ['kg_co2_total', (k) => k.kg_co2_total.toFixed(1)],
    ['kg_co2_per_order', (k) => k.kg_co2_per_order.toFixed(3)],
    ['cost', (k) => k.cost.toFixed(1)],
  ];
  const lines = [
    `pooled vs unpooled baseline, both for the ${countText(pooled.orders_served, 'order')} the pooled plan serves`,
    `${''.padEnd(28)}${'pooled'.padStart(12)}${'unpooled'.padStart(12)}`,
    ...rows.map(([name, value]) => `  ${name.padEnd(26)}${value(pooled).padStart(12)}${value(alone).padStart(12)}`),
  ];
  if (pooled.orders_unserved > 0) {
    const unserved = countText(pooled.orders_unserved, 'unserved order');
    lines.push(`  left out of both: the ${unserved} listed above`);
  }
  if (baseline.plan.unserved.length > 0) {
    const ids = baseline.plan.unserved.map((entry) => entry.order_id).join(' ');
    lines.push(`  the unpooled baseline cannot serve: ${ids}`);
  }
  return lines;
}

function formatSettlement(report: PlanReport): string[] {
  const lines = [
    'settlement per merchant (route shares by tonne-km)',
    `  ${'merchant'.padEnd(12)}${'orders'.padStart(7)}${'t_km'.padStart(8)}${'kg_co2'.padStart(9)}${'alone'.padStart(9)}` +
      `${'saved'.padStart(9)}${'cost'.padStart(9)}${'alone'.padStart(9)}${'saved'.padStart(9)}`,
  ];
  for (const entry of report.settlement.merchants) {
    lines.push(
      `  ${entry.merchant_id.padEnd(12)}${String(entry.orders_served).padStart(7)}${entry.tonne_km.toFixed(2).padStart(8)}` +
        `${entry.pooled_kg_co2.toFixed(2).padStart(9)}${entry.alone_kg_co2.toFixed(2).padStart(9)}${entry.kg_co2_saved.toFixed(2).padStart(9)}` +
        `${entry.pooled_cost.toFixed(1).padStart(9)}${entry.alone_cost.toFixed(1).padStart(9)}${entry.cost_saved.toFixed(1).padStart(9)}`,
    );
  }
  lines.push('capacity lent per owner');
  for (const owner of report.settlement.owners) {
    lines.push(
      `  ${owner.owner_id.padEnd(18)} trucks=${owner.trucks_used} truck_hours=${owner.truck_hours.toFixed(1)} ` +
        `km=${owner.truck_km.toFixed(1)} cold_room_m3_days=${owner.cold_room_m3_days.toFixed(2)}`,
    );
  }
  return lines;
}

function formatSpace(report: PlanReport): string[] {
  const space = report.space!;
  const lines = [`cold-room space bookings: ${space.assignments.length} accepted, ${space.rejected.length} rejected`];
  for (const assignment of space.assignments) {
    lines.push(`  ${assignment.booking_id} → ${assignment.cold_room_id}/${assignment.zone_id}`);
  }
  for (const rejection of space.rejected)
    lines.push(`  ${rejection.booking_id} rejected (${rejection.reason}): ${rejection.message}`);
  lines.push('zone utilisation per day, before → after (percent)');
  const zones = [...new Set(space.utilisation.map((entry) => `${entry.cold_room_id}/${entry.zone_id}`))];
  const dates = [...new Set(space.utilisation.map((entry) => entry.date))];
  lines.push(`  ${'zone'.padEnd(20)}${dates.map((date) => date.slice(5).padStart(8)).join('')}`);
  for (const zone of zones) {
    const entries = space.utilisation.filter((entry) => `${entry.cold_room_id}/${entry.zone_id}` === zone);
    const cells = entries.map((entry) =>
      `${Math.round(entry.before * 100)}→${Math.round(entry.after * 100)}`.padStart(8),
    );
    lines.push(`  ${zone.padEnd(20)}${cells.join('')}`);
  }
  return lines;
}

function formatRoutes(report: PlanReport, options: FormatOptions): string[] {
  const lines: string[] = [];
  for (const vehicle of report.plan.vehicles) {
    if (vehicle.stops.length === 0 && vehicle.kept_stops.length === 0) {
      lines.push(`  ${vehicle.vehicle_id.padEnd(16)} unused`);
      continue;
    }
    const loadFactor = vehicle.capacity_kg_km > 0 ? (vehicle.cost.tonne_km * 1000) / vehicle.capacity_kg_km : 0;
    lines.push(
      `  ${vehicle.vehicle_id.padEnd(16)} ${vehicle.kind.padEnd(20)} owner=${vehicle.owner_id} ` +
        `${formatClock(vehicle.departure_min)}-${formatClock(vehicle.return_min)} stops=${vehicle.stops.length} ` +
        `km=${vehicle.cost.km.toFixed(1)} kg_co2=${vehicle.cost.kg_co2.toFixed(1)} cost=${vehicle.cost.cost.toFixed(1)} ` +
        `load_factor=${loadFactor.toFixed(2)}${vehicle.locked ? ' locked' : ''}` +
        (vehicle.kept_stops.length > 0 ? ` kept_stops=${vehicle.kept_stops.length}` : ''),
    );
    if (!options.stops) continue;
    for (const stop of vehicle.stops) {
      lines.push(
        `    arrival=${formatClock(stop.arrival_min)} start=${formatClock(stop.start_min)} ` +
          `departure=${formatClock(stop.departure_min)} ${stop.kind.padEnd(8)} ${stop.site_id.padEnd(12)} ${stop.order_id} ` +
          `${stop.temperature_class}→${stop.compartment_id} load_after_kg=${stop.load_after_kg.toFixed(1)}`,
      );
    }
  }
  return lines;
}
