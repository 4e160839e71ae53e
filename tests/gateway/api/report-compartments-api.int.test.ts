import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../gateway/config/load.js';
import { Gateway } from '../../../gateway/gateway.js';
import { truckReading } from './api-fixture.js';

/** Polls `url` until its response has `status`, and returns that response's JSON (or `{ text }`). */
async function awaitStatus(url: string, status: number, timeoutMs = 15_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(url);
    if (response.status === status) {
      const text = await response.text();
      return text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text };
    }
    if (Date.now() > deadline) throw new Error(`${url} returned ${response.status}, expected ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('report API of a two-compartment truck', () => {
  let dir: string;
  let gateway: Gateway;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coldpool-report-compartments-'));
    const resolved = validateConfig({
      version: 1,
      site: 'north-hub',
      mqtt: { broker: { enabled: false } },
      http: { enabled: true, host: '127.0.0.1', port: 0 },
      devices: [{ id: 'truck-1', protocol: 'mqtt', topic: 'trucks/1', profile: 'coldpool-reefer' }],
      outputs: { local_store: { enabled: true, path: join(dir, 'store.db') } },
      alarms: {
        store_path: join(dir, 'records.db'),
        assets: [
          { id: 'truck-1', class: 'chilled', kind: 'truck_compartment', match: { asset: 'truck-1' } },
          {
            id: 'truck-1/front',
            class: 'frozen',
            kind: 'truck_compartment',
            match: { asset: 'truck-1', compartment: 'front' },
          },
        ],
      },
    });
    gateway = new Gateway(resolved, pino({ level: 'silent' }));
    await gateway.start();
    const from = Date.now() - 60_000;
    for (let i = 0; i < 5; i++) {
      gateway.bus.emit('reading', truckReading(from + i * 1000, 'front', -18));
      gateway.bus.emit('reading', truckReading(from + i * 1000, 'rear', 3));
    }
  });

  afterAll(async () => {
    await gateway?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves one compartment', async () => {
    const body = await awaitStatus(`${gateway.apiUrl()}/api/v1/reports/truck-1%2Ffront/csv`, 200);
    expect(body.text).toContain('# asset: truck-1/front\n');
  });

  it('rejects a profile of both compartments', async () => {
    await awaitStatus(`${gateway.apiUrl()}/api/v1/reports/truck-1%2Ffront/csv`, 200);
    const body = await awaitStatus(`${gateway.apiUrl()}/api/v1/reports/truck-1/csv`, 422);
    const error = body.error as { message: string };
    expect(error.message).toContain('2 compartments');
    expect(error.message).toContain('(front, rear)');
    expect(error.message).toContain("alarms.assets in the gateway's config file");
    expect(error.message).toContain('request the report of that id.');
  });

  it('lists only reports it can build', async () => {
    await awaitStatus(`${gateway.apiUrl()}/api/v1/reports/truck-1%2Ffront/csv`, 200);
    const response = await fetch(`${gateway.apiUrl()}/api/v1/reports`);
    const list = (await response.json()) as Array<{ id: string }>;
    expect(list.map((report) => report.id)).toEqual(['truck-1/front']);
  });

  it('names an unknown report id', async () => {
    const body = await awaitStatus(`${gateway.apiUrl()}/api/v1/reports/room-9/csv`, 404);
    const error = body.error as { message: string };
    expect(error.message).toBe(
      'report "room-9" not found: no entry of alarms.assets has that id; GET /api/v1/reports lists the reports',
    );
  });
});
