/**
 * Demand side of a scenario: pooled group orders from live-commerce sessions, each a pickup at a
 * merchant or cold room and a delivery to a village station or address.
 */
import { z } from 'zod';
import { temperatureClassSchema } from './carbon-factors.js';
import { windowSchema } from './clock.js';

/** A place trucks stop at. */
export const siteSchema = z.object({
  id: z.string().min(1),
  name: z.string().default(''),
  kind: z.enum(['depot', 'merchant', 'cold_room', 'village_station', 'address']),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});
export type Site = z.infer<typeof siteSchema>;

/** One group order. */
export const orderSchema = z.object({
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
export type Order = z.infer<typeof orderSchema>;
