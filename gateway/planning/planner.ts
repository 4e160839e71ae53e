import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Order, Site } from '../../scheduler/model/demand.js';
import type { Scenario } from '../../scheduler/model/scenario.js';
import type { PlanReport } from '../../scheduler/plan-round.js';
import { ServiceRejection } from '../api/errors.js';
import type { Plan, PlanService, Unsubscribe } from '../api/services.js';
import { MqttPayloadTooLargeError } from '../mqtt-payload-limit.js';
import { createStoreDirectory } from '../store-directory.js';
import { systemTimeZone } from './local-time.js';
import { OrderMessageError, readOrderMessage } from './order-intake.js';
import { type OrderDelivery, OrderStore, type StoredOrder } from './order-store.js';
import { PlanStore } from './plan-store.js';
import { planView } from './plan-view.js';
import { checkPlanningSetup } from './planning-check.js';
import type { PlanningConfig } from './planning-config.js';
import { runPlanInWorker } from './run-plan.js';

/** Time a round waits for the publish of its plan before it finishes without it, in milliseconds. */
export const PLAN_PUBLISH_TIMEOUT_MS = 10_000;

/** Time `Planner.stop()` waits for a running round before it abandons it, in milliseconds. */
export const PLANNER_STOP_TIMEOUT_MS = 5_000;

/** Counts of one planner since it started. /metrics serves them as `coldpool_planning_*_total`. */
export interface PlanningCounters {
  /** Orders received over MQTT or the API and added to the next round. */
  orders_received: number;
  /** Open orders deleted unplanned because `max_pending_orders` was reached. */
  orders_dropped: number;
  /** Order messages rejected because they could not be read or failed validation. */
  orders_invalid: number;
  /** Rounds whose plan was stored. */
  rounds: number;
  /** Scheduled ticks skipped because the previous round was still running. */
  rounds_skipped: number;
}

export interface PlannerDeps {
  log: Logger;
  /**
   * Publishes a plan; `retain` keeps the latest on the broker for late subscribers. The round waits at
   * most `publish_timeout_ms` for it.
   */
  publish?: (topic: string, payload: string, retain: boolean) => Promise<void>;
  /** Default `PLAN_PUBLISH_TIMEOUT_MS`. */
  publish_timeout_ms?: number;
  /** Default `PLANNER_STOP_TIMEOUT_MS`. */
  stop_timeout_ms?: number;
  /** Runs the search of one round; `signal` aborts it. Default: a worker thread (`runPlanInWorker`). */
  run_plan?: (scenario: Scenario, signal: AbortSignal) => Promise<PlanReport>;
  /** Subscribes to the orders topic. */
  subscribe?: (topic: string, handler: (payload: string) => void) => Promise<void>;
  now?: () => number;
}

/**
 * Runs the off-peak sharing scheduler inside the gateway. It collects orders from MQTT and runs a planning
 * round on each node-cron schedule, one at a time, so a tick that finds a round running is skipped and
 * logged. Every plan is kept in SQLite, the latest is published, and the API reads plans from here.
 */
export class Planner implements PlanService {
  private readonly base: Scenario;
  private readonly store: PlanStore;
  private readonly orderStore: OrderStore;
  /** Orders of the next round by arrival, oldest first; `orderStore` has the same orders on disk. */
  private readonly orders = new Map<string, StoredOrder>();
  /** Delivery records of the plan date's orders, by order id. Later rounds leave these orders out. */
  private readonly deliveries = new Map<string, OrderDelivery>();
  private readonly sites = new Map<string, Site>();
  private readonly tasks: ScheduledTask[] = [];
  private readonly listeners = new Set<(plan: Plan) => void>();
  private running: Promise<Plan> | undefined;
  private abortRound: AbortController | undefined;
  private stopped = false;
  private readonly now: () => number;
  /** IANA time zone of the cron schedules and of the scenario's clock times. */
  readonly timeZone: string;
  readonly counters: PlanningCounters = {
    orders_received: 0,
    orders_dropped: 0,
    orders_invalid: 0,
    rounds: 0,
    rounds_skipped: 0,
  };

  constructor(
    private readonly config: PlanningConfig,
    private readonly deps: PlannerDeps,
  ) {
    this.base = checkPlanningSetup(config);
    createStoreDirectory(config.store_path, 'planning.store_path');
    this.store = new PlanStore(config.store_path);
    this.orderStore = new OrderStore(config.store_path);
    this.now = deps.now ?? Date.now;
    this.timeZone = config.time_zone ?? systemTimeZone();
    this.restoreOrders();
  }

