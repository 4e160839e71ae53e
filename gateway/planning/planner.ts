import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Order, Site } from '../../scheduler/model/demand.js';
import type { Scenario } from '../../scheduler/model/scenario.js';
import type { PlanReport } from '../../scheduler/plan-round.js';
import { ServiceRejection } from '../api/errors.js';
import type { Plan, PlanService, PlanSummary, Unsubscribe } from '../api/services.js';
import { MqttPayloadTooLargeError } from '../mqtt-payload-limit.js';
import { createStoreDirectory } from '../store-directory.js';
import { addDays, localDate, localMidnightMs, systemTimeZone } from './local-time.js';
import { OrderMessageError, type ReadOrder, readOrderMessage } from './order-intake.js';
import {
  type DatedDelivery,
  type DatedOrder,
  type OrderDelivery,
  OrderStore,
  type StoredOrder,
} from './order-store.js';
import { type EvictedOrder, PendingOrders } from './pending-orders.js';
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
  /** Clock of received orders, deliveries, plan ids and, with `plan_date: rolling`, of the plan date. Default `Date.now`. */
  now?: () => number;
  /** Setting named when the store's directory cannot be created. Default `planning.store_path`. */
  store_path_setting?: string;
}

/** An order of one plan date as `GET /api/v1/orders` lists it. */
export interface ListedOrder {
  plan_date: string;
  order: Order;
  /** Arrival time in ms since the epoch, or undefined for a scenario file order. */
  received_ms: number | undefined;
  /** Delivery record, or undefined while the order is not delivered. */
  delivery: OrderDelivery | undefined;
}

/**
 * Returns the vehicles with each shift starting no earlier than `from_min`, minutes since local midnight,
 * because a truck cannot leave in the past. A shift that ended before `from_min` becomes empty.
 */
function availableFrom(vehicles: Scenario['vehicles'], from_min: number): Scenario['vehicles'] {
  return vehicles.map((vehicle) => {
    if (vehicle.shift.start >= from_min) return vehicle;
    const start = Math.min(from_min, vehicle.shift.end);
    return { ...vehicle, shift: { start, end: vehicle.shift.end } };
  });
}

/** Returns the scenario file's parts that hold on every date: all but its orders, `previous_plan` and `now`. */
function fixedParts(base: Scenario): Omit<Scenario, 'orders' | 'previous_plan' | 'now'> {
  const { orders, previous_plan, now, ...fixed } = base;
  return fixed;
}

/**
 * Runs the off-peak sharing scheduler inside the gateway. It collects orders from MQTT and runs a planning
 * round on each node-cron schedule, one at a time, so a tick that finds a round of its date running is
 * skipped and logged. Every plan is kept in SQLite, the latest is published, and the API reads plans from here.
 * With `plan_date: scenario` every round plans the scenario file's `plan_date`. With `rolling` a round
 * plans today's or tomorrow's local date in `time_zone`, and orders of past dates are deleted.
 */
