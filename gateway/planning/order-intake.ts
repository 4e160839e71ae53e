import { z } from 'zod';
import { type Order, orderSchema, type Site } from '../../scheduler/model/demand.js';
import { localDate, localMidnightMs } from './local-time.js';

/** An order message that cannot be planned; the message names the field and what is expected. */
export class OrderMessageError extends Error {
  readonly code = 'PLANNING_ORDER_INVALID';
  constructor(
    message: string,
    /** Id of the order, when the message has a readable one. */
    readonly order_id?: string,
  ) {
    super(message);
    this.name = 'OrderMessageError';
  }
}

const place = z.object({
  site_id: z.string().min(1),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});

/** The shape live-commerce platforms and the simulator publish: places with positions, one time window. */
const saleOrderSchema = z.object({
  order_id: z.string().min(1),
  merchant_id: z.string().min(1),
  pickup: place,
  delivery: place,
  temperature_class: z.enum(['frozen', 'chilled', 'ambient']),
  kg: z.number().positive(),
  m3: z.number().positive(),
  window: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }),
});

/** Minutes since local midnight of the plan date in `zone`, as `HH:MM` with hours up to 47 for the next day. */
function clockOf(iso: string, planDate: string, zone: string): string {
  const minutes = Math.floor((Date.parse(iso) - localMidnightMs(planDate, zone)) / 60_000);
  const bounded = Math.min(Math.max(minutes, 0), 47 * 60 + 59);
  return `${Math.floor(bounded / 60)}:${String(bounded % 60).padStart(2, '0')}`;
}

/** Returns the id of an order message, `order_id` for a sale order and `id` otherwise, if it is a string. */
function idOf(data: unknown, key: 'id' | 'order_id'): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const id: unknown = (data as Record<string, unknown>)[key];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Builds the error for an order message that fails its schema, listing every invalid field. */
function invalidMessage(issues: readonly z.core.$ZodIssue[], orderId: string | undefined): OrderMessageError {
  const fields = issues.map((issue) => `field ${issue.path.join('.') || '(message)'}: ${issue.message}`);
  const subject = orderId === undefined ? 'order message' : `order ${orderId}:`;
  return new OrderMessageError(`${subject} ${fields.join('; ')}; see docs/scheduler.md for the order shape`, orderId);
}

/** An order read from a message, with the sites it brings and the plan date its clock times count from. */
export interface ReadOrder {
  order: Order;
  sites: Site[];
  plan_date: string;
}

/**
 * Plan date of a sale order. `plan_date`: the `planDate` argument. `window_from`: the local date of
 * `window.from`, which must not be before `planDate`.
 */
export type SaleOrderDate = 'plan_date' | 'window_from';

/**
 * Reads one order message: either a scheduler order (site ids of the scenario) or a sale order with
 * positions, whose unknown places become new sites. A scheduler order belongs to `planDate`, and a sale
 * order to the date that `saleDate` selects. A sale order's window instants become clock times of its
 * date in time zone `zone`. Throws `OrderMessageError`.
 */
export function readOrderMessage(
  payload: string,
  planDate: string,
  zone: string,
  saleDate: SaleOrderDate = 'plan_date',
): ReadOrder {
  let data: unknown;
  try {
    data = JSON.parse(payload);
  } catch {
    throw new OrderMessageError('order message is not valid JSON; publish one JSON object per order');
  }
  // A message with `order_id` or `window` is a sale order. Any other object is read as a scheduler
  // order, so that its errors name the fields the sender used.
  const isSale = typeof data === 'object' && data !== null && ('order_id' in data || 'window' in data);
  if (!isSale) {
    const direct = orderSchema.safeParse(data);
    if (direct.success) return { order: direct.data, sites: [], plan_date: planDate };
    throw invalidMessage(direct.error.issues, idOf(data, 'id'));
  }
  const sale = saleOrderSchema.safeParse(data);
  if (!sale.success) throw invalidMessage(sale.error.issues, idOf(data, 'order_id'));
  return readSaleOrder(sale.data, planDate, zone, saleDate);
}

type SaleOrder = z.infer<typeof saleOrderSchema>;

/**
 * Sale-order field that each scheduler-order field is converted from, so that an error after the
 * conversion names the field the sender used.
 */
const SALE_FIELDS: Record<string, string> = {
  id: 'order_id',
  merchant_id: 'merchant_id',
  pickup_site_id: 'pickup.site_id',
  delivery_site_id: 'delivery.site_id',
  temperature_class: 'temperature_class',
  weight_kg: 'kg',
  volume_m3: 'm3',
  pickup_window: 'window',
  delivery_window: 'window',
};

/** Converts a valid sale order to a scheduler order with its two sites. Throws `OrderMessageError`. */
function readSaleOrder(value: SaleOrder, planDate: string, zone: string, saleDate: SaleOrderDate): ReadOrder {
  const id = value.order_id;
  if (Date.parse(value.window.to) < Date.parse(value.window.from)) {
    throw new OrderMessageError(
      `order ${id}: window.to ${value.window.to} is before window.from ${value.window.from}; ` +
        'send a window that ends at or after its start',
      id,
    );
  }
  const orderDate = saleDate === 'window_from' ? localDate(Date.parse(value.window.from), zone) : planDate;
  if (orderDate < planDate) {
    throw new OrderMessageError(
      `order ${id}: window.from ${value.window.from} falls on ${orderDate} in ${zone}, before ` +
        `today's plan date ${planDate}, so no round plans it; send orders whose window starts today or later`,
      id,
    );
  }
  const window = {
    start: clockOf(value.window.from, orderDate, zone),
    end: clockOf(value.window.to, orderDate, zone),
  };
  const converted = orderSchema.safeParse({
    id,
    merchant_id: value.merchant_id,
    pickup_site_id: value.pickup.site_id,
    delivery_site_id: value.delivery.site_id,
    temperature_class: value.temperature_class,
    weight_kg: value.kg,
    volume_m3: value.m3,
    pickup_window: window,
    delivery_window: window,
  });
  if (!converted.success) throw conversionError(converted.error.issues, value, orderDate, zone);
  const order = converted.data;
  const sites: Site[] = [
    {
      id: value.pickup.site_id,
      name: value.pickup.site_id,
      kind: 'merchant',
      lat: value.pickup.lat,
      lon: value.pickup.lon,
    },
    {
      id: value.delivery.site_id,
      name: value.delivery.site_id,
      kind: 'village_station',
      lat: value.delivery.lat,
      lon: value.delivery.lon,
    },
  ];
  return { order, sites, plan_date: orderDate };
}

/**
 * Builds the error for a sale order that passed its own schema but not the scheduler's. It names the
 * sale-order fields and leaves out the scheduler's advice on clock times, which the sender did not write.
 */
function conversionError(
  issues: readonly z.core.$ZodIssue[],
  value: SaleOrder,
  orderDate: string,
  zone: string,
): OrderMessageError {
  const problems = new Set<string>();
  for (const issue of issues) {
    const field = SALE_FIELDS[String(issue.path[0])] ?? String(issue.path[0] ?? '(message)');
    if (field === 'window') {
      problems.add(
        `window.from ${value.window.from} and window.to ${value.window.to} do not form a window within ` +
          `${orderDate} and the next day in ${zone}`,
      );
    } else {
      problems.add(`field ${field}: ${issue.message}`);
    }
  }
  return new OrderMessageError(
    `order ${value.order_id}: ${[...problems].join('; ')}; see docs/scheduler.md for the sale order shape`,
    value.order_id,
  );
}
