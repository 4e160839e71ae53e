import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PayloadMapping } from '../../../devices/mqtt/payload-mapping.js';
import { type AcknowledgedSamplesEvent, MqttSubscriber } from '../../../devices/mqtt/subscriber.js';
import type { DeviceSample } from '../../../devices/sample.js';
import { DurableQueue } from '../../../gateway/queue/durable-queue.js';
import type { Reading } from '../../../gateway/reading.js';
import { type Mosquitto, startMosquitto } from '../../harness/mosquitto.js';

const mapping: PayloadMapping = {
  format: 'json',
  time_path: 'ts',
  fields: [{ name: 'air_temp_c', type: 'float', unit: 'C', path: 'temp_c' }],
};

function subscriber(url: string, client_id: string): MqttSubscriber {
  return new MqttSubscriber({
    url,
    client_id,
    subscriptions: [{ filter: 'ack/+/state', device_id_segment: 1, mapping }],
    reconnect_period_ms: 100,
    ack_after_commit: true,
  });
}

function toReading(sample: DeviceSample): Reading {
  const fields: Reading['fields'] = {};
  for (const { spec, value } of sample.fields) if (typeof value === 'number') fields[spec.name] = value;
  return {
    measurement: 'cold_room',
    tags: { site: 's', asset: 'a', device: sample.device_id },
    fields,
    integer_fields: new Set(),
    time_ms: sample.source_time_ms ?? sample.receive_time_ms,
    time_source: 'source',
  };
}

function nextSamples(source: MqttSubscriber, timeout_ms: number): Promise<AcknowledgedSamplesEvent | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), timeout_ms);
    source.once('samples', (event) => {
      clearTimeout(timer);
      resolve(event as AcknowledgedSamplesEvent);
    });
  });
}

describe('ack-after-commit', () => {
  let broker: Mosquitto;
  let publisher: MqttClient;

  beforeAll(async () => {
    broker = await startMosquitto();
    publisher = await connectAsync(broker.url, { clientId: 'ack-publisher' });
  });

  afterAll(async () => {
    await publisher?.endAsync();
    await broker?.stop();
  });

  it('redelivers message never acknowledged', async () => {
    const first = subscriber(broker.url, 'ack-redeliver');
    await first.start();
    const received = nextSamples(first, 5000);
    await publisher.publishAsync('ack/room-1/state', JSON.stringify({ ts: 1_764_864_000_000, temp_c: 1.5 }), {
      qos: 1,
    });
    const event = await received;
    expect(typeof event?.done).toBe('function');
    await first.stop();
    const second = subscriber(broker.url, 'ack-redeliver');
    const again = nextSamples(second, 5000);
    // The broker sends the stored message right after CONNACK, ahead of the SUBACK that start() waits
    // for, so it must be acknowledged before start() can resolve.
    void again.then((event) => event?.done());
    await second.start();
    const redelivered = await again;
    await second.stop();
    expect(redelivered?.samples[0]?.source_time_ms).toBe(1_764_864_000_000);
  });

  it('acknowledges once queue committed', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'coldpool-ack-')), 'queue.db');
    const queue = new DurableQueue({ path, outputs: ['influx'], commit_delay_ms: 20 });
    const first = subscriber(broker.url, 'ack-commit');
    const storedAtAck: number[] = [];
    first.on('samples', (event) => {
      const { samples, done } = event as AcknowledgedSamplesEvent;
      queue.enqueue(samples.map(toReading));
      queue.afterCommit(() => {
        storedAtAck.push(queue.readPage(0, 10).length);
        done();
      });
    });
    await first.start();
    await publisher.publishAsync('ack/room-2/state', JSON.stringify({ ts: 1_764_864_001_000, temp_c: 2.5 }), {
      qos: 1,
    });
    const deadline = Date.now() + 5000;
    while (storedAtAck.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await first.stop();
    const second = subscriber(broker.url, 'ack-commit');
    const again = nextSamples(second, 1500);
    await second.start();
    const redelivered = await again;
    await second.stop();
    queue.close();
    expect(storedAtAck).toEqual([1]);
    expect(redelivered).toBeUndefined();
  });
});
