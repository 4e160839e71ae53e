/**
 * Feasibility of a route assembled from pieces of existing routes: a prefix that ends at position
 * `prefixEnd` of one route, a short middle sequence of nodes, and a suffix that starts at position
 * `suffixStart` of another (or the same) route. Only the middle is walked, so the check costs
 * O(middle length): the prefix's service start is cached forward and the suffix's latest start
 * backward (Savelsbergh 1992; Vidal et al. 2013 generalise this as concatenation of route segments).
 */
import type { VrptwInstance } from './instance.js';
import type { Route } from './route.js';

/** Reusable buffer for middle sequences, so move evaluation allocates nothing. */
export const middleBuffer = new Int32Array(1024);

/**
 * Returns true when prefix + middle[0..middleLength) + suffix meets every time window and the capacity.
 * The suffix may be the end depot alone (`suffixStart === suffixRoute.nodes.length - 1`).
 */
export function concatFeasible(
  inst: VrptwInstance,
  prefixRoute: Route,
  prefixEnd: number,
  middle: Int32Array,
  middleLength: number,
  suffixRoute: Route,
  suffixStart: number,
): boolean {
  const { dist, size, service, ready, due, demand, capacity } = inst;
  let node = prefixRoute.nodes[prefixEnd]!;
  let time = prefixRoute.start[prefixEnd]!;
  let load = prefixRoute.load[prefixEnd]!;
  for (let m = 0; m < middleLength; m++) {
    const next = middle[m]!;
    time = Math.max(time + service[node]! + dist[node * size + next]!, ready[next]!);
    if (time > due[next]!) return false;
    load += demand[next]!;
    node = next;
  }
  const suffixNode = suffixRoute.nodes[suffixStart]!;
  // Arriving no later than the latest start is enough: waiting absorbs any earlier arrival.
  if (time + service[node]! + dist[node * size + suffixNode]! > suffixRoute.latest[suffixStart]!) return false;
  const suffixLoad = suffixRoute.totalLoad - suffixRoute.load[suffixStart - 1]!;
  return load + suffixLoad <= capacity;
}

/** Returns true when the depot-to-depot node sequence meets every time window and the capacity. O(length). */
export function sequenceFeasible(inst: VrptwInstance, nodes: ArrayLike<number>, length: number): boolean {
  const { dist, size, service, ready, due, demand, capacity } = inst;
  let time = ready[0]!;
  let load = 0;
  for (let k = 1; k < length; k++) {
    const prev = nodes[k - 1]!;
    const node = nodes[k]!;
    time = Math.max(time + service[prev]! + dist[prev * size + node]!, ready[node]!);
    if (time > due[node]!) return false;
    load += demand[node]!;
  }
  return load <= capacity;
}
