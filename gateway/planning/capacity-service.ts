import { detectIdleCapacity, type IdleOffer, type TruckSnapshot } from '../../scheduler/idle/detect.js';
import { formatClock } from '../../scheduler/model/clock.js';
import type { Order as SchedulerOrder } from '../../scheduler/model/demand.js';
import { ServiceRejection } from '../api/errors.js';
import type { CapacityOffer, CapacityService, OperatorActor, Order, OrderInput } from '../api/services.js';
import type { Reading } from '../reading.js';
import { localDate, localMidnightMs } from './local-time.js';
import { OrderMessageError } from './order-intake.js';
import type { DatedOrder } from './order-store.js';
import type { Planner } from './planner.js';

/** Below this speed a truck counts as parked, km/h. */
const PARKED_BELOW_KMH = 1;

/**
 * Idle capacity and orders for the API. Trucks are watched through their `reefer` readings: speed,
 * refrigeration unit state and, where a device profile maps one, a `load_kg` field. The shipped reefer
 * profiles carry no load, so a moving truck is offered only when a load reading shows it running empty.
 */
export class PlanningCapacity implements CapacityService {
  private readonly trucks = new Map<string, TruckSnapshot>();
  private nextId = 1;
  /** Trucks of the scenario file; readings of other assets are not looked at. */
  private readonly vehicleIds: ReadonlySet<string>;

  constructor(
    private readonly planner: Planner,
    private readonly now: () => number = Date.now,
  ) {
    this.vehicleIds = new Set(planner.scenario().vehicles.map((vehicle) => vehicle.id));
  }

  /** Updates the snapshot of a scenario truck from one of its reefer readings. */
  observe(reading: Reading): void {
    if (reading.measurement !== 'reefer') return;
    const id = reading.tags.asset ?? '';
    if (!this.vehicleIds.has(id)) return;
    const speed = reading.fields.speed_kmh;
    const unit = reading.fields.unit_on;
    const load = reading.fields.load_kg;
    const previous = this.trucks.get(id);
    let status: TruckSnapshot['status'] = previous?.status ?? 'parked';
    if (typeof speed === 'number') status = speed < PARKED_BELOW_KMH ? 'parked' : 'moving';
    this.trucks.set(id, {
      vehicle_id: id,
      time_ms: reading.time_ms,
      status,
      unit_on: typeof unit === 'boolean' ? unit : (previous?.unit_on ?? true),
      load_kg: typeof load === 'number' ? load : previous?.load_kg,
    });
  }

  offers(): CapacityOffer[] {
    const scenario = this.planner.scenario();
    const now = this.now();
    // Shifts repeat daily, so clock times count from a local midnight in the planning zone. A shift that
    // runs past 24:00 started the day before, so yesterday's shifts are checked as well as today's.
    const zone = this.planner.timeZone;
    const dayStart = localMidnightMs(localDate(now, zone), zone);
    const previousDayStart = localMidnightMs(localDate(dayStart - 1, zone), zone);
    const trucks = [...this.trucks.values()];
    const byAsset = new Map<string, IdleOffer>();
    for (const day_start_ms of [previousDayStart, dayStart]) {
      for (const offer of detectIdleCapacity(scenario.vehicles, scenario.cold_rooms, trucks, [], {
        now_ms: now,
        day_start_ms,
      })) {
        const known = byAsset.get(offer.asset_id);
        // Overlapping shifts of two days can offer the same truck twice, so the offer that ends later is kept.
        if (known === undefined || offer.expires_ms > known.expires_ms) byAsset.set(offer.asset_id, offer);
      }
    }
    const idle = [...byAsset.values()].sort((left, right) => left.asset_id.localeCompare(right.asset_id));
    return idle.flatMap((offer): CapacityOffer[] => {
      const vehicle = scenario.vehicles.find((candidate) => candidate.id === offer.asset_id);
      if (!vehicle) return [];
      return vehicle.compartments.map((compartment) => ({
        id: `${offer.asset_id}/${compartment.id}@${offer.from_ms}`,
        owner: offer.owner_id,
        kind: 'truck',
        reason: offer.reason,
        asset: offer.asset_id,
        temperature_class: compartment.temperature_class,
        capacity_kg: compartment.capacity_kg,
        capacity_m3: compartment.capacity_m3,
        available_from_ms: offer.from_ms,
        available_to_ms: offer.expires_ms,
      }));
    });
  }

