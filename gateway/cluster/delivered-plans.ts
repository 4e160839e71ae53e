/** The plans a node's live feed already got, so that a plan reaching the node twice is handed on once. */
import type { Plan } from '../api/services.js';

/**
 * Plan ids remembered at most. A plan reaches a node twice only when the catch-up read after a
 * reconnect and the channel message of the same plan cross, so only the newest few ids matter.
 */
export const DELIVERED_PLANS_MAX = 64;

export class DeliveredPlans {
  /** Ids in the order they were recorded, oldest first. */
  private readonly ids = new Set<string>();
  private newestCreatedMs: number | undefined;

  /** Records `plan`. Returns false when its id was recorded before. */
  add(plan: Plan): boolean {
    if (this.ids.has(plan.id)) return false;
    this.ids.add(plan.id);
    if (this.ids.size > DELIVERED_PLANS_MAX) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    if (this.newestCreatedMs === undefined || plan.created_ms > this.newestCreatedMs) {
      this.newestCreatedMs = plan.created_ms;
    }
    return true;
  }

  /**
   * Returns true when `plan` is not recorded and was created no earlier than every recorded plan.
   * NOTE: `created_ms` comes from the clock of the leader that made the plan, so after a change of leader
   * a clock that runs behind can make a new plan look older than the previous leader's last one.
   */
  isNewer(plan: Plan): boolean {
    if (this.ids.has(plan.id)) return false;
    return this.newestCreatedMs === undefined || plan.created_ms >= this.newestCreatedMs;
  }
}