  /**
   * Loads the orders stored for the base scenario's plan date. Orders of other plan dates are deleted,
   * because their clock times count from another day's midnight.
   */
  private restoreOrders(): void {
    const expired = this.orderStore.deleteOtherDates(this.base.plan_date);
    const stored = this.orderStore.list(this.base.plan_date);
    for (const [id, delivery] of this.orderStore.deliveries(this.base.plan_date)) this.deliveries.set(id, delivery);
    for (const entry of stored) this.addOrder(entry);
    if (stored.length > 0 || expired > 0) {
      this.deps.log.info(
        { restored: this.orders.size, deleted_other_dates: expired, plan_date: this.base.plan_date },
        'stored orders loaded',
      );
    }
  }

  /**
   * Adds an order to the next round. When the bound is reached, the oldest delivered order makes room,
   * or else the oldest order, which counts as dropped. Either leaves memory and disk.
   */
  private addOrder(entry: StoredOrder): void {
    for (const site of entry.sites) if (!this.sites.has(site.id)) this.sites.set(site.id, site);
    if (!this.orders.has(entry.order.id) && this.orders.size >= this.config.max_pending_orders) {
      const delivered = [...this.orders.keys()].find((id) => this.deliveries.has(id));
      const evicted = delivered ?? this.orders.keys().next().value;
      if (evicted !== undefined) {
        this.orders.delete(evicted);
        this.orderStore.delete(evicted);
      }
      if (delivered === undefined && evicted !== undefined) {
        this.counters.orders_dropped++;
        this.deps.log.warn(
          { order_id: evicted, max_pending_orders: this.config.max_pending_orders },
          `order ${evicted} dropped to make room for order ${entry.order.id}: planning.max_pending_orders is reached; raise it or report delivered orders`,
        );
      }
    }
    this.orders.set(entry.order.id, entry);
  }

  /**
   * Records that order `id` was delivered and returns the record, after committing it to the order store.
   * Later rounds leave the order out. A second report of the same order returns the first record.
   * Throws `ServiceRejection('not_found')` for an id that is not an order of the plan date.
   */
  markDelivered(id: string, by: string): OrderDelivery {
    const known = this.deliveries.get(id);
    if (known !== undefined) return known;
    if (!this.allOrders().some((order) => order.id === id)) {
      throw new ServiceRejection(
        'not_found',
        `order ${JSON.stringify(id)} is not an order of plan date ${this.base.plan_date}; GET /api/v1/orders lists them`,
      );
    }
    const delivery: OrderDelivery = { delivered_ms: this.now(), by };
    this.orderStore.saveDelivery(this.base.plan_date, id, delivery);
    this.deliveries.set(id, delivery);
    this.deps.log.info({ order_id: id, by, plan_date: this.base.plan_date }, 'order delivered');
    return delivery;
  }

  /** Returns the delivery record of order `id`, or undefined while it is not delivered. */
  deliveryOf(id: string): OrderDelivery | undefined {
    return this.deliveries.get(id);
  }

  async start(): Promise<void> {
    for (const schedule of this.config.schedules) {
      const task = cron.schedule(schedule.cron, () => this.tick(schedule.name), {
        name: `planning-${schedule.name}`,
        timezone: this.timeZone,
      });
      this.tasks.push(task);
    }
    await this.deps.subscribe?.(this.config.orders_topic, (payload) => this.receiveOrder(payload));
    this.deps.log.info(
      {
        scenario: this.base.name,
        plan_date: this.base.plan_date,
        time_zone: this.timeZone,
        schedules: this.config.schedules,
        orders_topic: this.config.orders_topic,
      },
      'planning scheduled',
    );
  }

  /**
   * Adds one order message to the next round and commits it to the order store before returning it. An
   * unreadable message is counted and the `OrderMessageError` rethrown for logging. A failed write to
   * the store is rethrown as it is, and the order is not added.
   */
  receiveOrder(payload: string): Order {
    let message: { order: Order; sites: Site[] };
    try {
      message = readOrderMessage(payload, this.base.plan_date, this.timeZone);
    } catch (error) {
      if (error instanceof OrderMessageError) this.counters.orders_invalid++;
      throw error;
    }
    const entry: StoredOrder = { ...message, received_ms: this.now() };
    this.orderStore.save(this.base.plan_date, entry);
    this.addOrder(entry);
    this.counters.orders_received++;
    return entry.order;
  }

  /** Returns when the order with `id` was received, in ms since the epoch, or undefined for a scenario order. */
  receivedAt(id: string): number | undefined {
    return this.orders.get(id)?.received_ms;
  }

  private tick(name: string): void {
    if (this.running) {
      this.counters.rounds_skipped++;
      this.deps.log.warn({ schedule: name }, 'planning round still running; this tick is skipped');
      return;
    }
    this.runRound().then(
      (plan) => this.deps.log.info({ schedule: name, plan_id: plan.id, routes: plan.routes.length }, 'plan ready'),
      (error: Error) => this.deps.log.error({ schedule: name, err: error.message }, 'planning round failed'),
    );
  }

