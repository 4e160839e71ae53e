/** The JSON message that carries a plan between cluster nodes, on the plan channel and in the latest-plan key. */
import type { Plan } from '../api/services.js';

/** Message on the plan channel. */
export interface PlanMessage {
  /** `cluster.node_id` of the node whose planner made the plan. */
  node_id: string;
  plan: Plan;
}

/** Returns the message in `text`, or undefined when it is not `{"node_id", "plan"}` JSON with a plan id. */
export function parseMessage(text: string): PlanMessage | undefined {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null) return undefined;
  const { node_id, plan } = message as Record<string, unknown>;
  if (typeof node_id !== 'string' || typeof plan !== 'object' || plan === null) return undefined;
  if (typeof (plan as Record<string, unknown>).id !== 'string') return undefined;
  return { node_id, plan: plan as Plan };
}
