/**
 * Interfaces of the features the API serves but does not own: alarms, capacity sharing, the scheduler
 * and reports. The gateway passes their implementations to `createApiServer`; a route whose service is
 * missing returns `API_SERVICE_UNAVAILABLE`. Methods may return a value or a promise, and reject a
 * request by throwing `ServiceRejection`.
 */

type MaybePromise<T> = T | Promise<T>;

/** Stops a subscription. */
export type Unsubscribe = () => void;

/** Severity, lowest first. */
export type AlarmLevel = 'warning' | 'alarm' | 'critical';
export type AlarmState = 'active' | 'acknowledged' | 'closed';

/** One step in an alarm's life. */
export interface AlarmEvent {
  time_ms: number;
  action: 'raised' | 'escalated' | 'cleared' | 'acknowledged' | 'commented' | 'closed';
  /**
   * Operator who acted: the authenticated user when the API requires a login, else the name the client
   * sent. Absent for steps the gateway took.
   */
  who?: string;
  /** Name that the authenticated user `who` typed for someone else; their claim, not verified. */
  on_behalf_of?: string;
  /**
   * Operator's comment, the corrective action for `closed`, or the gateway's reason for a `cleared` whose
   * condition was not seen to end (`device removed from the configuration`).
   */
  comment?: string;
}

/** A cold-chain alarm as the operator sees it. */
export interface Alarm {
  id: string;
  site: string;
  asset: string;
  device?: string;
  level: AlarmLevel;
  state: AlarmState;
  /** Kind of condition, such as `high_temp` or `door_open_too_long`. */
  kind: string;
  /** Human-readable description with the value and the limit. */
  message: string;
  raised_ms: number;
  /** True while the condition still holds; an acknowledged alarm can still be active. */
  condition_active: boolean;
  history: AlarmEvent[];
}

/** Person an operator action records; see `AlarmEvent.who` and `AlarmEvent.on_behalf_of`. */
export interface OperatorActor {
  who: string;
  on_behalf_of?: string;
}

export interface AlarmFilter {
  state?: AlarmState;
  asset?: string;
}

export interface AlarmService {
  list(filter: AlarmFilter): MaybePromise<Alarm[]>;
  /** Returns `undefined` for an unknown id. */
  get(id: string): MaybePromise<Alarm | undefined>;
  /** Throws `ServiceRejection('not_found' | 'conflict')`. */
  acknowledge(id: string, actor: OperatorActor, comment: string): MaybePromise<Alarm>;
  /** Adds an operator's comment to the alarm, in any state. Throws `ServiceRejection('not_found')`. */
  comment(id: string, actor: OperatorActor, comment: string): MaybePromise<Alarm>;
  /** Closes the alarm with the corrective action taken. Throws `ServiceRejection('not_found' | 'conflict')`. */
  close(id: string, actor: OperatorActor, corrective_action: string): MaybePromise<Alarm>;
  /** Calls `listener` with every raised or changed alarm, for the live feed. */
  subscribe?(listener: (alarm: Alarm) => void): Unsubscribe;
}

export type TemperatureClass = 'frozen' | 'chilled' | 'ambient';

/** Spare capacity a truck or cold room offers to the pool. */
export interface CapacityOffer {
  id: string;
  /** Company or person offering the capacity. */
  owner: string;
  kind: 'truck' | 'cold_room';
  /**
   * Why the asset is idle: a truck parked inside its shift with its refrigeration unit off, a moving
   * truck whose load reading is at or below the empty threshold, or free volume in a cold-room zone.
   */
  reason: 'parked_unit_off' | 'running_empty' | 'free_volume';
  asset: string;
  temperature_class: TemperatureClass;
  capacity_kg: number;
  capacity_m3: number;
  available_from_ms: number;
  available_to_ms: number;
}

/** A clock-time window of the plan day, `HH:MM` with hours 0-47 for the night after. */
export interface ClockWindow {
  start: string;
  end: string;
}

/** A pooled delivery order as submitted. */
export interface OrderInput {
  merchant_id: string;
  pickup_site_id: string;
  delivery_site_id: string;
  temperature_class: TemperatureClass;
  weight_kg: number;
  volume_m3: number;
  pickup_window: ClockWindow;
  delivery_window: ClockWindow;
  /** Weight of leaving the order unserved: 1 normal, higher is more urgent. */
  priority?: number;
}