export class Planner implements PlanService {
  private readonly base: Scenario;
  private readonly store: PlanStore;
  private readonly orderStore: OrderStore;
  /** Received orders and delivery records of the kept plan dates, which `orderStore` also has on disk. */
  private readonly pending: PendingOrders;
  /** Sites that came with received orders, by id. The first order that names a site gives its position. */
  private readonly sites = new Map<string, Site>();
  private readonly tasks: ScheduledTask[] = [];
  private readonly listeners = new Set<(plan: Plan) => void>();
  private running: Promise<Plan> | undefined;
  /** Plan date of the round in `running`. */
  private runningDate: string | undefined;
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
    createStoreDirectory(config.store_path, deps.store_path_setting ?? 'planning.store_path');
    this.store = new PlanStore(config.store_path);
    this.orderStore = new OrderStore(config.store_path);
    this.pending = new PendingOrders(this.orderStore, config.max_pending_orders);
    this.now = deps.now ?? Date.now;
    this.timeZone = config.time_zone ?? systemTimeZone();
    this.restoreOrders();
  }

  private get rolling(): boolean {
    return this.config.plan_date === 'rolling';
  }

  /** Returns today's local date in `time_zone`. */
  private today(): string {
    return localDate(this.now(), this.timeZone);
  }

  /** Returns the plan date of a round requested now: today's local date with `rolling`, else the file's. */
  currentPlanDate(): string {
    return this.rolling ? this.today() : this.base.plan_date;
  }

  /**
   * Returns the plan dates whose orders are listed and can be reported delivered: the file's plan date,
   * or with `rolling` today and every later date that has orders, earliest first.
   */
  private keptDates(): string[] {
    if (!this.rolling) return [this.base.plan_date];
    const today = this.today();
    const dates = new Set([this.base.plan_date, ...this.pending.dates()]);
    return [...dates].filter((date) => date >= today).sort();
  }

  /**
   * Loads the stored orders and deliveries. With `scenario`, those of other plan dates than the file's are
   * deleted, because their clock times count from another day's midnight. With `rolling`, those of dates
   * before today are deleted, because no round plans them any more.
   */
  private restoreOrders(): void {
    const today = this.today();
    const deleted = this.rolling
      ? this.pending.deleteDatesBefore(today)
      : this.pending.deleteOtherDates(this.base.plan_date);
    const evicted = this.pending.load();
    for (const entry of this.pending.all()) this.addSites(entry.sites);
    for (const order of evicted) this.reportEvicted(order, undefined);
    if (this.pending.size === 0 && deleted === 0) return;
    if (this.rolling) {
      this.deps.log.info({ restored: this.pending.size, deleted_past_dates: deleted, today }, 'stored orders loaded');
    } else {
      this.deps.log.info(
        { restored: this.pending.size, deleted_other_dates: deleted, plan_date: this.base.plan_date },
        'stored orders loaded',
      );
    }
  }

  /** Deletes the orders and deliveries of dates before today and logs how many orders went. */
  private deletePastOrders(): void {
    const today = this.today();
    const deleted = this.pending.deleteDatesBefore(today);
    if (deleted > 0) this.deps.log.info({ deleted_past_dates: deleted, today }, 'orders of past plan dates deleted');
  }

  private addSites(sites: Site[]): void {
    for (const site of sites) if (!this.sites.has(site.id)) this.sites.set(site.id, site);
  }

  /** Counts and logs an open order removed at `max_pending_orders`. A delivered order goes without a log line. */
  private reportEvicted(evicted: EvictedOrder, newId: string | undefined): void {
    if (evicted.delivered) return;
    this.counters.orders_dropped++;
    const max = this.config.max_pending_orders;
    const room = newId === undefined ? 'at start-up' : `to make room for order ${newId}`;
    this.deps.log.warn(
      { order_id: evicted.id, plan_date: evicted.plan_date, max_pending_orders: max },
      `order ${evicted.id} dropped ${room}: planning.max_pending_orders is reached; raise it or report delivered orders`,
    );
  }

  /**
   * Records that order `id` was delivered and returns the record, after committing it to the order store.
   * Later rounds leave the order out. With `rolling`, the order of the earliest plan date from today on
   * that has one with this id is the one marked. A second report of that order returns the first record.
   * Throws `ServiceRejection('not_found')` for an id that is not an order of a kept plan date.
   */
  markDelivered(id: string, by: string, on_behalf_of?: string): DatedDelivery {
    const planDate = this.keptDates().find((date) => this.allOrders(date).some((order) => order.id === id));
    if (planDate === undefined) {
      const dates = this.rolling ? `today (${this.today()}) or a later plan date` : `plan date ${this.base.plan_date}`;
      throw new ServiceRejection(
        'not_found',
        `order ${JSON.stringify(id)} is not an order of ${dates}; GET /api/v1/orders lists them`,
      );
    }
    const known = this.pending.deliveryOf(planDate, id);
    if (known !== undefined) return { ...known, order_id: id, plan_date: planDate };
    const delivery: OrderDelivery = {
      delivered_ms: this.now(),
      by,
      ...(on_behalf_of !== undefined ? { on_behalf_of } : {}),
    };
    this.pending.saveDelivery(planDate, id, delivery);
    this.deps.log.info({ order_id: id, by, on_behalf_of, plan_date: planDate }, 'order delivered');
    return { ...delivery, order_id: id, plan_date: planDate };
  }

  /** Returns the orders of every kept plan date, earliest date first, each date's file orders first. */
  listOrders(): ListedOrder[] {
    return this.keptDates().flatMap((planDate) =>
      this.allOrders(planDate).map((order) => ({
        plan_date: planDate,
        order,
        received_ms: this.pending.get(planDate, order.id)?.received_ms,
        delivery: this.pending.deliveryOf(planDate, order.id),
      })),
    );
  }

  async start(): Promise<void> {
    for (const schedule of this.config.schedules) {
      const task = cron.schedule(schedule.cron, () => void this.tick(schedule), {
        name: `planning-${schedule.name}`,
        timezone: this.timeZone,
      });
      this.tasks.push(task);
    }
    await this.deps.subscribe?.(this.config.orders_topic, (payload) => this.receiveOrderMessage(payload));
    this.deps.log.info(
      {
        scenario: this.base.name,
        plan_date: this.rolling ? 'rolling' : this.base.plan_date,
        time_zone: this.timeZone,
        schedules: this.config.schedules,
        orders_topic: this.config.orders_topic,
      },
      'planning scheduled',
    );
  }

  /**
   * Adds one order message to the rounds of its plan date and commits it to the order store before
   * returning it. An unreadable message is counted and the `OrderMessageError` rethrown for logging. A
   * failed write to the store is rethrown as it is, and the order is not added.
   */
  receiveOrder(payload: string): DatedOrder {
    let message: ReadOrder;
    try {
      const saleDate = this.rolling ? 'window_from' : 'plan_date';
      message = readOrderMessage(payload, this.currentPlanDate(), this.timeZone, saleDate);
    } catch (error) {
      if (error instanceof OrderMessageError) this.counters.orders_invalid++;
      throw error;
    }
    const entry: StoredOrder = { order: message.order, sites: message.sites, received_ms: this.now() };
    const evicted = this.pending.add(message.plan_date, entry);
    this.addSites(entry.sites);
    if (evicted !== undefined) this.reportEvicted(evicted, entry.order.id);
    this.counters.orders_received++;
    const delivery = this.pending.deliveryOf(message.plan_date, entry.order.id);
    if (delivery !== undefined) {
      const id = entry.order.id;
      this.deps.log.warn(
        { order_id: id, plan_date: message.plan_date, delivered_ms: delivery.delivered_ms },
        `order ${id} of ${message.plan_date} is stored again, but it was reported delivered, so rounds leave it out; give a new delivery a new order id`,
      );
    }
    return { ...entry, plan_date: message.plan_date };
  }

  /**
   * Receives one message of the orders topic and logs an invalid order, which `receiveOrder` counts,
   * with its order id. Other errors, such as a failed write to the order store, are rethrown.
   */
  private receiveOrderMessage(payload: string): void {
    try {
      this.receiveOrder(payload);
    } catch (error) {
      if (!(error instanceof OrderMessageError)) throw error;
      this.deps.log.warn(
        { topic: this.config.orders_topic, code: error.code, order_id: error.order_id, err: error.message },
        'order message invalid',
      );
    }
  }

  /**
   * Runs the round of one tick of the first schedule named `name`, as node-cron does, and returns its
   * plan. With `rolling` the round plans the tick's local date plus the schedule's `day`. A tick that
   * finds a round of the same date running is skipped, and one that finds a round of another date
   * running waits for it, so that two schedules firing at the same minute both get their round. Returns
   * undefined, and logs why, when the tick is skipped or the round fails.
   */
  runScheduledRound(name: string): Promise<Plan | undefined> {
    const schedule = this.config.schedules.find((candidate) => candidate.name === name);
    if (schedule === undefined) throw new Error(`planning.schedules has no schedule named ${JSON.stringify(name)}`);
    return this.tick(schedule);
  }

  private async tick(schedule: PlanningConfig['schedules'][number]): Promise<Plan | undefined> {
    const name = schedule.name;
    let planDate = this.base.plan_date;
    if (this.rolling) planDate = schedule.day === 'tomorrow' ? addDays(this.today(), 1) : this.today();
    if (this.running && this.runningDate === planDate) {
      this.counters.rounds_skipped++;
      this.deps.log.warn({ schedule: name, plan_date: planDate }, 'planning round still running; this tick is skipped');
      return undefined;
    }
    try {
      const plan = await this.runRound(planDate);
      this.deps.log.info(
        { schedule: name, plan_id: plan.id, plan_date: planDate, routes: plan.routes.length },
        'plan ready',
      );
      return plan;
    } catch (error) {
      this.deps.log.error(
        { schedule: name, plan_date: planDate, err: (error as Error).message },
        'planning round failed',
      );
      return undefined;
    }
  }

  /**
   * Builds the scenario of a round of `planDate` (default `currentPlanDate()`): the scenario file with
   * that plan date, every received order of the date and its sites, without the orders reported
   * delivered. The file's own orders, `previous_plan` and `now` belong to the file's plan date, so a
   * round of another date leaves them out. With `rolling`, a round of today starts every vehicle's shift
   * at the current local time at the earliest, so no route leaves in the past and an order whose window
   * has passed is reported unserved.
   */
  scenario(planDate = this.currentPlanDate()): Scenario {
    const knownSites = new Set(this.base.sites.map((site) => site.id));
    const extraSites = [...this.sites.values()].filter((site) => !knownSites.has(site.id));
    const solver = {
      ...this.base.solver,
      ...(this.config.time_limit_s ? { time_limit_s: this.config.time_limit_s } : {}),
    };
    const fileParts = planDate === this.base.plan_date ? this.base : { ...fixedParts(this.base), previous_plan: [] };
    const nowMs = this.now();
    const vehicles =
      this.rolling && planDate === localDate(nowMs, this.timeZone)
        ? availableFrom(fileParts.vehicles, Math.floor((nowMs - localMidnightMs(planDate, this.timeZone)) / 60_000))
        : fileParts.vehicles;
    return {
      ...fileParts,
      vehicles,
      plan_date: planDate,
      sites: [...this.base.sites, ...extraSites],
      orders: this.allOrders(planDate).filter((order) => this.pending.deliveryOf(planDate, order.id) === undefined),
      solver,
    };
  }

  /**
   * Returns the orders of `planDate` (default `currentPlanDate()`): the scenario file's when that is its
   * plan date, then the received ones, delivered orders included.
   */
  allOrders(planDate = this.currentPlanDate()): Order[] {
    const fileOrders = planDate === this.base.plan_date ? this.base.orders : [];
    const fileIds = new Set(fileOrders.map((order) => order.id));
    const received = this.pending
      .ofDate(planDate)
      .map((entry) => entry.order)
      .filter((order) => !fileIds.has(order.id));
    return [...fileOrders, ...received];
  }

  /**
   * Runs a round of `planDate` (default `currentPlanDate()`) now, or waits for the one under way when it
   * plans the same date. A round of another date under way is waited for, and then this one runs.
   */
  runRound(planDate?: string): Promise<Plan> {
    const date = planDate ?? this.currentPlanDate();
    if (this.running) {
      if (this.runningDate === date) return this.running;
      const ignore = () => undefined;
      return this.running.then(ignore, ignore).then(() => this.runRound(planDate));
    }
    if (this.stopped) return Promise.reject(new Error('planning round not started: the planner stopped'));
    if (this.rolling) this.deletePastOrders();
    const scenario = this.scenario(date);
    const created = this.now();
    const abort = new AbortController();
    this.abortRound = abort;
    this.runningDate = date;
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
        this.runningDate = undefined;
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

  /**
   * Returns the newest plan of `planDate`. With `scenario` every plan is of the file's plan date, so this
   * is the newest plan, also one stored before plans named their date.
   */
  latestOf(planDate: string): Plan | undefined {
    return this.rolling ? this.store.latestOf(planDate) : this.store.latest();
  }

  get(id: string): Plan | undefined {
    return this.store.get(id);
  }

  list(): PlanSummary[] {
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
