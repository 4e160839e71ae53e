import type { DatedOrder, OrderDelivery, OrderStore, StoredOrder } from './order-store.js';

/** An order removed from memory and disk because `max_pending_orders` was reached. */
export interface EvictedOrder {
  plan_date: string;
  id: string;
  /** True when the removed order was reported delivered, so that no planned work was lost. */
  delivered: boolean;
}

/** Map key of an order of one plan date. Dates have the fixed length of `YYYY-MM-DD`, so two keys never collide. */
function keyOf(planDate: string, id: string): string {
  return `${planDate} ${id}`;
}

function dateOfKey(key: string): string {
  return key.slice(0, 'YYYY-MM-DD'.length);
}

/**
 * Received orders and delivery reports of every kept plan date, in memory and in the order store. Every
 * change is committed to the store before it is applied in memory. Orders keep their arrival order
 * across dates, so that the bound on pending orders removes the oldest first.
 */
export class PendingOrders {
  /** Received orders by plan date and id, oldest first. */
  private readonly orders = new Map<string, DatedOrder>();
  /** Delivery records by plan date and id, for received orders and scenario file orders alike. */
  private readonly deliveries = new Map<string, OrderDelivery>();

  constructor(
    private readonly store: OrderStore,
    private readonly maxOrders: number,
  ) {}

  /** Number of received orders of every date. */
  get size(): number {
    return this.orders.size;
  }

  /**
   * Loads every order and delivery the store contains. Orders beyond the bound, which a lowered
   * `max_pending_orders` leaves, are removed as `add` removes them, and returned.
   */
  load(): EvictedOrder[] {
    for (const delivery of this.store.deliveries()) {
      const { order_id, plan_date, ...record } = delivery;
      this.deliveries.set(keyOf(plan_date, order_id), record);
    }
    const evicted: EvictedOrder[] = [];
    for (const entry of this.store.list()) {
      const removed = this.insert(entry);
      if (removed !== undefined) evicted.push(removed);
    }
    return evicted;
  }

  /**
   * Commits an order of `planDate` to the store and adds it. A new order beyond the bound removes the
   * oldest delivered order, or else the oldest order, from memory and disk, and returns it.
   */
  add(planDate: string, entry: StoredOrder): EvictedOrder | undefined {
    this.store.save(planDate, entry);
    return this.insert({ ...entry, plan_date: planDate });
  }

  private insert(entry: DatedOrder): EvictedOrder | undefined {
    const key = keyOf(entry.plan_date, entry.order.id);
    let evicted: EvictedOrder | undefined;
    if (!this.orders.has(key) && this.orders.size >= this.maxOrders) evicted = this.evictOne();
    this.orders.set(key, entry);
    return evicted;
  }

  private evictOne(): EvictedOrder | undefined {
    const all = [...this.orders.entries()];
    const [key, entry] = all.find(([candidate]) => this.deliveries.has(candidate)) ?? all[0] ?? [];
    if (key === undefined || entry === undefined) return undefined;
    this.store.delete(entry.plan_date, entry.order.id);
    this.orders.delete(key);
    return { plan_date: entry.plan_date, id: entry.order.id, delivered: this.deliveries.has(key) };
  }

  /** Returns the received orders of every date, oldest first. */
  all(): DatedOrder[] {
    return [...this.orders.values()];
  }

  /** Returns the received orders of `planDate`, oldest first. */
  ofDate(planDate: string): DatedOrder[] {
    return this.all().filter((entry) => entry.plan_date === planDate);
  }

  /** Returns the received order `id` of `planDate`, or undefined. */
  get(planDate: string, id: string): DatedOrder | undefined {
    return this.orders.get(keyOf(planDate, id));
  }

  /** Returns the plan dates that have received orders, earliest first. */
  dates(): string[] {
    return [...new Set(this.all().map((entry) => entry.plan_date))].sort();
  }

  /** Returns the delivery record of order `id` of `planDate`, or undefined while it is not delivered. */
  deliveryOf(planDate: string, id: string): OrderDelivery | undefined {
    return this.deliveries.get(keyOf(planDate, id));
  }

  /** Commits the delivery of order `id` of `planDate` to the store and records it. */
  saveDelivery(planDate: string, id: string, delivery: OrderDelivery): void {
    this.store.saveDelivery(planDate, id, delivery);
    this.deliveries.set(keyOf(planDate, id), delivery);
  }

  /** Deletes the orders and deliveries of dates before `planDate` and returns the number of orders deleted. */
  deleteDatesBefore(planDate: string): number {
    const deleted = this.store.deleteDatesBefore(planDate);
    for (const [key, entry] of this.orders) if (entry.plan_date < planDate) this.orders.delete(key);
    for (const key of this.deliveries.keys()) if (dateOfKey(key) < planDate) this.deliveries.delete(key);
    return deleted;
  }

  /** Deletes the orders and deliveries of dates other than `planDate` and returns the number of orders deleted. */
  deleteOtherDates(planDate: string): number {
    const deleted = this.store.deleteOtherDates(planDate);
    for (const [key, entry] of this.orders) if (entry.plan_date !== planDate) this.orders.delete(key);
    for (const key of this.deliveries.keys()) if (dateOfKey(key) !== planDate) this.deliveries.delete(key);
    return deleted;
  }
}
