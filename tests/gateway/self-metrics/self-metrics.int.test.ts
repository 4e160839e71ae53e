import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../gateway/config/load.js';
import { Gateway } from '../../../gateway/gateway.js';
import type { QueueConfig } from '../../../gateway/queue/queue-config.js';
import { rows } from '../../faults/support/influx-tally.js';
import { freePort } from '../../harness/free-port.js';
import { type Influxd, startInfluxd } from '../../harness/influxd.js';

describe('self-metrics', () => {
  let influxd: Influxd;
  let gateway: Gateway;

  beforeAll(async () => {
    influxd = await startInfluxd();
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-self-'));
    const resolved = validateConfig({
      site: 'self-site',
      mqtt: { broker: { port: await freePort() }, republish: { enabled: false }, client_id: 'gw-self' },
      outputs: { local_store: { path: join(dir, 'store.db') }, influx: { url: `${influxd.url}/self` } },
    });
    // The config schema does not accept `outputs.queue` yet, so the interval is set on the parsed object.
    (resolved.config.outputs as { queue?: Partial<QueueConfig> }).queue = { self_metrics_interval_s: 0.2 };
    gateway = new Gateway(resolved, pino({ level: 'silent' }));
    await gateway.start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await influxd?.stop();
  });

  it('writes queue depth to InfluxDB', async () => {
    let found: Record<string, unknown>[] = [];
    const deadline = Date.now() + 10_000;
    while (found.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      found = rows(await influxd.query('SELECT depth_points, oldest_age_ms FROM gateway_queue', 'self'));
    }
    expect(found.length).toBeGreaterThan(0);
    expect(typeof found[0]?.depth_points).toBe('number');
  });

  it('tags points with the gateway', async () => {
    const result = await influxd.query('SHOW TAG VALUES FROM gateway_output WITH KEY = "output"', 'self');
    expect(rows(result).map((row) => row.value)).toEqual(['influx', 'local_store']);
  });
});
