/**
 * mosquitto with the settings of examples/mosquitto/central-broker.conf keeps the bridge's session across
 * a broker restart, with more messages queued for it than mosquitto's default limit of 1000.
 */
import { join } from 'node:path';
import { connect, connectAsync } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { startMosquitto } from '../harness/mosquitto.js';
import { sleep } from './support/fault-rig.js';

const CENTRAL_BROKER_CONF = join(import.meta.dirname, '..', '..', 'examples', 'mosquitto', 'central-broker.conf');
const TOPIC = 'coldpool/upstream/north/node-0/readings';
/** The bridge's session, as `UpstreamIngest` opens it: its default client id, clean session off. */
const BRIDGE = { clientId: 'coldpool-upstream-ingest', clean: false, protocolVersion: 4 } as const;

const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Publishes messages `first` to `last` at QoS 1 and resolves once the broker acknowledged each. */
async function publishRange(url: string, first: number, last: number): Promise<void> {
  const site = await connectAsync(url, { clientId: `coldpool-north-node-0-${first}` });
  const acknowledged: Promise<unknown>[] = [];
  for (let index = first; index <= last; index++) {
    acknowledged.push(site.publishAsync(TOPIC, JSON.stringify({ index }), { qos: 1 }));
  }
  await Promise.all(acknowledged);
  await site.endAsync();
}

describe('central broker', () => {
  it('keeps the bridge queue across a restart', async () => {
    const broker = await startMosquitto({ settings_file: CENTRAL_BROKER_CONF });
    cleanups.push(() => broker.stop());
    const bridge = await connectAsync(broker.url, BRIDGE);
    await bridge.subscribeAsync('coldpool/upstream/+/+/readings', { qos: 1 });
    await bridge.endAsync();

    // The bridge is away (InfluxDB down) while the sites send more than 1000 messages.
    await publishRange(broker.url, 1, 1500);
    // SIGTERM: mosquitto saves its state, then starts again from it.
    await broker.restart();
    // Sites that reconnect first send before the bridge is back.
    await publishRange(broker.url, 1501, 1600);

    const received = new Set<number>();
    const back = connect(broker.url, BRIDGE);
    cleanups.push(() => back.endAsync(true));
    back.on('message', (_topic, payload) => received.add((JSON.parse(String(payload)) as { index: number }).index));
    const deadline = Date.now() + 20_000;
    while (received.size < 1600 && Date.now() < deadline) await sleep(100);
    expect(received.size).toBe(1600);
  });
});