  /**
   * Builds the scenario of the next round: the base file plus every stored order and its sites, without
   * the orders reported delivered.
   * NOTE: every round plans the `plan_date` of the scenario file, whatever day the round runs on, because
   * received orders are stored as clock times of that date. See docs/scheduler.md.
   */
  scenario(): Scenario {
    const knownSites = new Set(this.base.sites.map((site) => site.id));
    const extraSites = [...this.sites.values()].filter((site) => !knownSites.has(site.id));
    const solver = {
      ...this.base.solver,
      ...(this.config.time_limit_s ? { time_limit_s: this.config.time_limit_s } : {}),
    };
    return {
      ...this.base,
      sites: [...this.base.sites, ...extraSites],
      orders: this.allOrders().filter((order) => !this.deliveries.has(order.id)),
      solver,
    };
  }

  /** Returns the scenario file's orders, then the received ones, delivered orders included. */
  allOrders(): Order[] {
    const baseOrders = new Set(this.base.orders.map((order) => order.id));
    const extraOrders = [...this.orders.values()]
      .map((entry) => entry.order)
      .filter((order) => !baseOrders.has(order.id));
    return [...this.base.orders, ...extraOrders];
  }

  /** Runs a round now, or waits for the one under way. */
  runRound(): Promise<Plan> {
    if (this.running) return this.running;
    const scenario = this.scenario();
    const created = this.now();
    const abort = new AbortController();
    this.abortRound = abort;
    const runPlan = this.deps.run_plan ?? runPlanInWorker;
    this.running = runPlan(scenario, abort.signal)
      .then(async (report) => {
        if (this.stopped) throw new Error('planning round abandoned: the planner stopped');
        const plan = planView(`plan-${created}`, created, scenario, report);
        this.store.save(plan, report);
        this.counters.rounds++;
        // Warnings such as a search cut short by the time limit; the stored report keeps them too.
        for (const warning of report.warnings ?? []) this.deps.log.warn({ plan_id: plan.id }, `plan round: ${warning}`);
        for (const listener of this.listeners) listener(plan);
        await this.publishPlan(plan);
        return plan;
      })
      .finally(() => {
        this.running = undefined;
        this.abortRound = undefined;
      });
    return this.running;
  }

  /**
   * Publishes a stored plan and logs why when it is not published. Waits at most `publish_timeout_ms`, and
   * never rejects, so a broker that does not acknowledge cannot hold the round or later rounds.
   */
  private async publishPlan(plan: Plan): Promise<void> {
    const publish = this.deps.publish;
    if (!publish) return;
    const topic = this.config.plans_topic;
    const timeoutMs = this.deps.publish_timeout_ms ?? PLAN_PUBLISH_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`publish timed out after ${timeoutMs} ms without an acknowledgement from the broker`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([publish(topic, JSON.stringify(plan), true), timeout]);
    } catch (error) {
      const route = `/api/v1/plans/${plan.id}`;
      if (error instanceof MqttPayloadTooLargeError) {
        this.deps.log.warn(
          { plan_id: plan.id, topic, size_bytes: error.size_bytes, limit_bytes: error.limit_bytes, route },
          `plan not published on ${topic}: ${error.size_bytes} bytes exceeds mqtt.broker.max_payload_bytes ` +
            `(${error.limit_bytes} bytes); raise that limit to publish plans, which the API serves at ${route} either way`,
        );
        return;
      }
      this.deps.log.warn(
        { plan_id: plan.id, topic, err: (error as Error).message, route },
        `plan not published on ${topic}; the API serves it at ${route}`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  latest(): Plan | undefined {
    return this.store.latest();
  }

  get(id: string): Plan | undefined {
    return this.store.get(id);
  }

  list(): Array<Pick<Plan, 'id' | 'scenario' | 'created_ms'>> {
    return this.store.list();
  }

  run(scenario: string): Promise<Plan> {
    if (scenario !== this.base.name) {
      throw new ServiceRejection('invalid', `unknown scenario "${scenario}"; this gateway plans "${this.base.name}"`);
    }
    return this.runRound();
  }

  subscribe(listener: (plan: Plan) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Stops the schedules and waits at most `stop_timeout_ms` for a running round. A round still running
   * then is aborted and logged, and its plan is not stored.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const task of this.tasks.splice(0)) await task.destroy();
    const running = this.running;
    if (running) {
      const timeoutMs = this.deps.stop_timeout_ms ?? PLANNER_STOP_TIMEOUT_MS;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timed_out'>((resolve) => {
        timer = setTimeout(() => resolve('timed_out'), timeoutMs);
      });
      const outcome = await Promise.race([
        running.then(
          () => 'finished' as const,
          () => 'finished' as const,
        ),
        timedOut,
      ]);
      clearTimeout(timer);
      if (outcome === 'timed_out') {
        this.abortRound?.abort();
        this.deps.log.warn(
          { timeout_ms: timeoutMs },
          `planning round still running ${timeoutMs} ms after the stop request; it is abandoned and its plan is not stored`,
        );
      }
    }
    this.store.close();
    this.orderStore.close();
  }
}
