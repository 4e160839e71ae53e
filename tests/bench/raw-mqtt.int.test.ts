import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePublish, RawMqttClient, type ReceivedMessage } from '../../bench/support/raw-mqtt.js';
import { type Mosquitto, startMosquitto } from '../harness/mosquitto.js';

describe('RawMqttClient', () => {
  let broker: Mosquitto;

  beforeAll(async () => {
    broker = await startMosquitto();
  });

  afterAll(async () => {
    await broker?.stop();
  });

  it('publishes qos 1 to a subscriber', async () => {
    const received: ReceivedMessage[] = [];
    const subscriber = await RawMqttClient.connect('127.0.0.1', broker.port, 'raw-sub', {
      onMessage: (message) => received.push(message),
    });
    await subscriber.subscribe('raw/#', 1);
    const acked: number[] = [];
    const publisher = await RawMqttClient.connect('127.0.0.1', broker.port, 'raw-pub', {
      onPuback: (id) => acked.push(id),
    });
    const long = 'x'.repeat(300);
    publisher.write(encodePublish('raw/a', '{"ts":1}', 1, 7));
    publisher.write(encodePublish('raw/b', long, 1, 8));
    const deadline = Date.now() + 5000;
    while ((received.length < 2 || acked.length < 2) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(acked).toEqual([7, 8]);
    expect(received.map((message) => message.topic)).toEqual(['raw/a', 'raw/b']);
    expect(received[1]?.payload.toString()).toBe(long);
    await publisher.close();
    await subscriber.close();
  });
});
