import { describe, expect, it } from 'vitest';
import { OrderMessageError, readOrderMessage } from '../../../gateway/planning/order-intake.js';

const PLAN_DATE = '2026-12-06';
const ZONE = 'UTC';

function saleOrder(window: { from: string; to: string }): string {
  return JSON.stringify({
    order_id: 'sale-7',
    merchant_id: 'm1',
    pickup: { site_id: 'p1', lat: 31.2, lon: 121.5 },
    delivery: { site_id: 'd1', lat: 31.3, lon: 121.6 },
    temperature_class: 'chilled',
    kg: 5,
    m3: 0.01,
    window,
  });
}

function clockOrder(pickup_window: { start: string; end: string }): string {
  return JSON.stringify({
    id: 'clock-3',
    merchant_id: 'm1',
    pickup_site_id: 'p1',
    delivery_site_id: 'd1',
    temperature_class: 'frozen',
    weight_kg: 5,
    volume_m3: 0.01,
    pickup_window,
    delivery_window: { start: '17:00', end: '23:00' },
  });
}

/** Returns the `OrderMessageError` that reading `payload` throws. */
function readError(payload: string): OrderMessageError {
  try {
    readOrderMessage(payload, PLAN_DATE, ZONE);
  } catch (error) {
    if (error instanceof OrderMessageError) return error;
    throw new Error(`expected an OrderMessageError, got ${String(error)}`);
  }
  throw new Error('expected an OrderMessageError, but the message was read');
}

describe('sale order intake', () => {
  it('rejects a reversed window', () => {
    const error = readError(saleOrder({ from: '2026-12-06T22:00:00Z', to: '2026-12-06T18:00:00Z' }));
    expect(error.order_id).toBe('sale-7');
    expect(error.code).toBe('PLANNING_ORDER_INVALID');
    expect(error.message).toBe(
      'order sale-7: window.to 2026-12-06T18:00:00Z is before window.from 2026-12-06T22:00:00Z; ' +
        'send a window that ends at or after its start',
    );
  });

  it('names only sale fields', () => {
    const error = readError(saleOrder({ from: '2026-12-06T22:00:00Z', to: '2026-12-06T18:00:00Z' }));
    expect(error.message).not.toContain('pickup_window');
    expect(error.message).not.toContain('delivery_window');
    expect(error.message).not.toContain('hours 24 to 47');
  });

  it('accepts an empty window', () => {
    const { order } = readOrderMessage(
      saleOrder({ from: '2026-12-06T18:00:00Z', to: '2026-12-06T18:00:00Z' }),
      PLAN_DATE,
      ZONE,
    );
    expect(order.pickup_window).toEqual({ start: 18 * 60, end: 18 * 60 });
  });

  it('names the id of an invalid sale order', () => {
    const payload = JSON.parse(saleOrder({ from: '2026-12-06T18:00:00Z', to: '2026-12-06T20:00:00Z' }));
    payload.kg = -1;
    const error = readError(JSON.stringify(payload));
    expect(error.order_id).toBe('sale-7');
    expect(error.message).toMatch(/^order sale-7: field kg: /);
  });
});

describe('scheduler order intake', () => {
  it('names the id of a reversed window', () => {
    const error = readError(clockOrder({ start: '22:00', end: '18:00' }));
    expect(error.order_id).toBe('clock-3');
    expect(error.message).toMatch(/^order clock-3: field pickup_window: window start 22:00 is after its end 18:00/);
  });

  it('reports a message without an id', () => {
    const payload = JSON.parse(clockOrder({ start: '17:00', end: '21:00' }));
    delete payload.id;
    const error = readError(JSON.stringify(payload));
    expect(error.order_id).toBeUndefined();
    expect(error.message).toMatch(/^order message field id: /);
  });
});

describe('order window order', () => {
  it('rejects a delivery before pickup', () => {
    const payload = JSON.parse(clockOrder({ start: '17:30', end: '21:30' })) as Record<string, unknown>;
    payload.delivery_window = { start: '10:00', end: '11:00' };
    const error = readError(JSON.stringify(payload));
    expect(error.message).toContain(
      'order clock-3: field delivery_window: delivery window 10:00-11:00 ends before the pickup window 17:30-21:30 opens',
    );
    expect(error.order_id).toBe('clock-3');
  });

  it('skips the rule for invalid times', () => {
    const payload = JSON.parse(clockOrder({ start: '8pm', end: '21:30' })) as Record<string, unknown>;
    payload.delivery_window = { start: '10:00', end: '11:00' };
    const error = readError(JSON.stringify(payload));
    expect(error.message).toContain('field pickup_window.start: clock time "8pm" is invalid');
    expect(error.message).not.toContain('NaN');
    expect(error.message).not.toContain('ends before the pickup window');
  });

  it('accepts a delivery ending at pickup', () => {
    const payload = JSON.parse(clockOrder({ start: '17:30', end: '21:30' })) as Record<string, unknown>;
    payload.delivery_window = { start: '10:00', end: '17:30' };
    expect(readOrderMessage(JSON.stringify(payload), PLAN_DATE, ZONE).order.delivery_window.end).toBe(17 * 60 + 30);
  });

  it('accepts a next-day delivery', () => {
    const payload = JSON.parse(clockOrder({ start: '17:30', end: '21:30' })) as Record<string, unknown>;
    payload.delivery_window = { start: '32:00', end: '36:00' };
    expect(readOrderMessage(JSON.stringify(payload), PLAN_DATE, ZONE).order.delivery_window.start).toBe(32 * 60);
  });
});
