import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseScenario } from '../../scheduler/model/scenario.js';

type Document = Record<string, unknown> & { wave: Record<string, unknown>; orders: Array<Record<string, unknown>> };

function fixture(): Document {
  return parseYaml(readFileSync('tests/fixtures/planning/small-county.yaml', 'utf8')) as Document;
}

function errorOf(data: unknown): string {
  try {
    parseScenario(data);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('parseScenario accepted the document');
}

describe('scenario errors', () => {
  it('accepts the fixture', () => {
    expect(parseScenario(fixture()).orders).toHaveLength(2);
  });

  it('explains an unquoted clock time', () => {
    const data = fixture();
    data.wave.start = 1020;
    const message = errorOf(data);
    expect(message).toContain('wave.start = 1020: expected a clock time as a string, got the number 1020 (17:00)');
    expect(message).toContain('quote clock times');
  });

  it('names the order and window values', () => {
    const data = fixture();
    data.orders[1]!.pickup_window = { start: '21:30', end: '17:30' };
    expect(errorOf(data)).toContain('orders[1] (order o2) pickup_window: window start 21:30 is after its end 17:30');
  });

  it('rejects a delivery before pickup', () => {
    const data = fixture();
    data.orders[1]!.pickup_window = { start: '17:30', end: '21:30' };
    data.orders[1]!.delivery_window = { start: '10:00', end: '11:00' };
    expect(errorOf(data)).toContain(
      'orders[1] (order o2) delivery_window: delivery window 10:00-11:00 ends before the pickup window 17:30-21:30 opens',
    );
  });

  it('counts one problem in the singular', () => {
    const data = fixture();
    data.wave.start = 1020;
    expect(errorOf(data)).toContain('scenario is invalid; fix this problem:\n');
  });

  it('lists schema and reference problems together', () => {
    const data = fixture();
    data.wave.start = 1020;
    data.orders[1]!.pickup_window = { start: '21:30', end: '17:30' };
    data.orders.push({ ...data.orders[0], id: 'o003', delivery_site_id: 'nowhere' });
    const message = errorOf(data);
    expect(message).toContain('fix these 3 problems');
    expect(message).toContain('wave.start = 1020');
    expect(message).toContain('orders[1] (order o2) pickup_window');
    expect(message).toContain('orders[2] (order o003) delivery_site_id = "nowhere": site "nowhere" not found in sites');
  });

  it('names a clock time out of range', () => {
    const data = fixture();
    data.orders[0]!.delivery_window = { start: '25:99', end: '30:00' };
    expect(errorOf(data)).toContain(
      'orders[0] (order o1) delivery_window.start = "25:99": clock time "25:99" is invalid; expected H:MM or HH:MM from 0:00 to 47:59',
    );
  });

  it('reports a duplicate order id', () => {
    const data = fixture();
    data.orders.push({ ...data.orders[0] });
    expect(errorOf(data)).toContain('orders[2] (order o1) id = "o1": duplicate order id');
  });
});
