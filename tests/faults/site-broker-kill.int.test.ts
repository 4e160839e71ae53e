/**
 * A gateway reading an external site broker (`mqtt.url`) is killed with SIGKILL under load and started
 * again a few seconds later, while a publisher keeps sending QoS 1 readings. With the settings of
 * examples/mosquitto/site-broker.conf the broker queues every reading for the gateway's persistent
 * session, so the local store gets them all. With mosquitto's defaults the broker drops what exceeds 1000
 * queued messages, as docs/deployment.md ("Broker settings that keep every reading") reports.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { type Mosquitto, type MosquittoOptions, startMosquitto } from '../harness/mosquitto.js';
import { sleep } from './support/fault-rig.js';
import { type GatewayProcess, gatewayProcess } from './support/gateway-process.js';

const SITE_BROKER_CONF = join(import.meta.dirname, '..', '..', 'examples', 'mosquitto', 'site-broker.conf');
const DEVICES = 4;
/** QoS 1 readings a second, over all devices. */
const RATE = 400;
/** Time the gateway stays dead: 2000 readings at `RATE`, twice mosquitto's default queue limit. */
const DOWN_MS = 5000;

const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Publishes sequence-numbered room readings at `RATE` a second and records those the broker acknowledged. */
class RatePublisher {
  /** Acknowledged sequence numbers per device id. */
  readonly acknowledged = new Map<string, Set<number>>();
  private sent = 0;
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(private readonly client: MqttClient) {}

  start(): void {
    const startedAt = Date.now();
    this.running = (async () => {
      while (!this.stopping) {
        const due = Math.floor(((Date.now() - startedAt) * RATE) / 1000);
        while (this.sent < due) this.publishNext();
        await sleep(10);
      }
    })();
  }

  /** Readings acknowledged so far, over all devices. */
  count(): number {
    let total = 0;
    for (const seqs of this.acknowledged.values()) total += seqs.size;
    return total;
  }

