/**
 * Carries each new plan from the planner of the leading cluster node to the API live feed of every node,
 * over the Redis pub/sub channel `<cluster.leader_key>:plans`. The leader hands its own plans to its local
 * listeners directly, and every node skips the messages it published itself, so each listener gets each
 * plan once. Redis pub/sub delivers at most once, so a node whose subscriber connection is down while a
 * plan is published never streams that plan.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Plan, Unsubscribe } from '../api/services.js';
import { RateLimitedLog } from '../rate-limited-log.js';
import { redactUrl } from '../secrets.js';
import type { ClusterConfig } from './cluster-config.js';
import { ClusterError } from './cluster-error.js';

/** Message on the plan channel. */
interface PlanMessage {
  /** `cluster.node_id` of the node whose planner made the plan. */
  node_id: string;
  plan: Plan;
}

/** Returns the Redis channel of the plans of the planner elected through `leader_key`. */
export function planChannel(leader_key: string): string {
  return `${leader_key}:plans`;
}

function parseMessage(text: string): PlanMessage | undefined {
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

export class PlanRelay {
  private readonly listeners = new Set<(plan: Plan) => void>();
  /** Logs a Redis outage or a stream of invalid messages once a minute, with a count of the rest. */
  private readonly problems: RateLimitedLog;

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    readonly channel: string,
    private readonly node_id: string,
    private readonly log: Logger,
  ) {
    this.problems = new RateLimitedLog(log);
  }

  /**
   * Connects the publisher and the subscriber connections and subscribes to the plan channel. Throws
   * `ClusterError` `CLUSTER_REDIS_FAILED` when Redis cannot be reached.
   */
  static async start(cluster: ClusterConfig, log: Logger): Promise<PlanRelay> {
    const { Redis } = await import('ioredis');
    // ioredis reconnects both after a lost connection without limit (its default retryStrategy), and its
    // autoResubscribe subscribes the subscriber again.
    const publisher = new Redis(cluster.redis_url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    const subscriber = new Redis(cluster.redis_url, { lazyConnect: true });
    const relay = new PlanRelay(publisher, subscriber, planChannel(cluster.leader_key), cluster.node_id, log);
    publisher.on('error', (error: Error) => relay.logRedisError(error));
    subscriber.on('error', (error: Error) => relay.logRedisError(error));
    subscriber.on('message', (channel: string, text: string) => {
      if (channel === relay.channel) relay.receive(text);
    });
    try {
      await publisher.connect();
      await subscriber.connect();
      await subscriber.subscribe(relay.channel);
    } catch (error) {
      publisher.disconnect();
      subscriber.disconnect();
      throw new ClusterError(
        'CLUSTER_REDIS_FAILED',
        `node ${cluster.node_id} cannot subscribe to the plan channel ${relay.channel} at ${redactUrl(cluster.redis_url)} (${(error as Error).message}); start Redis or fix cluster.redis_url`,
      );
    }
    log.info({ node_id: cluster.node_id, channel: relay.channel }, 'plan relay subscribed');
    return relay;
  }

  /** Calls `listener` with every plan that the planner of any node of the cluster makes from now on. */
  subscribe(listener: (plan: Plan) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Hands a plan of this node's planner to the local listeners and publishes it to the other nodes.
   * Never rejects: a failed publish is logged, because the plan is already stored by the planner.
   */
  async publish(plan: Plan): Promise<void> {
    this.deliver(plan);
    const message: PlanMessage = { node_id: this.node_id, plan };
    try {
      await this.publisher.publish(this.channel, JSON.stringify(message));
    } catch (error) {
      this.log.warn(
        { node_id: this.node_id, channel: this.channel, plan_id: plan.id, err: (error as Error).message },
        'plan not published to the other cluster nodes; their live feeds miss it',
      );
    }
  }

  /** Unsubscribes and closes both connections. */
  async stop(): Promise<void> {
    this.listeners.clear();
    await this.subscriber.unsubscribe(this.channel).catch(() => undefined);
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }

  private receive(text: string): void {
    const message = parseMessage(text);
    if (message === undefined) {
      this.problems.warn(
        'invalid',
        { channel: this.channel, bytes: text.length },
        'ignored a message on the plan channel that is not {"node_id", "plan"} JSON',
      );
      return;
    }
    if (message.node_id === this.node_id) return;
    this.deliver(message.plan);
  }

  private deliver(plan: Plan): void {
    for (const listener of this.listeners) {
      try {
        listener(plan);
      } catch (error) {
        this.log.error({ plan_id: plan.id, err: (error as Error).message }, 'plan listener failed');
      }
    }
  }

  private logRedisError(error: Error): void {
    this.problems.warn('redis', { channel: this.channel, err: error.message }, 'plan relay redis error; reconnecting');
  }
}
