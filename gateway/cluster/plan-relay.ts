/**
 * Carries each new plan from the planner of the leading cluster node to the API live feed of every node,
 * over the Redis pub/sub channel `<cluster.leader_key>:plans`. The leader hands its own plans to its local
 * listeners directly, and every node skips the messages it published itself, so each listener gets each
 * plan once. Redis pub/sub delivers at most once, so the leader also stores its newest plan in the key
 * `<cluster.leader_key>:plans:latest`, in the same transaction as the publish. A node whose subscriber
 * connection was down reads that key once the connection is back, and hands the plan on when its live
 * feed has not had it. A publish that fails is sent again when the publisher connection is back.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Plan, Unsubscribe } from '../api/services.js';
import { RateLimitedLog } from '../rate-limited-log.js';
import { redactUrl } from '../secrets.js';
import type { ClusterConfig } from './cluster-config.js';
import { ClusterError } from './cluster-error.js';
import { DeliveredPlans } from './delivered-plans.js';
import { type PlanMessage, parseMessage } from './plan-message.js';
import { RESEND_PLAN_SCRIPT } from './resend-plan-script.js';

/** A plan of this node whose publish failed, kept to be sent again. */
interface UnsentPlan {
  text: string;
  plan_id: string;
  created_ms: number;
}

/** Returns the Redis channel of the plans of the planner elected through `leader_key`. */
export function planChannel(leader_key: string): string {
  return `${leader_key}:plans`;
}

/** Returns the Redis key of the newest plan of the planner elected through `leader_key`. */
export function latestPlanKey(leader_key: string): string {
  return `${planChannel(leader_key)}:latest`;
}

