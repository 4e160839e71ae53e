/**
 * The plan service of a cluster node for the HTTP API. A node has a planner only while it leads, so every
 * call goes to the current planner. A follower lists no plans and rejects a run. The live feed gets the
 * plans of whichever node leads through `feed`, so it moves with the lease.
 */
import { ServiceRejection } from '../api/errors.js';
import type { PlanService } from '../api/services.js';
import type { Planner } from '../planning/planner.js';
import type { PlanRelay } from './plan-relay.js';

/**
 * Returns a `PlanService` that forwards to `current()`, the planner while this node leads, and subscribes
 * to the plans of every node's planner through `feed`.
 */
export function leaderPlanService(current: () => Planner | undefined, feed: Pick<PlanRelay, 'subscribe'>): PlanService {
  return {
    latest: () => current()?.latest(),
    get: (id) => current()?.get(id),
    list: () => current()?.list() ?? [],
    run(scenario) {
      const planner = current();
      if (planner === undefined) {
        throw new ServiceRejection(
          'conflict',
          'this cluster node does not run the planner because another node holds the leader lease; send the request to the leader',
        );
      }
      return planner.run(scenario);
    },
    subscribe: (listener) => feed.subscribe(listener),
  };
}
