/**
 * One truck's planned route with the cached arrays that make pair insertion O(1) per position pair:
 * service starts forward, latest starts backward (Savelsbergh 1992), waiting summed towards the end,
 * per-compartment loads after each stop, and prefix sums of km and of kg·km for the load-dependent
 * fuel model. Position 0 is the start site, 1..n the stops, n+1 the end site.
 */
import type { PlanVehicle, Problem } from './problem.js';

/** Emissions and cost of one route. */
export interface RouteCost {
  km: number;
  /** Diesel burnt by the engine, litres (load-dependent). */
  engine_l: number;
  /** Diesel drawn by the refrigeration unit, litres. */
  reefer_l: number;
  /** From departure to return, minutes; departure is delayed to the latest time that does not delay the first stop. */
  duration_min: number;
  kg_co2: number;
  cost: number;
  /** Σ over arcs of load × length, tonne-km. */
  tonne_km: number;
}

/** Weight of cost against kg CO2 in the objective, so that CO2 decides and cost breaks near-ties. */
export const COST_WEIGHT = 0.001;

export class PlanRoute {
  /** Stop nodes in visiting order. */
  nodes: number[] = [];
  site: number[] = [];
  start: number[] = [];
  latest: number[] = [];
  /** Waiting summed over the positions after each position, minutes. */
  waitAfter: number[] = [];
  distancePrefix: number[] = [];
  /** Total kg on board after leaving each position. */
  totalKg: number[] = [];
  /** kg and m³ on board per compartment after leaving each position: `loadKg[c][p]`. */
  loadKg: number[][] = [];
  loadM3: number[][] = [];
  /** Σ kg·km over the arcs up to each position. */
  kgKmPrefix: number[] = [];
  /** Service minutes, ready time and due time at each position (0 and the end site have no service). */
  serviceAt: number[] = [];
  readyAt: number[] = [];
  dueAt: number[] = [];
  /** Leading stops that are pinned pickups of goods already on board. */
  pinnedCount = 0;
  feasible = true;
  cost: RouteCost = emptyCost();
  objective = 0;

  constructor(
    readonly problem: Problem,
    readonly vehicle: PlanVehicle,
    /** Compartment of each order, shared by all routes of a solution. */
    readonly compartmentOf: Int32Array,
  ) {
    this.update();
  }

  get locked(): boolean {
    return this.vehicle.lockedNodes !== undefined;
  }

  /** Travel minutes between two sites for this truck. */
  travel(fromSite: number, toSite: number): number {
    return this.problem.distanceKm[fromSite * this.problem.siteCount + toSite]! * this.vehicle.minutesPerKm;
  }

  km(fromSite: number, toSite: number): number {
    return this.problem.distanceKm[fromSite * this.problem.siteCount + toSite]!;
  }