export class PlanRelay {
  private readonly listeners = new Set<(plan: Plan) => void>();
  /** Logs a Redis outage or a stream of invalid messages once a minute, with a count of the rest. */
  private readonly problems: RateLimitedLog;
  private readonly delivered = new DeliveredPlans();
  /** This node's newest plan while its publish has not succeeded. */
  private unsent: UnsentPlan | undefined;
  /** True when the read of the latest-plan key after a reconnect failed, so it runs again. */
  private catchUpPending = false;
  private stopped = false;

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    readonly channel: string,
    readonly latestKey: string,
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
    // autoResubscribe subscribes the subscriber again. The names show the node in Redis CLIENT LIST.
    const publisher = new Redis(cluster.redis_url, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      connectionName: `coldpool-plans-pub:${cluster.node_id}`,
    });
    const subscriber = new Redis(cluster.redis_url, {
      lazyConnect: true,
      connectionName: `coldpool-plans-sub:${cluster.node_id}`,
    });
    const relay = new PlanRelay(
      publisher,
      subscriber,
      planChannel(cluster.leader_key),
      latestPlanKey(cluster.leader_key),
      cluster.node_id,
      log,
    );
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
    await relay.recordStoredPlan();
    // Registered after the first connection, so that each 'ready' event from here on is a reconnect.
    subscriber.on('ready', () => {
      if (!relay.stopped) void relay.catchUp();
    });
    publisher.on('ready', () => relay.onPublisherReady());
    log.info({ node_id: cluster.node_id, channel: relay.channel }, 'plan relay subscribed');
    return relay;
  }

  /**
   * Calls `listener` with every plan that the planner of any node of the cluster makes from now on. A
   * plan published while this node's subscriber connection was down comes once the connection is back,
   * unless a newer plan came first.
   */
  subscribe(listener: (plan: Plan) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Hands a plan of this node's planner to the local listeners, stores it as the latest plan and
   * publishes it to the other nodes. Never rejects: a failed publish is logged and sent again when the
   * publisher connection comes back, because the plan is already stored by the planner.
   */
  async publish(plan: Plan): Promise<void> {
    this.delivered.add(plan);
    this.deliver(plan);
    const message: PlanMessage = { node_id: this.node_id, plan };
    const unsent = { text: JSON.stringify(message), plan_id: plan.id, created_ms: plan.created_ms };
    this.unsent = unsent;
    try {
      const results = await this.publisher
        .multi()
        .set(this.latestKey, unsent.text)
        .publish(this.channel, unsent.text)
        .exec();
      const failed = results?.find(([error]) => error !== null)?.[0];
      if (results === null || failed) throw failed ?? new Error('the transaction was aborted');
    } catch (error) {
      this.logUnsent(unsent, error as Error);
      return;
    }
    if (this.unsent === unsent) this.unsent = undefined;
  }

  /** Unsubscribes and closes both connections. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.listeners.clear();
    await this.subscriber.unsubscribe(this.channel).catch(() => undefined);
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }

  /** Sends the unsent plan again, unless a newer leader stored a later plan meanwhile. */
  private async resend(unsent: UnsentPlan): Promise<void> {
    let receivers: unknown;
    try {
      receivers = await this.publisher.eval(
        RESEND_PLAN_SCRIPT,
        1,
        this.latestKey,
        unsent.text,
        String(unsent.created_ms),
        this.channel,
      );
    } catch (error) {
      this.logUnsent(unsent, error as Error);
      return;
    }
    if (this.unsent === unsent) this.unsent = undefined;
    const fields = { node_id: this.node_id, plan_id: unsent.plan_id };
    if (receivers === -1) this.log.info(fields, 'unsent plan dropped, because the cluster stored a later plan');
    else this.log.info(fields, 'plan published to the other cluster nodes after a failed publish');
  }

  private logUnsent(unsent: UnsentPlan, error: Error): void {
    this.log.warn(
      { node_id: this.node_id, channel: this.channel, plan_id: unsent.plan_id, err: error.message },
      'plan not published to the other cluster nodes; publishing it again after the next reconnect to Redis',
    );
  }

  private onPublisherReady(): void {
    if (this.stopped) return;
    if (this.catchUpPending) void this.catchUp();
    if (this.unsent !== undefined) void this.resend(this.unsent);
  }

  /**
   * Records the plan in the latest-plan key at start without handing it on, because it was made before
   * this node subscribed. A later catch-up then hands on only a plan published after it.
   */
  private async recordStoredPlan(): Promise<void> {
    try {
      const text = await this.publisher.get(this.latestKey);
      const message = text === null ? undefined : parseMessage(text);
      if (message !== undefined) this.delivered.add(message.plan);
    } catch (error) {
      this.log.warn(
        { node_id: this.node_id, key: this.latestKey, err: (error as Error).message },
        'plan relay could not read the latest plan at start; a reconnect may hand on that older plan',
      );
    }
  }

  /** Hands on the plan in the latest-plan key when the live feed has not had it or a newer one. */
  private async catchUp(): Promise<void> {
    let text: string | null;
    try {
      // Redis replies to this SUBSCRIBE after the one ioredis sends on reconnect. From that reply on,
      // every later plan comes on the channel, and the GET below reads the key after every earlier plan
      // was stored, because the leader sets the key and publishes in one transaction.
      await this.subscriber.subscribe(this.channel);
      text = await this.publisher.get(this.latestKey);
    } catch (error) {
      this.catchUpPending = true;
      this.problems.warn(
        'catch-up',
        { node_id: this.node_id, key: this.latestKey, err: (error as Error).message },
        'plan relay could not read the latest plan after a reconnect; retrying after the next reconnect to Redis',
      );
      return;
    }
    this.catchUpPending = false;
    if (text === null) return;
    const message = parseMessage(text);
    if (message === undefined) {
      this.problems.warn(
        'invalid-latest',
        { key: this.latestKey, bytes: text.length },
        'ignored the latest-plan key because it is not {"node_id", "plan"} JSON',
      );
      return;
    }
    if (!this.delivered.isNewer(message.plan)) return;
    this.delivered.add(message.plan);
    this.log.info(
      { node_id: this.node_id, plan_id: message.plan.id, from_node: message.node_id },
      'plan relay handed on a plan published while its subscriber connection was down',
    );
    this.deliver(message.plan);
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
    // False for a plan that a catch-up read already handed on.
    if (!this.delivered.add(message.plan)) return;
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
