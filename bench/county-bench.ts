/**
 * County planning benchmark: generates the example county with 200, 300 and 400 orders, runs one
 * planning round for each and prints served orders, kg CO2 pooled against unpooled, and timings.
 *   node dist/bench/county-bench.js [ORDER_COUNTS comma-separated]
 */
import { parseScenario } from '../scheduler/model/scenario.js';
import { planRound } from '../scheduler/plan-round.js';
import { generateCountyScenario } from './county-scenario.js';

const counts = (process.argv[2] ?? '200,300,400').split(',').map(Number);
for (const count of counts) {
  const report = planRound(parseScenario(generateCountyScenario({ order_count: count })));
  const pooled = report.kpis;
  const alone = report.baseline.kpis;
  console.log(
    `orders=${count} served=${pooled.orders_served} unserved=${pooled.orders_unserved} trips=${pooled.trips}/${alone.trips} ` +
      `km=${pooled.km.toFixed(0)}/${alone.km.toFixed(0)} kg_co2=${pooled.kg_co2_total.toFixed(1)}/${alone.kg_co2_total.toFixed(1)} ` +
      `saving_pct=${((1 - pooled.kg_co2_total / alone.kg_co2_total) * 100).toFixed(1)} feasible=${report.check.feasible} ` +
      `iterations=${report.timings.iterations} iteration_bound=${report.timings.iteration_bound} ` +
      `solve_s=${(report.timings.solve_ms / 1000).toFixed(2)} total_s=${(report.timings.total_ms / 1000).toFixed(2)}`,
  );
}
