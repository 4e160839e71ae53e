import { deriveSeed, Prng } from '../physics/prng.js';
import { COUNTY_ROUTE, type RouteStop } from '../physics/route.js';
import type { LiveSaleEvent } from './timeline-schema.js';

/** MQTT topic the orders of a live sale are published on. */
export const ORDERS_TOPIC = 'coldpool/orders/in';

/** A place in an order. */
export interface OrderPlace {
  site_id: string;
  lat: number;
  lon: number;
}

/**
 * One order as published on `coldpool/orders/in` (JSON, QoS 1):
 * `{ "order_id", "merchant_id", "pickup": {site_id, lat, lon}, "delivery": {site_id, lat, lon},
 * "temperature_class", "kg", "m3", "window": {"from", "to"} }`, window bounds as ISO 8601 UTC.
 */
export interface SaleOrder {
  order_id: string;
  merchant_id: string;
  pickup: OrderPlace;
  delivery: OrderPlace;
  temperature_class: 'frozen' | 'chilled' | 'ambient';
  kg: number;
  m3: number;
  window: { from: string; to: string };
}

/** Typical density of boxed chilled and frozen food with packaging, kg/m³ (an estimate). */
const PACKED_KG_PER_M3 = 250;

function place(stop: RouteStop): OrderPlace {
  return { site_id: stop.name, lat: stop.lat, lon: stop.lon };
}

/**
 * Draws the orders a live sale releases: each picked up at the depot (the merchant's cold room) and
 * delivered to one of the villages, 2 to 25 kg, within the sale's off-peak window. `sale_ms` is the
 * simulated time of the sale; the same seed draws the same orders.
 */
export function saleOrders(event: LiveSaleEvent, event_id: string, sale_ms: number, seed: number): SaleOrder[] {
  const prng = new Prng(deriveSeed(seed, 700));
  const depot = COUNTY_ROUTE[0]!;
  const villages = COUNTY_ROUTE.slice(1);
  const from_ms = sale_ms + event.window_from_h * 3_600_000;
  const to_ms = from_ms + event.window_h * 3_600_000;
  return Array.from({ length: event.orders }, (_, index) => {
    const kg = Math.round(prng.uniform(2, 25) * 10) / 10;
    const village = villages[Math.floor(prng.next() * villages.length)]!;
    return {
      order_id: `${event_id}-${String(index + 1).padStart(4, '0')}`,
      merchant_id: event.merchant_id,
      pickup: place(depot),
      delivery: place(village),
      temperature_class: event.temperature_class,
      kg,
      m3: Math.round((kg / PACKED_KG_PER_M3) * 1000) / 1000,
      window: { from: new Date(from_ms).toISOString(), to: new Date(to_ms).toISOString() },
    };
  });
}
