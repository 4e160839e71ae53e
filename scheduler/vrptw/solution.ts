/**
 * A set of routes that together visit customers, with an index from each customer to its route and
 * position. Customers on no route are unrouted (only during ruin and recreate).
 */
import type { VrptwInstance } from './instance.js';
import { Route } from './route.js';

export class Solution {
  routes: Route[] = [];
  /** Route index of each node, -1 when unrouted. */
  routeOf: Int32Array;
  /** Position of each node inside its route (1-based, 0 is the start depot). */
  positionOf: Int32Array;

  constructor(readonly inst: VrptwInstance) {
    this.routeOf = new Int32Array(inst.size).fill(-1);
    this.positionOf = new Int32Array(inst.size);
  }

  get distance(): number {
    let total = 0;
    for (const route of this.routes) total += route.distance;
    return total;
  }

  /** Number of routes that visit at least one customer. */
  get vehicleCount(): number {
    return this.routes.filter((route) => route.size > 0).length;
  }

  /** Appends a route and indexes its customers. */
  addRoute(customers: number[]): Route {
    const route = new Route(this.inst, customers);
    this.routes.push(route);
    this.indexRoute(this.routes.length - 1);
    return route;
  }

  /** Replaces the customers of route `r`, recomputes its caches and reindexes it. */
  setRoute(r: number, customers: number[]): void {
    this.routes[r]!.setCustomers(customers);
    this.indexRoute(r);
  }

  /** Rewrites `routeOf`/`positionOf` for route `r` after its nodes changed. */
  indexRoute(r: number): void {
    const nodes = this.routes[r]!.nodes;
    for (let k = 1; k < nodes.length - 1; k++) {
      this.routeOf[nodes[k]!] = r;
      this.positionOf[nodes[k]!] = k;
    }
  }

  /** Drops routes with no customer and reindexes the rest. */
  removeEmptyRoutes(): void {
    this.routes = this.routes.filter((route) => route.size > 0);
    for (let r = 0; r < this.routes.length; r++) this.indexRoute(r);
  }

  clone(): Solution {
    const copy = new Solution(this.inst);
    for (const route of this.routes) copy.addRoute(route.nodes.slice(1, -1));
    return copy;
  }

  /** Customer lists, one per non-empty route. */
  toRoutes(): number[][] {
    return this.routes.filter((route) => route.size > 0).map((route) => route.nodes.slice(1, -1));
  }
}