  /**
   * Lists the orders of every kept plan date. `planned` and `unserved` come from the newest plan of the
   * order's date.
   */
  orders(): Order[] {
    const latestByDate = new Map<string, { unserved: Set<string>; planned: Set<string> }>();
    const outcomesOf = (planDate: string) => {
      let outcomes = latestByDate.get(planDate);
      if (outcomes === undefined) {
        const latest = this.planner.latestOf(planDate);
        outcomes = {
          unserved: new Set(latest?.unserved.map((order) => order.order_id) ?? []),
          planned: new Set(latest?.routes.flatMap((route) => route.stops.flatMap((stop) => stop.order_ids)) ?? []),
        };
        latestByDate.set(planDate, outcomes);
      }
      return outcomes;
    };
    return this.planner.listOrders().map((entry) => {
      const { unserved, planned } = outcomesOf(entry.plan_date);
      const id = entry.order.id;
      const view: Order = {
        ...toInput(entry.order),
        id,
        plan_date: entry.plan_date,
        submitted_ms: entry.received_ms ?? 0,
        status: unserved.has(id) ? 'unserved' : planned.has(id) ? 'planned' : 'open',
      };
      const delivery = entry.delivery;
      if (delivery === undefined) return view;
      return {
        ...view,
        status: 'delivered',
        delivered_ms: delivery.delivered_ms,
        delivered_by: delivery.by,
        ...(delivery.on_behalf_of !== undefined ? { delivered_on_behalf_of: delivery.on_behalf_of } : {}),
      };
    });
  }

  /** Records a delivery. `actor` is the reporter's name, or an `OperatorActor` with the name they act for. */
  markDelivered(id: string, actor: string | OperatorActor): Order {
    const { who, on_behalf_of } = typeof actor === 'string' ? { who: actor, on_behalf_of: undefined } : actor;
    const delivered = this.planner.markDelivered(id, who, on_behalf_of);
    const order = this.orders().find((candidate) => candidate.id === id && candidate.plan_date === delivered.plan_date);
    // markDelivered throws for an id that listOrders does not list, so the order is found.
    if (order === undefined) throw new ServiceRejection('not_found', `order ${JSON.stringify(id)} not found`);
    return order;
  }

  submit(input: OrderInput): Order {
    const sites = new Set(this.planner.scenario().sites.map((site) => site.id));
    for (const key of ['pickup_site_id', 'delivery_site_id'] as const) {
      if (!sites.has(input[key])) {
        throw new ServiceRejection('invalid', `${key} "${input[key]}" is not a site of the planning scenario`);
      }
    }
    const id = `api-${this.now()}-${this.nextId++}`;
    let stored: DatedOrder;
    try {
      // The planner commits the order to its SQLite store before it returns.
      stored = this.planner.receiveOrder(JSON.stringify({ ...input, id }));
    } catch (error) {
      if (error instanceof OrderMessageError) throw new ServiceRejection('invalid', error.message);
      throw error;
    }
    return { ...input, id, plan_date: stored.plan_date, submitted_ms: stored.received_ms, status: 'open' };
  }
}

function toInput(order: SchedulerOrder): OrderInput {
  return {
    merchant_id: order.merchant_id,
    pickup_site_id: order.pickup_site_id,
    delivery_site_id: order.delivery_site_id,
    temperature_class: order.temperature_class,
    weight_kg: order.weight_kg,
    volume_m3: order.volume_m3,
    pickup_window: { start: formatClock(order.pickup_window.start), end: formatClock(order.pickup_window.end) },
    delivery_window: { start: formatClock(order.delivery_window.start), end: formatClock(order.delivery_window.end) },
    priority: order.priority,
  };
}
