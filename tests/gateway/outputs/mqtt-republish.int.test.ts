import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MqttRepublish, type RepublishedReading, sanitiseTopicLevel } from '../../../gateway/outputs/mqtt-republish.js';
import { OutputSink } from '../../../gateway/outputs/output-sink.js';
import type { Reading } from '../../../gateway/reading.js';

const TIME_MS = 1_700_000_000_000;

function reading(tags: Record<string, string>, fields: Record<string, unknown>): Reading {
  return {
    measurement: 'cold_room',
    tags,
    fields: fields as Reading['fields'],
    integer_fields: new Set<string>(),
    time_ms: TIME_MS,
    time_source: 'source',
  };
}

interface Received {
  topic: string;
  payload: RepublishedReading;
  qos: number;
}

describe('mqtt-republish', () => {
  let broker: Aedes;
  let server: Server;
  let url: string;
  let publisher: MqttClient;
  let subscriber: MqttClient;

  beforeAll(async () => {
    broker = await Aedes.createBroker();
    server = createServer(broker.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('aedes server has no TCP address');
    url = `mqtt://127.0.0.1:${address.port}`;
    publisher = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    subscriber = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  });

  afterAll(async () => {
    await publisher.endAsync();
    await subscriber.endAsync();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** Subscribes to `filter` and collects `count` messages. */
  async function collect(filter: string, count: number, publish: () => Promise<void>): Promise<Received[]> {
    const received: Received[] = [];
    const done = new Promise<void>((resolve) => {
      const onMessage = (topic: string, payload: Buffer, packet: { qos: number }): void => {
        received.push({ topic, payload: JSON.parse(payload.toString('utf8')), qos: packet.qos });
        if (received.length === count) {
          subscriber.off('message', onMessage);
          resolve();
        }
      };
      subscriber.on('message', onMessage);
    });
    await subscriber.subscribeAsync(filter, { qos: 1 });
    await publish();
    await done;
    await subscriber.unsubscribeAsync(filter);
    return received;
  }

  it('publishes reading as JSON', async () => {
    const output = new MqttRepublish({ client: publisher });
    const tags = { site: 'dock', asset: 'room-1', device: 'probe-1' };
    const [message] = await collect('coldpool/readings/#', 1, async () => {
      output.write([reading(tags, { temp_c: -18.5, door_open: false, aux: Number.NaN })]);
      await output.flush();
    });
    expect(message?.topic).toBe('coldpool/readings/dock/room-1/probe-1/cold_room');
    expect(message?.payload).toEqual({
      time_ms: TIME_MS,
      time: '2023-11-14T22:13:20.000Z',
      tags,
      fields: { temp_c: -18.5, door_open: false },
      seq: 1,
    });
    expect(message?.qos).toBe(0);
    expect(output.stats().written).toBe(1);
  });

  it('sanitises topic levels', async () => {
    const output = new MqttRepublish({ client: publisher, topic_prefix: 'site/out' });
    const [message] = await collect('site/out/#', 1, async () => {
      output.write([reading({ site: 'a/b', asset: '+', device: '#' }, { temp_c: 1 })]);
      await output.flush();
    });
    expect(message?.topic).toBe('site/out/a_b/_/_/cold_room');
    expect(sanitiseTopicLevel('')).toBe('_');
  });

  it('numbers messages in order', async () => {
    const output = new MqttRepublish({ client: publisher, qos: 1 });
    const tags = { site: 's', asset: 'a', device: 'd' };
    const messages = await collect('coldpool/readings/s/#', 3, async () => {
      output.write([reading(tags, { t: 1 }), reading(tags, { t: 2 }), reading(tags, { t: 3 })]);
      await output.stop();
    });
    expect(messages.map((message) => message.payload.seq)).toEqual([1, 2, 3]);
    expect(messages.map((message) => message.payload.fields.t)).toEqual([1, 2, 3]);
    expect(output.stats().written).toBe(3);
  });

  it('bounds messages in the client', async () => {
    const output = new MqttRepublish({ client: publisher, qos: 1, max_in_flight: 50 });
    const tags = { site: 's', asset: 'a', device: 'bulk' };
    // mqtt.js keeps each QoS 1 message in `outgoing` until its PUBACK arrives.
    const outgoing = (publisher as unknown as { outgoing: Record<number, unknown> }).outgoing;
    let peakOutgoing = 0;
    const sample = setInterval(() => {
      peakOutgoing = Math.max(peakOutgoing, Object.keys(outgoing).length);
    }, 1);
    output.write(Array.from({ length: 3000 }, (_, index) => reading(tags, { t: index })));
    await output.flush();
    clearInterval(sample);
    expect(output.stats().written).toBe(3000);
    expect(peakOutgoing).toBeGreaterThan(0);
    expect(peakOutgoing).toBeLessThanOrEqual(50);
  });

  it('takes a page above max_pending as a queue sink', async () => {
    const output = new MqttRepublish({ client: publisher, qos: 1, max_pending: 1500 });
    const sink = new OutputSink('mqtt_republish', output);
    const tags = { site: 's', asset: 'a', device: 'paged' };
    const page = Array.from({ length: 4000 }, (_, index) => ({
      id: 1,
      enqueued_ms: TIME_MS,
      reading: reading(tags, { t: index }),
    }));
    const report = await sink.deliver(page, new AbortController().signal);
    expect(report.dropped).toEqual([]);
    expect(report.written).toBe(4000);
    expect(output.stats().dropped).toBe(0);
  });

  it('drops point without valid field', () => {
    const output = new MqttRepublish({ client: publisher });
    output.write([reading({ site: 's', asset: 'a', device: 'd' }, { temp_c: null, aux: Infinity })]);
    expect(output.stats().dropped).toBe(1);
    expect(output.stats().pending).toBe(0);
  });

  it('drops message over payload limit', async () => {
    const output = new MqttRepublish({ client: publisher, qos: 1, max_payload_bytes: 200 });
    const reasons: string[] = [];
    output.on('dropped', ({ reason }: { reason: string }) => reasons.push(reason));
    output.write([reading({ site: 's', asset: 'a', device: 'd' }, { note: 'x'.repeat(300) })]);
    await output.flush();
    expect(output.stats().dropped).toBe(1);
    expect(output.stats().written).toBe(0);
    expect(output.stats().pending).toBe(0);
    expect(reasons[0]).toMatch(/exceeds the broker limit of 200 bytes/);
  });

  it('rejects wildcard prefix', () => {
    expect(() => new MqttRepublish({ client: publisher, topic_prefix: 'a/+/b' })).toThrow(/wildcard/);
    expect(() => new MqttRepublish({ client: publisher, topic_prefix: 'a//b' })).toThrow(/empty level/);
  });
});
