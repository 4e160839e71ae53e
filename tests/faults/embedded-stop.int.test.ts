/**
 * QoS 1 devices publishing to the gateway's embedded broker while the gateway stops (SIGTERM) and
 * starts again: every message the broker acknowledged must be in InfluxDB afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../harness/free-port.js';
import { type Influxd, startInfluxd } from '../harness/influxd.js';
import { printTally, sleep } from './support/fault-rig.js';
import { type GatewayProcess, gatewayProcess } from './support/gateway-process.js';
import { storedSequences, tally } from './support/influx-tally.js';

const DATABASE = 'embedded_stop';
const DEVICES = 3;

/** A device that publishes QoS 1 readings as fast as its window allows and records what was acknowledged. */
class FloodingDevice {
  readonly acknowledged = new Set<number>();
  private client: MqttClient | undefined;
  private seq = 0;
  private running = true;

  constructor(
    readonly id: string,
    private readonly url: string,
  ) {}

  /** Connects again every 50 ms while the gateway is down, so it also publishes during the start. */
  start(): void {
    this.client = connect(this.url, { clientId: this.id, reconnectPeriod: 50, connectTimeout: 2000 });
    this.client.on('connect', () => this.pump());
  }

  stop(): void {
    this.running = false;
    this.client?.end(true);
  }

  private pump(): void {
    const client = this.client;
    if (client === undefined) return;
    // 200 messages at a time; each PUBACK sends one more, so a stop always catches messages in flight.
    for (let window = 0; window < 200; window++) this.publishNext(client);
  }

  private publishNext(client: MqttClient): void {
    if (!this.running || !client.connected) return;
    this.seq += 1;
    const seq = this.seq;
    const payload = `{"seq":${seq},"ts":${1_764_864_000_000 + seq},"temp_c":3.5}`;
    client.publish(`stop/${this.id}/state`, payload, { qos: 1 }, (error) => {
      if (error) return;
      this.acknowledged.add(seq);
      this.publishNext(client);
    });
  }
}

describe('embedded broker stop', () => {
  let influxd: Influxd | undefined;
  let gateway: GatewayProcess | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'coldpool-embedded-stop-'));

  afterAll(async () => {
    await gateway?.stop();
    await influxd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Floods the gateway, stops and starts it, and checks every acknowledged message; returns the stop's duration. */
  async function stopUnderFlood(database: string, republish: Record<string, unknown>): Promise<number> {
    influxd ??= await startInfluxd();
    const port = await freePort();
    const runDir = mkdtempSync(join(dir, 'run-'));
    gateway = gatewayProcess(runDir, {
      site: 'stop-test',
      log_level: 'info',
      mqtt: {
        broker: { port },
        republish,
        subscriptions: [{ topic: 'stop/+/state', device_id_segment: 1, profile: 'coldpool-room-celsius' }],
      },
      outputs: {
        influx: { url: `${influxd.url}/${database}` },
        local_store: { enabled: false, path: join(runDir, 'store.db') },
        queue: { path: join(runDir, 'queue.db'), self_metrics_interval_s: 0 },
      },
    });

    const devices = Array.from(
      { length: DEVICES },
      (_, index) => new FloodingDevice(`dev-${index}`, `mqtt://127.0.0.1:${port}`),
    );
    // The devices start first, so their first messages race the gateway's start.
    for (const device of devices) device.start();
    await gateway.start();
    await sleep(1500);
    const stopStarted = Date.now();
    await gateway.stop();
    const stopMs = Date.now() - stopStarted;
    await gateway.start();
    await sleep(1500);
    for (const device of devices) device.stop();

    const sent = new Map(devices.map((device) => [device.id, device.acknowledged as ReadonlySet<number>]));
    let result = tally(sent, await storedSequences(influxd, database));
    const deadline = Date.now() + 20_000;
    while (result.missing.length > 0 && Date.now() < deadline) {
      await sleep(250);
      result = tally(sent, await storedSequences(influxd, database));
    }
    await gateway.stop();

    printTally(`embedded broker SIGTERM with QoS 1 in flight (${database})`, result);
    expect(result.sent).toBeGreaterThan(1000);
    expect(result.missing).toEqual([]);
    return stopMs;
  }

  it('stores every acknowledged message', async () => {
    await stopUnderFlood(DATABASE, { enabled: false });
  });

  it('stops with QoS 1 republish in flight', async () => {
    // The republish output publishes to the same broker, which withholds its PUBACKs once the input stopped.
    const stopMs = await stopUnderFlood(`${DATABASE}_republish`, { enabled: true, qos: 1 });
    expect(stopMs).toBeLessThan(15_000);
  }, 60_000);
});
