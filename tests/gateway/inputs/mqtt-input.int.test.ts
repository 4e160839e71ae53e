import { connectAsync } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceSample } from '../../../devices/sample.js';
import { startEmbeddedBroker } from '../../../gateway/broker/embedded-broker.js';
import type { PayloadConfig } from '../../../gateway/config/payload-schema.js';
import { EventBus } from '../../../gateway/events.js';
import { MqttInput } from '../../../gateway/inputs/mqtt-input.js';
import type { DeviceIdentity } from '../../../gateway/pipeline/normalise-sample.js';

const payload = {
  format: 'json',
  time_path: 'ts',
  fields: [{ name: 'air_temp_c', type: 'float', unit: 'C', path: 'temperature' }],
} as PayloadConfig;

const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function waitFor(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('MqttInput with the embedded broker', () => {
  it('paces QoS 0 by commit and QoS 1 by sync', async () => {
    const broker = await startEmbeddedBroker({ port: 0 });
    cleanups.push(() => broker.stop());
    const settled: string[] = [];
    const received: { sample: DeviceSample; identity: DeviceIdentity }[] = [];
    const input = new MqttInput(
      {
        url: broker.url,
        client_id: 'input-test',
        qos: 1,
        retained: 'source_time',
        watch_topics: [],
        ack_after_commit: true,
        after_commit: (done) => {
          settled.push('commit');
          done();
        },
        after_insert: (done) => {
          settled.push('insert');
          done();
        },
        devices: [],
        subscriptions: [
          { topic: 'sensors/+/state', device_id_segment: 1, site: 'dock', measurement: 'cold_room', tags: {}, payload },
        ],
        local_source: broker.tap,
      },
      new EventBus(),
      (sample, identity) => received.push({ sample, identity }),
    );
    await input.start();
    cleanups.push(() => input.stop());
    const device = await connectAsync(broker.url, { reconnectPeriod: 0, clientId: 'input-test-device' });
    cleanups.push(() => device.endAsync(true));

    await device.publishAsync('sensors/room-1/state', JSON.stringify({ temperature: 3.5, ts: 1_764_864_000_000 }), {
      qos: 0,
    });
    await waitFor(() => settled.length === 1);
    await device.publishAsync('sensors/room-1/state', JSON.stringify({ temperature: 3.6, ts: 1_764_864_001_000 }), {
      qos: 1,
    });
    await waitFor(() => settled.length === 2);

    expect(settled).toEqual(['insert', 'commit']);
    expect(received).toHaveLength(2);
    expect(received[1]?.identity).toBe(received[0]?.identity);
    expect(received[1]?.sample.tags).toBe(received[0]?.sample.tags);
  });
});

describe('MqttInput unknown topics with the embedded broker', () => {
  it('counts unmapped topics but not own or $ topics', async () => {
    const broker = await startEmbeddedBroker({ port: 0 });
    cleanups.push(() => broker.stop());
    const bus = new EventBus();
    const unknown: string[] = [];
    bus.on('input_problem', (problem) => {
      if (problem.code === 'MQTT_UNKNOWN_TOPIC' && problem.topic !== undefined) unknown.push(problem.topic);
    });
    const input = new MqttInput(
      {
        url: broker.url,
        client_id: 'input-test',
        qos: 1,
        retained: 'source_time',
        watch_topics: [],
        devices: [],
        subscriptions: [
          { topic: 'sensors/+/state', device_id_segment: 1, site: 'dock', measurement: 'cold_room', tags: {}, payload },
        ],
        local_source: broker.tap,
        own_topics: ['coldpool/readings/#', 'coldpool/orders/in'],
      },
      bus,
      () => {},
    );
    await input.start();
    cleanups.push(() => input.stop());
    const device = await connectAsync(broker.url, { reconnectPeriod: 0, clientId: 'input-test-device' });
    cleanups.push(() => device.endAsync(true));

    const ignored = ['coldpool/readings', 'coldpool/readings/dock/room-1', 'coldpool/orders/in', '$custom/status'];
    for (const topic of ignored) await device.publishAsync(topic, '{}', { qos: 1 });
    await device.publishAsync('sensors/room-1/state', JSON.stringify({ temperature: 3.5, ts: 1_764_864_000_000 }), {
      qos: 1,
    });
    await device.publishAsync('sites/depot/rooms/9/state', '{"temperature":3}', { qos: 1 });
    await device.publishAsync('coldpool/orders/in/extra', '{}', { qos: 0 });
    await waitFor(() => unknown.length === 2);

    expect(unknown).toEqual(['sites/depot/rooms/9/state', 'coldpool/orders/in/extra']);
  });
});
