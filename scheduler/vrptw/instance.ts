/**
 * A VRPTW instance in solver form: node 0 is the depot, nodes 1..n are customers. Travel time equals
 * the double-precision Euclidean distance, time windows bound the start of service, waiting is allowed
 * and service follows the start (the conventions of Solomon 1987).
 */

import { countText } from '../common/count-text.js';
import { InvalidInputError } from '../common/errors.js';

/** One customer or the depot, as given in the input. */
export interface VrptwNode {
  x: number;
  y: number;
  demand: number;
  ready_time: number;
  due_time: number;
  service_time: number;
}

/** Input of the VRPTW solver: node 0 is the depot and its due time is the horizon. */
export interface VrptwInput {
  name: string;
  /** Capacity of every vehicle, in demand units. The fleet size is unlimited. */
  vehicle_capacity: number;
  nodes: VrptwNode[];
}

/** Flat arrays of an instance, plus the distance matrix and nearest-neighbour lists. */
export interface VrptwInstance {
  name: string;
  size: number;
  capacity: number;
  demand: Float64Array;
  ready: Float64Array;
  due: Float64Array;
  service: Float64Array;
  /** Row-major `size × size` matrix of Euclidean distances, which are also the travel times. */
  dist: Float64Array;
  /** For each node, the other customers ordered by a distance-plus-time-window proximity. */
  neighbours: Int32Array[];
}

/** Number of neighbours kept per customer; local-search moves only pair a customer with these. */
export const NEIGHBOUR_COUNT = 40;

/** Builds the solver arrays; throws `InvalidInputError` when a customer cannot be served at all. */
export function buildInstance(input: VrptwInput): VrptwInstance {
  const size = input.nodes.length;
  if (size < 2)
    throw new InvalidInputError(
      `instance ${input.name} has ${countText(size, 'node')}; it needs a depot and a customer`,
    );
  const demand = new Float64Array(size);
  const ready = new Float64Array(size);
  const due = new Float64Array(size);
  const service = new Float64Array(size);
  const dist = new Float64Array(size * size);
  input.nodes.forEach((node, i) => {
    demand[i] = node.demand;
    ready[i] = node.ready_time;
    due[i] = node.due_time;
    service[i] = node.service_time;
  });
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const a = input.nodes[i]!;
      const b = input.nodes[j]!;
      dist[i * size + j] = Math.hypot(a.x - b.x, a.y - b.y);
    }
  }
  for (let i = 1; i < size; i++) {
    if (demand[i]! > input.vehicle_capacity) {
      throw new InvalidInputError(
        `customer ${i} of ${input.name} has demand ${demand[i]} above the vehicle capacity ${input.vehicle_capacity}`,
      );
    }
    if (Math.max(dist[i]!, ready[i]!) > due[i]!) {
      throw new InvalidInputError(`customer ${i} of ${input.name} cannot be reached from the depot before ${due[i]}`);
    }
  }
  const instance: VrptwInstance = {
    name: input.name,
    size,
    capacity: input.vehicle_capacity,
    demand,
    ready,
    due,
    service,
    dist,
    neighbours: [],
  };
  instance.neighbours = buildNeighbours(instance);
  return instance;
}

/**
 * Orders customers by distance plus a penalty for time windows that cannot follow each other closely,
 * in the spirit of the granular neighbourhoods of Vidal et al. (2013): both directions are considered.
 */
function buildNeighbours(inst: VrptwInstance): Int32Array[] {
  const { size, dist, ready, due, service } = inst;
  const lists: Int32Array[] = [new Int32Array(0)];
  for (let i = 1; i < size; i++) {
    const scored: { node: number; score: number }[] = [];
    for (let j = 1; j < size; j++) {
      if (j === i) continue;
      const d = dist[i * size + j]!;
      const waitIJ = Math.max(0, ready[j]! - d - service[i]! - due[i]!);
      const lateIJ = Math.max(0, ready[i]! + service[i]! + d - due[j]!);
      const waitJI = Math.max(0, ready[i]! - d - service[j]! - due[j]!);
      const lateJI = Math.max(0, ready[j]! + service[j]! + d - due[i]!);
      const penalty = Math.min(0.2 * waitIJ + lateIJ, 0.2 * waitJI + lateJI);
      scored.push({ node: j, score: d + penalty });
    }
    scored.sort((a, b) => a.score - b.score);
    lists.push(Int32Array.from(scored.slice(0, NEIGHBOUR_COUNT).map((s) => s.node)));
  }
  return lists;
}
