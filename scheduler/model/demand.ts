/**
 * Demand side of a scenario: pooled group orders from live-commerce sessions, each a pickup at a
 * merchant or cold room and a delivery to a village station or address.
 */
import { z } from 'zod';
import { temperatureClassSchema } from './carbon-factors.js';
import { formatClock, windowSchema } from './clock.js';

/** A place trucks stop at. */
export const siteSchema = z.object({
  id: z.string().min(1),
  name: z.string().default(''),
  kind: z.enum(['depot', 'merchant', 'cold_room', 'village_station', 'address']),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});
export type Site = z.infer<typeof siteSchema>;

/** Fields of one group order, each checked on its own. */
const orderFieldsSchema = z.object({
  id: z.string().min(1),
  /** Merchant that sold the goods and pays its share. */
  merchant_id: z.string().min(1),
  /** Live-commerce session the order came from. Default: none. */
  session_id: z.string().optional(),
  /** Site where the goods are collected (the merchant's premises or a cold room). */
  pickup_site_id: z.string().min(1),
  /** Site where the goods are handed over. */
  delivery_site_id: z.string().min(1),
  temperature_class: temperatureClassSchema,
  weight_kg: z.number().positive(),
  volume_m3: z.number().positive(),
  /** When the goods can be collected. */
  pickup_window: windowSchema,
  /** When the receiver accepts them. A window that opens after the wave ends makes the order a staging candidate. */
  delivery_window: windowSchema,
  /** Loading time at the pickup, minutes. Default 3. */
  pickup_service_min: z.number().nonnegative().default(3),
  /** Unloading time at the delivery, minutes. Default 2. */
  delivery_service_min: z.number().nonnegative().default(2),
  /** Weight of leaving the order unserved: 1 normal, higher is more urgent. Default 1. */
  priority: z.number().positive().default(1),
});

/**
 * One group order. A delivery window that ends before the pickup window opens leaves the order
 * unservable, so every intake path (scenario file, API, MQTT) rejects it instead of planning it unserved.
 */
export const orderSchema = orderFieldsSchema.check((ctx) => {
  const { pickup_window: pickup, delivery_window: delivery } = ctx.value;
  // An invalid clock time is NaN here and already has its own issue.
  const times = [pickup.start, pickup.end, delivery.start, delivery.end];
  if (!times.every(Number.isFinite) || delivery.end >= pickup.start) return;
  const pickupText = `${formatClock(pickup.start)}-${formatClock(pickup.end)}`;
  const deliveryText = `${formatClock(delivery.start)}-${formatClock(delivery.end)}`;
  ctx.issues.push({
    code: 'custom',
    input: ctx.value,
    path: ['delivery_window'],
    message:
      `delivery window ${deliveryText} ends before the pickup window ${pickupText} opens, so no truck can ` +
      `serve the order; end the delivery window at ${formatClock(pickup.start)} or later, or open the ` +
      `pickup window by ${formatClock(delivery.end)}`,
  });
});
export type Order = z.infer<typeof orderSchema>;
