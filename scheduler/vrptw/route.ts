/**
 * One vehicle's route with the cached arrays that make move evaluation O(1): forward earliest service
 * starts, backward latest service starts, and prefix loads and distances. This is Savelsbergh's (1992)
 * forward/backward slack idea: a change that delivers a vehicle to position k no later than `latest[k]`,
 * with the load of the new prefix plus the suffix within capacity, keeps the rest of the route feasible.
 */
import type { VrptwInstance } from './instance.js';

export class Route {
  /** Node ids with the depot (0) at both ends. */
  nodes: number[];
  /** Earliest service start at each position, waiting when early. */
  start: number[] = [];
  /** Latest service start at each position that still lets every later stop meet its due time. */
  latest: number[] = [];
  /** Demand picked up to and including each position. */
  load: number[] = [];
  /** Distance driven from the depot to each position. */
  distancePrefix: number[] = [];

  constructor(
    private readonly inst: VrptwInstance,
    customers: number[],
  ) {
    this.nodes = [0, ...customers, 0];
    this.update();
  }

  /** Number of customers on the route. */
  get size(): number {
    return this.nodes.length - 2;
  }

  get distance(): number {
    return this.distancePrefix[this.nodes.length - 1]!;
  }

  get totalLoad(): number {
    return this.load[this.nodes.length - 1]!;
  }

  /** Replaces the customers and recomputes the cached arrays in O(length). */
  setCustomers(customers: number[]): void {
    this.nodes = [0, ...customers, 0];
    this.update();
  }

  /** Recomputes the cached arrays after `nodes` changed. */
  update(): void {
    const { dist, size, service, ready, due, demand } = this.inst;
    const nodes = this.nodes;
    const n = nodes.length;
    this.start.length = n;
    this.latest.length = n;
    this.load.length = n;
    this.distancePrefix.length = n;
    this.start[0] = ready[0]!;
    this.load[0] = 0;
    this.distancePrefix[0] = 0;
    for (let k = 1; k < n; k++) {
      const prev = nodes[k - 1]!;
      const node = nodes[k]!;
      const d = dist[prev * size + node]!;
      this.start[k] = Math.max(this.start[k - 1]! + service[prev]! + d, ready[node]!);
      this.load[k] = this.load[k - 1]! + demand[node]!;
      this.distancePrefix[k] = this.distancePrefix[k - 1]! + d;
    }
    this.latest[n - 1] = due[0]!;
    for (let k = n - 2; k >= 0; k--) {
      const node = nodes[k]!;
      const next = nodes[k + 1]!;
      this.latest[k] = Math.min(due[node]!, this.latest[k + 1]! - dist[node * size + next]! - service[node]!);
    }
  }

  /** Customers between positions `from` and `to` inclusive. */
  slice(from: number, to: number): number[] {
    return this.nodes.slice(from, to + 1);
  }
}
