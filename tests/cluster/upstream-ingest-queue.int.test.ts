/**
 * `UpstreamIngest` in the test process with a small queue under the `block` policy: once the queue is
 * full, messages stay unacknowledged at mosquitto, and a later bridge with a reachable InfluxDB stores
 * every reading.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '../../gateway/reading.js';
import { UpstreamIngest } from '../../gateway/upstream/upstream-ingest.js';
import { encodeBatch, readingsTopic } from '../../gateway/upstream/upstream-message.js';
import { freePort } from '../harness/free-port.js';
import { type Influxd, startInfluxd } from '../harness/influxd.js';
import { type Mosquitto, startMosquitto } from '../harness/mosquitto.js';

const PREFIX = 'blocked/upstream';
const MESSAGES = 30;
const READINGS_PER_MESSAGE = 4;
/** Queue bound: room for 10 messages of 4 readings. */
const MAX_QUEUE_POINTS = 40;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function messageReadings(index: number): Reading[] {
  return Array.from({ length: READINGS_PER_MESSAGE }, (_, device) => ({
    measurement: 'cold_room',
    tags: { device: `d${device}` },
    fields: { seq: index },
    integer_fields: new Set(['seq']),
    time_ms: Date.UTC(2026, 0, 1) + index,
    time_source: 'source' as const,
  }));
}

describe('UpstreamIngest with a full queue', () => {
  let central: Mosquitto;
  let influx: Influxd;
  let publisher: MqttClient;
  let dir: string;
  let ingest: UpstreamIngest | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldpool-ingest-queue-'));
    [central, influx] = await Promise.all([startMosquitto(), startInfluxd()]);
    publisher = await connectAsync(central.url, { clientId: 'ingest-queue-test-sites', clean: true });
  }, 60_000);

  afterAll(async () => {
    await ingest?.stop(0);
    await publisher?.endAsync();
    await Promise.all([central?.stop(), influx?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  function bridge(influx_url: string): UpstreamIngest {
    return new UpstreamIngest({
      broker_url: central.url,
      topic_prefix: PREFIX,
      client_id: 'ingest-queue-test',
      influx_url,
      queue_path: join(dir, 'queue.db'),
      queue: { max_queue_points: MAX_QUEUE_POINTS, overflow: 'block' },
    });
  }

  it('holds PUBACKs while queue is full', async () => {
    // No InfluxDB listens here, so the queue only fills.
    ingest = bridge(`http://127.0.0.1:${await freePort()}/blocked`);
    let full = 0;
    ingest.on('queue_full', () => {
      full += 1;
    });
    await ingest.start();
    for (let index = 0; index < MESSAGES; index++) {
      await publisher.publishAsync(
        readingsTopic(PREFIX, 'site-a', 'node-0'),
        encodeBatch('node-0', messageReadings(index)),
        { qos: 1 },
      );
    }
    await sleep(1000);
    const blocked = ingest.stats();
    expect(full).toBeGreaterThan(0);
    expect(blocked.queued).toBeLessThanOrEqual(MAX_QUEUE_POINTS);
    expect(blocked.dropped).toBe(0);
    expect(blocked.messages).toBeLessThan(MESSAGES);
    await ingest.stop(0);

    ingest = bridge(`${influx.url}/blocked`);
    await ingest.start();
    const expected = MESSAGES * READINGS_PER_MESSAGE;
    const deadline = Date.now() + 20_000;
    let stored = 0;
    while (stored < expected && Date.now() < deadline) {
      await sleep(250);
      const body = await influx.query('SELECT count(seq) FROM cold_room', 'blocked').catch(() => undefined);
      stored = body?.results?.[0]?.series?.[0]?.values?.[0]?.[1] ?? 0;
    }
    expect(stored).toBe(expected);
  }, 60_000);
});