export interface Order extends OrderInput {
  id: string;
  /** Plan date `YYYY-MM-DD` whose midnight the windows count from, and whose rounds plan the order. */
  plan_date?: string;
  submitted_ms: number;
  status: 'open' | 'planned' | 'unserved' | 'delivered';
  /** Time the order was reported delivered, only with status `delivered`. */
  delivered_ms?: number;
  /**
   * User who reported the delivery when the API requires a login, else the name the client sent. Only
   * with status `delivered`.
   */
  delivered_by?: string;
  /** Name that the user in `delivered_by` typed for someone else; their claim, not verified. */
  delivered_on_behalf_of?: string;
}

export interface CapacityService {
  offers(): MaybePromise<CapacityOffer[]>;
  orders(): MaybePromise<Order[]>;
  /** Throws `ServiceRejection('invalid')` for an order the pool cannot accept (unknown site, window). */
  submit(order: OrderInput): MaybePromise<Order>;
  /**
   * Records that an order was delivered, so later rounds leave it out, and returns the order. A repeated
   * report returns the first one's time. Throws `ServiceRejection('not_found')` for an unknown id.
   */
  markDelivered(id: string, actor: OperatorActor): MaybePromise<Order>;
}

/** Figures of one way of serving the same orders. */
export interface PlanFigures {
  trips: number;
  km: number;
  /** Mean load of the trips as a fraction of capacity, 0 to 1. */
  load_factor: number;
  kg_co2: number;
  orders_served: number;
}

export interface PlanStop {
  site_id: string;
  name: string;
  kind: 'depot' | 'pickup' | 'delivery';
  /** Longitude of the stop's site in degrees, 0 when the site has no position. */
  x: number;
  /** Latitude of the stop's site in degrees, 0 when the site has no position. */
  y: number;
  /**
   * Clock times `HH:MM` of arrival, of service start after waiting for the stop's window, and of
   * departure. The start depot gives its departure in all three, the end depot its return.
   */
  arrival: string;
  service_start: string;
  departure: string;
  order_ids: string[];
}

export interface PlanRoute {
  truck_id: string;
  stops: PlanStop[];
  /** Load carried on the route, kg by temperature class. */
  load_kg: Record<TemperatureClass, number>;
  km: number;
}

export interface Plan {
  id: string;
  /** Name of the scenario the plan was computed for. */
  scenario: string;
  /**
   * Date `YYYY-MM-DD` the plan is for. Its clock times count from that date's local midnight. Plans
   * stored by gateway versions without this field lack it.
   */
  plan_date?: string;
  created_ms: number;
  routes: PlanRoute[];
  unserved: Array<{ order_id: string; reason: string }>;
  /**
   * Pooled plan against each merchant delivering on their own, both for the orders the pooled plan
   * serves. `baseline_unserved` lists those orders the merchants' own vans could not serve.
   */
  comparison: { pooled: PlanFigures; baseline: PlanFigures; baseline_unserved: string[] };
}

/** One entry of the plan list. */
export type PlanSummary = Pick<Plan, 'id' | 'scenario' | 'plan_date' | 'created_ms'>;

export interface PlanService {
  latest(): MaybePromise<Plan | undefined>;
  get(id: string): MaybePromise<Plan | undefined>;
  list(): MaybePromise<PlanSummary[]>;
  /** Computes a plan for the named scenario. Throws `ServiceRejection('invalid')` for an unknown scenario. */
  run(scenario: string): MaybePromise<Plan>;
  subscribe?(listener: (plan: Plan) => void): Unsubscribe;
}

export interface ReportInfo {
  id: string;
  title: string;
  created_ms: number;
  formats: Array<'pdf' | 'csv'>;
}

export interface RenderedReport {
  filename: string;
  body: Buffer | string;
}

/** Window of one report download, ms since the epoch. The service picks any bound that is missing. */
export interface ReportWindowRequest {
  from_ms?: number;
  to_ms?: number;
}

export interface ReportService {
  list(): MaybePromise<ReportInfo[]>;
  /**
   * Returns `undefined` when the report or the format does not exist. Throws
   * `ServiceRejection('invalid')` for a window it cannot report.
   */
  render(id: string, format: 'pdf' | 'csv', window?: ReportWindowRequest): MaybePromise<RenderedReport | undefined>;
}

/** Temperature limits of an asset, °C, drawn on its chart. */
export interface TemperatureLimits {
  min_c?: number;
  max_c?: number;
}
