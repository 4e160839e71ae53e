import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../../firmware-sim/fleet.js';
import { validateConfig } from '../../gateway/config/load.js';
import { demoConfig } from '../../gateway/demo/demo-config.js';
import { Gateway } from '../../gateway/gateway.js';
import type { QueueConfig } from '../../gateway/queue/queue-config.js';
import { type Influxd, startInfluxd } from '../harness/influxd.js';
import { type Mosquitto, startMosquitto } from '../harness/mosquitto.js';
import { DATABASE, printTally, sleep } from './support/fault-rig.js';
import { storedSequences, tally } from './support/influx-tally.js';
import { SeqObserver } from './support/seq-observer.js';

const MAX_QUEUE_POINTS = 60;

interface Running {
  influxd: Influxd;
  broker: Mosquitto;
  fleet: Fleet;
  observer: SeqObserver;
  gateway: Gateway;
  logs: Record<string, unknown>[];
}

/** Starts the gateway in this process, because the queue settings cannot be set from a config file yet. */
async function startGateway(queue: Partial<QueueConfig>): Promise<Running> {
  const influxd = await startInfluxd();
  const broker = await startMosquitto({ persistence: true });
  const fleet = await startFleet({ broker_url: broker.url, rooms: 2, controllers: 0, trucks: 1, interval_ms: 100 });
  const topics = new Map(fleet.devices.map((device) => [device.topic ?? '', device.id]));
  const observer = new SeqObserver();
  await observer.start(broker.url, topics);
  const dir = mkdtempSync(join(tmpdir(), 'coldpool-budget-'));
  const resolved = validateConfig(
    demoConfig(fleet.devices, {
      broker_url: broker.url,
      store_path: join(dir, 'store.db'),
      influx_url: `${influxd.url}/${DATABASE}`,
      poll_interval_s: 1,
    }),
  );
  resolved.config.outputs.local_store.enabled = false;
  resolved.config.mqtt.republish.enabled = false;
  (resolved.config.outputs as { queue?: Partial<QueueConfig> }).queue = { ...queue, self_metrics_interval_s: 0 };
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const gateway = new Gateway(resolved, pino({ level: 'info' }, sink));
  await gateway.start();
  observer.reset();
  return { influxd, broker, fleet, observer, gateway, logs };
}

async function stopAll(running: Running | undefined): Promise<void> {
  if (running === undefined) return;
  await running.fleet.stop();
  await running.gateway.stop();
  await running.observer.stop();
  await running.broker.stop();
  await running.influxd.stop();
}

/** Reads the queue counters from the gateway's private output set; `Gateway` has no accessor for them yet. */
function queueStats(running: Running) {
  // biome-ignore lint/complexity/useLiteralKeys: bracket access is how TypeScript allows reading a private member.
  return running.gateway['outputs']?.queue.stats();
}

describe('disk-budget', () => {
  let running: Running | undefined;

  afterEach(async () => {
    await stopAll(running);
    running = undefined;
  });

  it('drops and counts oldest points', async () => {
    running = await startGateway({ max_queue_points: MAX_QUEUE_POINTS, overflow: 'drop_oldest' });
    await running.influxd.kill();
    await sleep(4000);
    await running.fleet.stop();
    await sleep(500);
    const full = queueStats(running);
    await running.influxd.restart();
    // The InfluxDB sink is in its retry backoff (up to 30 s between attempts), so wait for the queue to empty.
    const deadline = Date.now() + 40_000;
    while ((queueStats(running)?.depth_points ?? 0) > 0 && Date.now() < deadline) await sleep(250);
    const stored = await storedSequences(running.influxd, DATABASE);
    const result = tally(running.observer.sent, stored);
    const dropped = full?.dropped_oldest ?? 0;
    printTally('queue capped at 60 points, drop_oldest', result, dropped);
    expect(full?.depth_points).toBeLessThanOrEqual(MAX_QUEUE_POINTS);
    expect(dropped).toBeGreaterThan(0);
    expect(result.missing.length).toBeGreaterThan(0);
    expect(result.missing.length).toBeLessThanOrEqual(dropped);
    expect(result.stored + result.missing.length).toBe(result.sent);
    expect(result.duplicates).toBe(0);
    expect(running.logs.some((line) => line.msg === 'durable queue dropped points')).toBe(true);
  });

  it('blocks, alarms and loses nothing', async () => {
    running = await startGateway({ max_queue_points: MAX_QUEUE_POINTS });
    await running.influxd.kill();
    await sleep(3000);
    const full = queueStats(running);
    await running.fleet.stop();
    const sent = tally(running.observer.sent, []).sent;
    process.stdout.write(
      `queue capped at 60 points, block: sent ${sent}, queued ${full?.depth_points}, dropped ${full?.dropped_full}\n`,
    );
    expect(full?.full).toBe(true);
    expect(full?.depth_points).toBe(MAX_QUEUE_POINTS);
    expect(running.logs.some((line) => String(line.msg).startsWith('durable queue full'))).toBe(true);
    // The readings beyond the cap wait in memory with their MQTT messages unacknowledged, so every one
    // arrives once InfluxDB is back.
    await running.influxd.restart();
    const deadline = Date.now() + 45_000;
    let result = tally(running.observer.sent, await storedSequences(running.influxd, DATABASE));
    while (result.missing.length > 0 && Date.now() < deadline) {
      await sleep(250);
      result = tally(running.observer.sent, await storedSequences(running.influxd, DATABASE));
    }
    printTally('queue capped at 60 points, block', result, queueStats(running)?.dropped_full ?? 0);
    expect(result.sent).toBeGreaterThan(MAX_QUEUE_POINTS);
    expect(result.missing).toEqual([]);
    expect(result.duplicates).toBe(0);
    expect(queueStats(running)?.dropped_full).toBe(0);
  });
});
