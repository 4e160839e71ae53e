import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../gateway/config/load.js';
import { Gateway } from '../../../gateway/gateway.js';
import { TRUCK_COMPARTMENT_ASSETS, truckReading } from './api-fixture.js';

interface ChartGroupBody {
  profile: string | null;
  compartment: string | null;
  mkt_c: number | null;
  limits: { min_c?: number; max_c?: number };
}

describe('gateway chart of a two-compartment truck', () => {
  let dir: string;
  let gateway: Gateway;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coldpool-chart-profiles-'));
    const resolved = validateConfig({
      version: 1,
      site: 'north-hub',
      mqtt: { broker: { enabled: false } },
      http: { enabled: true, host: '127.0.0.1', port: 0 },
      devices: [{ id: 'truck-1', protocol: 'mqtt', topic: 'trucks/1', profile: 'coldpool-reefer' }],
      outputs: { local_store: { enabled: true, path: join(dir, 'store.db') } },
      alarms: {
        store_path: join(dir, 'records.db'),
        assets: TRUCK_COMPARTMENT_ASSETS,
      },
    });
    gateway = new Gateway(resolved, pino({ level: 'silent' }));
    await gateway.start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('returns each compartment profile', async () => {
    const from = Date.now() - 60_000;
    for (let i = 0; i < 5; i++) {
      gateway.bus.emit('reading', truckReading(from + i * 1000, 'front', -18));
      gateway.bus.emit('reading', truckReading(from + i * 1000, 'rear', 3));
    }
    const response = await fetch(`${gateway.apiUrl()}/api/v1/assets/truck-1/chart?from_ms=${from - 1}`);
    const body = (await response.json()) as { mkt_c: number | null; limits: unknown; groups: ChartGroupBody[] };
    expect(response.status).toBe(200);
    expect(body.mkt_c).toBeNull();
    expect(body.limits).toBeNull();
    const front = body.groups.find((group) => group.compartment === 'front');
    const rear = body.groups.find((group) => group.compartment === 'rear');
    expect(body.groups).toHaveLength(2);
    expect(front?.profile).toBe('truck-1/front');
    expect(front?.limits).toEqual({ max_c: -18 });
    expect(front?.mkt_c).toBeCloseTo(-18, 9);
    expect(rear?.profile).toBe('truck-1/rear');
    expect(rear?.limits).toEqual({ min_c: 0, max_c: 5 });
    expect(rear?.mkt_c).toBeCloseTo(3, 9);
  });
});