  /** Recomputes every cache and the cost after `nodes` or `compartmentOf` changed. O(n · compartments). */
  update(): void {
    const { problem, vehicle } = this;
    const n = this.nodes.length;
    const last = n + 1;
    const compartments = vehicle.capacityKg.length;
    this.site = [vehicle.startSite, ...this.nodes.map((node) => problem.nodeSite[node]!), vehicle.endSite];
    this.serviceAt = [0, ...this.nodes.map((node) => problem.service[node]!), 0];
    this.readyAt = [vehicle.departure, ...this.nodes.map((node) => problem.ready[node]!), 0];
    this.dueAt = [vehicle.departure, ...this.nodes.map((node) => problem.due[node]!), vehicle.latestEnd];
    this.start = new Array(n + 2);
    this.latest = new Array(n + 2);
    this.waitAfter = new Array(n + 2);
    this.distancePrefix = new Array(n + 2);
    this.totalKg = new Array(n + 2);
    this.kgKmPrefix = new Array(n + 2);
    this.loadKg = Array.from({ length: compartments }, () => new Array(n + 2).fill(0));
    this.loadM3 = Array.from({ length: compartments }, () => new Array(n + 2).fill(0));
    const wait = new Array(n + 2).fill(0);
    this.feasible = true;
    this.start[0] = vehicle.departure;
    this.distancePrefix[0] = 0;
    this.totalKg[0] = 0;
    this.kgKmPrefix[0] = 0;
    this.pinnedCount = 0;
    while (
      this.pinnedCount < n &&
      problem.onboard[this.nodes[this.pinnedCount]! >> 1] &&
      this.nodes[this.pinnedCount]! % 2 === 0
    ) {
      this.pinnedCount++;
    }
    for (let p = 1; p <= last; p++) {
      const node = p <= n ? this.nodes[p - 1]! : -1;
      const previousService = p >= 2 ? problem.service[this.nodes[p - 2]!]! : 0;
      const arrival = this.start[p - 1]! + previousService + this.travel(this.site[p - 1]!, this.site[p]!);
      const readyAt = node >= 0 ? problem.ready[node]! : 0;
      this.start[p] = Math.max(arrival, readyAt);
      wait[p] = this.start[p]! - arrival;
      const dueAt = node >= 0 ? problem.due[node]! : vehicle.latestEnd;
      if (this.start[p]! > dueAt + 1e-9) this.feasible = false;
      const arcKm = this.km(this.site[p - 1]!, this.site[p]!);
      this.distancePrefix[p] = this.distancePrefix[p - 1]! + arcKm;
      this.kgKmPrefix[p] = this.kgKmPrefix[p - 1]! + this.totalKg[p - 1]! * arcKm;
      let kg = this.totalKg[p - 1]!;
      for (let c = 0; c < compartments; c++) {
        this.loadKg[c]![p] = this.loadKg[c]![p - 1]!;
        this.loadM3[c]![p] = this.loadM3[c]![p - 1]!;
      }
      if (node >= 0) {
        const o = node >> 1;
        const sign = node % 2 === 0 ? 1 : -1;
        const c = this.compartmentOf[o]!;
        const order = problem.orders[o]!;
        this.loadKg[c]![p] = this.loadKg[c]![p]! + sign * order.weight_kg;
        this.loadM3[c]![p] = this.loadM3[c]![p]! + sign * order.volume_m3;
        kg += sign * order.weight_kg;
        if (
          this.loadKg[c]![p]! > vehicle.capacityKg[c]! + 1e-9 ||
          this.loadM3[c]![p]! > vehicle.capacityM3[c]! + 1e-9
        ) {
          this.feasible = false;
        }
      }
      this.totalKg[p] = kg;
      if (kg > vehicle.source.payload_kg + 1e-9) this.feasible = false;
    }
    this.latest[last] = vehicle.latestEnd;
    this.waitAfter[last] = 0;
    for (let p = n; p >= 0; p--) {
      const node = p >= 1 ? this.nodes[p - 1]! : -1;
      const serviceHere = node >= 0 ? problem.service[node]! : 0;
      const dueAt = node >= 0 ? problem.due[node]! : vehicle.departure;
      this.latest[p] = Math.min(
        dueAt,
        this.latest[p + 1]! - this.travel(this.site[p]!, this.site[p + 1]!) - serviceHere,
      );
      this.waitAfter[p] = this.waitAfter[p + 1]! + wait[p + 1];
    }
    this.cost = this.computeCost();
    this.objective = this.cost.kg_co2 + COST_WEIGHT * this.cost.cost + (this.feasible ? 0 : 1e6);
  }

  private computeCost(): RouteCost {
    const n = this.nodes.length;
    if (n === 0) return emptyCost();
    const { vehicle, problem } = this;
    const source = vehicle.source;
    const km = this.distancePrefix[n + 1]!;
    const kgKm = this.kgKmPrefix[n + 1]!;
    const engine =
      (source.fuel_empty_l_per_100km * km) / 100 +
      ((source.fuel_full_l_per_100km - source.fuel_empty_l_per_100km) * kgKm) / 100 / source.payload_kg;
    // Leaving later by the first stop's waiting time changes no service start, so the unit need not run then.
    const firstWait = this.start[1]! - (this.start[0]! + this.travel(this.site[0]!, this.site[1]!));
    const duration = this.start[n + 1]! - this.start[0]! - Math.max(0, firstWait);
    const reefer = (source.reefer_l_per_h * duration) / 60;
    const scenario = problem.scenario;
    const kgCo2 = (engine + reefer) * scenario.carbon.diesel_kg_co2_per_l;
    const cost =
      source.fixed_cost +
      source.cost_per_km * km +
      (source.cost_per_h * duration) / 60 +
      scenario.diesel_price_per_l * (engine + reefer);
    return {
      km,
      engine_l: engine,
      reefer_l: reefer,
      duration_min: duration,
      kg_co2: kgCo2,
      cost,
      tonne_km: kgKm / 1000,
    };
  }
}

export function emptyCost(): RouteCost {
  return { km: 0, engine_l: 0, reefer_l: 0, duration_min: 0, kg_co2: 0, cost: 0, tonne_km: 0 };
}
