import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { PlanningCapacity } from '../../../gateway/planning/capacity-service.js';
import { localDate, localMidnightMs } from '../../../gateway/planning/local-time.js';
import { readOrderMessage } from '../../../gateway/planning/order-intake.js';
import { Planner } from '../../../gateway/planning/planner.js';
import { planningConfigSchema } from '../../../gateway/planning/planning-config.js';
import type { Reading } from '../../../gateway/reading.js';

const HOUR_MS = 3_600_000;

function parkedUnitOff(asset: string, time: number): Reading {
  return {
    measurement: 'reefer',
    tags: { site: 's', asset, device: asset, compartment: 'rear' },
    fields: { speed_kmh: 0, unit_on: false, box_temp_c: 3 },
    integer_fields: new Set(),
    time_ms: time - 60_000,
    time_source: 'source',
  };
}

describe('planning time zone', () => {
  let planner: Planner | undefined;

  afterEach(async () => {
    await planner?.stop();
    planner = undefined;
  });

  function capacityAt(now: number, zone: string): PlanningCapacity {
    const config = planningConfigSchema.parse({
      enabled: true,
      scenario_file: 'tests/fixtures/planning/small-county.yaml',
      schedules: [],
      time_zone: zone,
      store_path: join(mkdtempSync(join(tmpdir(), 'coldpool-zone-')), 'plans.db'),
    });
    planner = new Planner(config, { log: pino({ level: 'silent' }) });
    const capacity = new PlanningCapacity(planner, () => now);
    capacity.observe(parkedUnitOff('truck-2', now));
    return capacity;
  }

  it('local midnight in Shanghai', () => {
    expect(localMidnightMs('2026-12-05', 'Asia/Shanghai')).toBe(Date.UTC(2026, 11, 4, 16, 0));
    expect(localDate(Date.UTC(2026, 11, 4, 16, 0), 'Asia/Shanghai')).toBe('2026-12-05');
    expect(localDate(Date.UTC(2026, 11, 4, 15, 59), 'Asia/Shanghai')).toBe('2026-12-04');
  });

  it('local midnight across a DST change', () => {
    // Berlin moves to UTC+2 at 01:00 UTC on 2026-03-29; that midnight is still at UTC+1.
    expect(localMidnightMs('2026-03-29', 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 28, 23, 0));
    expect(localMidnightMs('2026-03-30', 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 29, 22, 0));
  });

  // truck-2's shift is 17:00-23:59; 12:00 UTC is 20:00 in Shanghai, inside it.
  it('offers a shift in local time', () => {
    const capacity = capacityAt(Date.UTC(2026, 11, 5, 12, 0), 'Asia/Shanghai');
    expect(capacity.offers().map((offer) => offer.asset)).toContain('truck-2');
  });

  // 18:00 UTC is 02:00 the next morning in Shanghai, outside the shift.
  it('offers no shift outside local time', () => {
    const capacity = capacityAt(Date.UTC(2026, 11, 5, 18, 0), 'Asia/Shanghai');
    expect(capacity.offers().map((offer) => offer.asset)).not.toContain('truck-2');
  });

  it('offers trucks on later days', () => {
    const capacity = capacityAt(Date.UTC(2026, 11, 7, 12, 0), 'Asia/Shanghai');
    const offer = capacity.offers().find((entry) => entry.asset === 'truck-2');
    expect(offer).toBeDefined();
    // The offer ends with the shift at 23:59 Shanghai time on 2026-12-07.
    expect(offer?.available_to_ms).toBeLessThanOrEqual(Date.UTC(2026, 11, 7, 15, 59));
  });

  it('rejects an unknown zone name', () => {
    const result = planningConfigSchema.safeParse({ time_zone: 'Mars/Olympus' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['time_zone']);
    expect(result.error?.issues[0]?.message).toContain('"Mars/Olympus" is not a valid IANA time zone name');
  });

  it('reads sale windows in local time', () => {
    const message = {
      order_id: 'sale-1',
      merchant_id: 'm1',
      pickup: { site_id: 'p1', lat: 31.2, lon: 121.5 },
      delivery: { site_id: 'd1', lat: 31.3, lon: 121.6 },
      temperature_class: 'chilled',
      kg: 5,
      m3: 0.01,
      window: { from: '2026-12-05T11:00:00Z', to: '2026-12-05T13:30:00Z' },
    };
    const { order } = readOrderMessage(JSON.stringify(message), '2026-12-05', 'Asia/Shanghai');
    expect(order.pickup_window.start).toBe(19 * 60);
    expect(order.pickup_window.end).toBe(21 * 60 + 30);
    expect(localMidnightMs('2026-12-05', 'Asia/Shanghai') + 19 * HOUR_MS).toBe(Date.UTC(2026, 11, 5, 11, 0));
  });
});
