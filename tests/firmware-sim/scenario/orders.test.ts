import { describe, expect, it } from 'vitest';
import { saleOrders } from '../../../firmware-sim/scenario/orders.js';
import { type LiveSaleEvent, timelineEventSchema } from '../../../firmware-sim/scenario/timeline-schema.js';

const SALE = timelineEventSchema.parse({
  at_min: 30,
  event: 'live_sale',
  merchant_id: 'coop-peach',
  orders: 50,
}) as LiveSaleEvent;
const SALE_MS = Date.parse('2026-07-18T12:00:00.000Z');

describe('saleOrders', () => {
  it('releases the configured count', () => {
    expect(saleOrders(SALE, 'sale', SALE_MS, 1)).toHaveLength(50);
  });

  it('numbers orders by event id', () => {
    expect(saleOrders(SALE, 'sale', SALE_MS, 1)[0]?.order_id).toBe('sale-0001');
  });

  it('sets the off-peak window', () => {
    const [order] = saleOrders(SALE, 'sale', SALE_MS, 1);
    expect(order?.window).toEqual({ from: '2026-07-18T20:00:00.000Z', to: '2026-07-19T00:00:00.000Z' });
  });

  it('keeps weights and volumes plausible', () => {
    for (const order of saleOrders(SALE, 'sale', SALE_MS, 1)) {
      expect(order.kg).toBeGreaterThanOrEqual(2);
      expect(order.kg).toBeLessThanOrEqual(25);
      expect(order.m3).toBeCloseTo(order.kg / 250, 3);
    }
  });

  it('repeats orders for a seed', () => {
    expect(saleOrders(SALE, 'sale', SALE_MS, 5)).toEqual(saleOrders(SALE, 'sale', SALE_MS, 5));
  });
});
