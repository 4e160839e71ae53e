import { z } from 'zod';
import { idSchema } from './site-schema.js';

/** Keys every timeline event has. */
const eventCommon = {
  /** Event id that expectations refer to. Default: `<event>-<index>`. */
  id: idSchema.optional(),
  /** Simulated minutes from the start of the run. */
  at_min: z.number().min(0),
};

/** Duration of an event that ends on its own, simulated min. */
const durationMin = z
  .number()
  .positive()
  .max(7 * 1440);

const doorOpen = z.strictObject({
  ...eventCommon,
  event: z.literal('door_open'),
  /** Room (or truck) whose door opens. */
  asset: idSchema,
  duration_min: durationMin,
});

const productLoad = z.strictObject({
  ...eventCommon,
  event: z.literal('product_load'),
  asset: idSchema,
  /** Mass brought in, kg. */
  kg: z.number().positive().max(100_000),
  /** Temperature of the product as it arrives, °C. */
  temp_c: z.number().min(-40).max(50),
  /** Specific heat of the product, kJ/(kg·K). Default: the room's. */
  specific_heat_kj_per_kgk: z.number().min(0.5).max(4.5).optional(),
  /** Time the door stays open for the load, simulated min. Default 3. */
  door_min: z.number().min(0).max(120).default(3),
});

const compressorFailure = z.strictObject({
  ...eventCommon,
  event: z.literal('compressor_failure'),
  asset: idSchema,
  /** Time until the compressor is repaired, simulated min. Default: it stays broken. */
  duration_min: durationMin.optional(),
});

const defrostStuck = z.strictObject({
  ...eventCommon,
  event: z.literal('defrost_stuck'),
  asset: idSchema,
  /** Time the heater stays on (a welded contactor), simulated min. */
  duration_min: durationMin,
});

const probeFault = z.strictObject({
  ...eventCommon,
  event: z.literal('probe_fault'),
  device: idSchema,
  /** `stuck` value, `drift` away from the truth, fault `sentinel`, or `disconnected` probe. */
  mode: z.enum(['stuck', 'drift', 'sentinel', 'disconnected']),
  /** Drift rate for `drift`, K per simulated hour. Default 2. */
  drift_k_per_h: z.number().min(-50).max(50).default(2),
  /** Time until the probe recovers, simulated min. Default: it stays faulty. */
  duration_min: durationMin.optional(),
});

const powerCut = z.strictObject({
  ...eventCommon,
  event: z.literal('power_cut'),
  /** Room whose supply fails. Default: every room of the site. */
  asset: idSchema.optional(),
  duration_min: durationMin,
});

const networkCut = z.strictObject({
  ...eventCommon,
  event: z.literal('network_cut'),
  /** Device that loses its link. Default: every device. */
  device: idSchema.optional(),
  duration_min: durationMin,
});

const clockJump = z.strictObject({
  ...eventCommon,
  event: z.literal('clock_jump'),
  device: idSchema,
  /** Step of the device's clock, s; negative jumps back. */
  jump_s: z.number().int().min(-31_536_000).max(31_536_000),
});

const brokerRestart = z.strictObject({
  ...eventCommon,
  event: z.literal('broker_restart'),
  /** Time the broker stays down, real s. Default 2. */
  down_s: z.number().min(0).max(300).default(2),
});

const liveSale = z.strictObject({
  ...eventCommon,
  event: z.literal('live_sale'),
  /** Merchant that runs the sale. */
  merchant_id: idSchema,
  /** Number of orders the sale releases. */
  orders: z.number().int().min(1).max(10_000),
  /** Time over which the orders arrive, simulated min. Default 10. */
  spread_min: z.number().min(0).max(1440).default(10),
  temperature_class: z.enum(['frozen', 'chilled', 'ambient']).default('chilled'),
  /** Delivery window start after the sale, h (off-peak: the next early morning). Default 8. */
  window_from_h: z.number().min(0).max(72).default(8),
  /** Delivery window length, h. Default 4. */
  window_h: z.number().positive().max(48).default(4),
});

export const timelineEventSchema = z.discriminatedUnion('event', [
  doorOpen,
  productLoad,
  compressorFailure,
  defrostStuck,
  probeFault,
  powerCut,
  networkCut,
  clockJump,
  brokerRestart,
  liveSale,
]);

export type TimelineEvent = z.infer<typeof timelineEventSchema>;
export type LiveSaleEvent = z.infer<typeof liveSale>;
