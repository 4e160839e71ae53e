/**
 * `coldpool ingest` as a child process between a real mosquitto (with its default per-client limits of
 * 1000 queued and 20 in-flight messages) and a real influxd. A fast publisher plays the sites'
 * upstream outputs. The central InfluxDB is stopped for several seconds, and the bridge is killed with
 * SIGKILL; every reading must still reach InfluxDB.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '../../gateway/reading.js';
import { encodeBatch, readingsTopic } from '../../gateway/upstream/upstream-message.js';
import { type CliProcess, spawnCli } from '../gateway/cli/run-cli.js';
import { type Influxd, startInfluxd } from '../harness/influxd.js';
import { type Mosquitto, startMosquitto } from '../harness/mosquitto.js';

/** Readings per message. Each has its own device tag, so every reading is a distinct point. */
const READINGS_PER_MESSAGE = 4;
const DROP_LINE = 'Outgoing messages are being dropped';
const BASE_TIME_MS = Date.UTC(2026, 0, 1);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds the readings of message `index`: one per device, all at the same timestamp. */
function messageReadings(index: number): Reading[] {
  return Array.from({ length: READINGS_PER_MESSAGE }, (_, device) => ({
    measurement: 'cold_room',
    tags: { device: `d${device}` },
    fields: { temperature: 4 + index / 1000, seq: index },
    integer_fields: new Set(['seq']),
    time_ms: BASE_TIME_MS + index,
    time_source: 'source' as const,
    sequence: index,
  }));
}

/** Publishes messages `from` to `to - 1` at QoS 1, `per_second` messages a second, each acknowledged by the broker. */
async function publishPaced(
  client: MqttClient,
  prefix: string,
  from: number,
  to: number,
  per_second: number,
): Promise<void> {
  const started = Date.now();
  const sent: Promise<unknown>[] = [];
  for (let index = from; index < to; index++) {
    const due = started + ((index - from) * 1000) / per_second;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    sent.push(
      client.publishAsync(readingsTopic(prefix, 'site-a', 'node-0'), encodeBatch('node-0', messageReadings(index)), {
        qos: 1,
      }),
    );
  }
  await Promise.all(sent);
}

describe('coldpool ingest with a durable queue', () => {
  let central: Mosquitto;
  let influx: Influxd;
  let dir: string;
  let publisher: MqttClient;
  const running: CliProcess[] = [];

  function startIngest(prefix: string, database: string): CliProcess {
    const cli = spawnCli([
      'ingest',
      '--broker',
      central.url,
      '--influx',
      `${influx.url}/${database}`,
      '--topic-prefix',
      prefix,
      '--client-id',
      `ingest-${database}`,
      '--queue',
      join(dir, database, 'queue.db'),
    ]);
    running.push(cli);
    return cli;
  }

  async function pointsIn(database: string): Promise<number> {
    try {
      const body = await influx.query('SELECT count(seq) FROM cold_room', database);
      return (body.results?.[0]?.series?.[0]?.values?.[0]?.[1] as number | undefined) ?? 0;
    } catch {
      return 0;
    }
  }

  async function waitForPoints(database: string, expected: number, timeout_ms: number): Promise<number> {
    const deadline = Date.now() + timeout_ms;
    let count = await pointsIn(database);
    while (count < expected && Date.now() < deadline) {
      await sleep(250);
      count = await pointsIn(database);
    }
    return count;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldpool-ingest-'));
    [central, influx] = await Promise.all([startMosquitto({ default_queue_limits: true }), startInfluxd()]);
    publisher = await connectAsync(central.url, { clientId: 'ingest-test-sites', clean: true });
  }, 60_000);

  afterAll(async () => {
    for (const cli of running) cli.child.kill('SIGKILL');
    await publisher?.endAsync();
    await Promise.all([central?.stop(), influx?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('absorbs an InfluxDB outage on disk', async () => {
    const ingest = startIngest('outage/upstream', 'outage');
    await ingest.waitForStderr('upstream ingest subscribed');
    await publishPaced(publisher, 'outage/upstream', 0, 200, 400);
    expect(await waitForPoints('outage', 200 * READINGS_PER_MESSAGE, 20_000)).toBe(200 * READINGS_PER_MESSAGE);

    await influx.kill();
    // 1,500 messages while InfluxDB is down: more than mosquitto queues for one client by default.
    await publishPaced(publisher, 'outage/upstream', 200, 1700, 400);
    await sleep(1000);
    await influx.restart();

    const expected = 1700 * READINGS_PER_MESSAGE;
    const stored = await waitForPoints('outage', expected, 30_000);
    expect(central.log()).not.toContain(DROP_LINE);
    expect(stored).toBe(expected);
    expect(ingest.stderr()).toContain('influxdb write failed; readings stay queued and are retried');

    ingest.child.kill('SIGTERM');
    const result = await ingest.exited;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /upstream ingest stopped: messages=1700 invalid_messages=0 queued=6800 written=6800 /,
    );
  }, 90_000);

  it('loses nothing when killed and restarted', async () => {
    const queuePath = join(dir, 'killed', 'queue.db');
    let ingest = startIngest('killed/upstream', 'killed');
    await ingest.waitForStderr('upstream ingest subscribed');
    // While the bridge is down, mosquitto queues its messages: at 200 a second, the 2 to 3 s of the
    // restart stay well below the 1000 messages it keeps for one client.
    const publishing = publishPaced(publisher, 'killed/upstream', 0, 1000, 200);
    await sleep(1500);
    ingest.child.kill('SIGKILL');
    await ingest.exited;
    await sleep(500);
    ingest = startIngest('killed/upstream', 'killed');
    await publishing;

    const expected = 1000 * READINGS_PER_MESSAGE;
    const stored = await waitForPoints('killed', expected, 30_000);
    expect(central.log()).not.toContain(DROP_LINE);
    expect(stored).toBe(expected);
    expect(statSync(queuePath).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'killed')).mode & 0o777).toBe(0o700);
    ingest.child.kill('SIGTERM');
    expect((await ingest.exited).code).toBe(0);
  }, 90_000);
});