  /** Stops publishing and waits until every reading published has its PUBACK. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
    while (this.count() < this.sent) await sleep(50);
  }

  private publishNext(): void {
    const index = this.sent++;
    const device = `room-${(index % DEVICES) + 1}`;
    const seq = Math.floor(index / DEVICES) + 1;
    // One reading each 10 ms per device, so no two of a device share a timestamp.
    const payload = { seq, ts: Date.now() - 60_000 + seq * 10, temp_c: 3 + (seq % 50) / 100, rh_pct: 80 };
    this.client.publish(`rooms/${device}/state`, JSON.stringify(payload), { qos: 1 }, (error) => {
      if (error) return;
      const seqs = this.acknowledged.get(device) ?? new Set<number>();
      seqs.add(seq);
      this.acknowledged.set(device, seqs);
    });
  }
}

/** Sequence numbers in the local store per device. */
function storedSequences(path: string): Map<string, Set<number>> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT s.device AS device, json_extract(r.fields_json, '$.seq') AS seq
         FROM readings AS r JOIN series AS s ON s.series_id = r.series_id WHERE s.measurement = 'cold_room'`,
      )
      .all() as { device: string; seq: number | null }[];
    const stored = new Map<string, Set<number>>();
    for (const { device, seq } of rows) {
      if (seq === null) continue;
      const seqs = stored.get(device) ?? new Set<number>();
      seqs.add(seq);
      stored.set(device, seqs);
    }
    return stored;
  } finally {
    db.close();
  }
}

/** Acknowledged readings missing from the store, as `device#seq`. */
function missing(sent: Map<string, Set<number>>, stored: Map<string, Set<number>>): string[] {
  const absent: string[] = [];
  for (const [device, seqs] of sent) {
    for (const seq of seqs) if (!stored.get(device)?.has(seq)) absent.push(`${device}#${seq}`);
  }
  return absent;
}

/**
 * Runs the kill under load against a mosquitto started with `broker`, and returns the tally. With
 * `expect_loss`, the wait for the store ends once it has stopped growing, since the rest was dropped.
 */
async function killUnderLoad(broker: MosquittoOptions, expect_loss = false) {
  const dir = mkdtempSync(join(tmpdir(), 'coldpool-site-broker-'));
  const mosquitto: Mosquitto = await startMosquitto(broker);
  cleanups.push(() => mosquitto.stop());
  const storePath = join(dir, 'store.db');
  const gateway: GatewayProcess = gatewayProcess(dir, {
    site: 'kill',
    log_level: 'info',
    mqtt: {
      url: mosquitto.url,
      client_id: 'coldpool-site-kill',
      republish: { enabled: false },
      subscriptions: [{ topic: 'rooms/+/state', device_id_segment: 1, profile: 'coldpool-room-celsius' }],
    },
    outputs: { local_store: { path: storePath }, queue: { path: join(dir, 'queue.db') } },
  });
  cleanups.push(() => gateway.stop());
  await gateway.start();
  await waitForLog(gateway, 'mqtt input subscribed', 1);

  const client = await connectAsync(mosquitto.url, { clientId: 'site-kill-publisher' });
  cleanups.push(() => client.endAsync(true));
  const publisher = new RatePublisher(client);
  publisher.start();
  await sleep(2000);
  await gateway.kill();
  const atKill = publisher.count();
  await sleep(DOWN_MS);
  await gateway.start();
  // Published from the kill until the restarted gateway was up, which takes a few seconds more.
  const whileDown = publisher.count() - atKill;
  await sleep(3000);
  await publisher.stop();

  await untilStoreSettles(() => missing(publisher.acknowledged, storedSequences(storePath)).length, expect_loss);
  await gateway.stop();
  const absent = missing(publisher.acknowledged, storedSequences(storePath));
  const sent = publisher.count();
  process.stdout.write(
    `site broker kill: sent ${sent}, while down ${whileDown}, stored ${sent - absent.length}, missing ${absent.length}\n`,
  );
  return { sent, whileDown, absent };
}

/**
 * Waits until `missingCount` is 0, at most 120 s. On a loaded machine the restarted gateway can take
 * 20 s to start and as long to drain its backlog. With `stop_when_stalled`, it also stops once the count
 * has not fallen for 5 s.
 */
async function untilStoreSettles(missingCount: () => number, stop_when_stalled: boolean): Promise<void> {
  const deadline = Date.now() + 120_000;
  let last = missingCount();
  let lastChange = Date.now();
  while (last > 0 && Date.now() < deadline && !(stop_when_stalled && Date.now() - lastChange >= 5000)) {
    await sleep(250);
    const now = missingCount();
    if (now !== last) lastChange = Date.now();
    last = now;
  }
}

async function waitForLog(gateway: GatewayProcess, msg: string, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (gateway.logs.filter((entry) => entry.msg === msg).length < count) {
    if (Date.now() > deadline) throw new Error(`no "${msg}" log line within 20 s`);
    await sleep(100);
  }
}

describe('site broker', () => {
  it('keeps every reading across a gateway SIGKILL', { timeout: 300_000 }, async () => {
    const { sent, whileDown, absent } = await killUnderLoad({ settings_file: SITE_BROKER_CONF });
    expect(whileDown).toBeGreaterThan(1000);
    expect(sent).toBeGreaterThan(3000);
    expect(absent).toEqual([]);
  });

  it('drops readings past 1000 queued with its defaults', { timeout: 300_000 }, async () => {
    // A settings file without settings: mosquitto's defaults, max_queued_messages 1000 among them.
    const defaults = join(mkdtempSync(join(tmpdir(), 'coldpool-site-defaults-')), 'defaults.conf');
    writeFileSync(defaults, '# mosquitto defaults\n');
    const { whileDown, absent } = await killUnderLoad({ settings_file: defaults }, true);
    expect(whileDown).toBeGreaterThan(1000);
    expect(absent.length).toBeGreaterThan(0);
  });
});
