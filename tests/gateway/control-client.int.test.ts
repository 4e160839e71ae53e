import { connectAsync } from 'mqtt';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerRejection } from '../../gateway/broker/broker-rejection.js';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../gateway/broker/embedded-broker.js';
import { ControlClient } from '../../gateway/control-client.js';
import { MqttPayloadTooLargeError } from '../../gateway/mqtt-payload-limit.js';

const log = pino({ level: 'silent' });
let broker: EmbeddedBroker | undefined;
let control: ControlClient | undefined;

afterEach(async () => {
  await control?.stop();
  control = undefined;
  await broker?.stop();
  broker = undefined;
});

async function start(maxPayloadBytes: number): Promise<{ rejections: BrokerRejection[] }> {
  broker = await startEmbeddedBroker({ port: 0, max_payload_bytes: maxPayloadBytes });
  const rejections: BrokerRejection[] = [];
  broker.events.on('rejected', (rejection) => rejections.push(rejection));
  control = await ControlClient.connect(
    { url: broker.url, client_id: 'control-test', max_payload_bytes: maxPayloadBytes },
    log,
  );
  return { rejections };
}

describe('control client', () => {
  it('rejects payload over the limit unsent', async () => {
    const { rejections } = await start(256);
    const error = await control?.publish('t/big', 'x'.repeat(257)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MqttPayloadTooLargeError);
    expect((error as MqttPayloadTooLargeError).size_bytes).toBe(257);
    expect((error as MqttPayloadTooLargeError).limit_bytes).toBe(256);
    // A message within the limit still goes through on the same connection.
    await control?.publish('t/small', 'x'.repeat(256));
    expect(rejections).toEqual([]);
  });

  it('counts payload size in UTF-8 bytes', async () => {
    await start(256);
    // 129 characters of two bytes each in UTF-8.
    await expect(control?.publish('t/utf8', 'é'.repeat(129))).rejects.toThrow(/258 bytes/);
  });

  it('drops a message after its publish timeout', async () => {
    await start(1024);
    const port = Number(new URL(broker?.url ?? '').port);
    await broker?.stop();
    broker = undefined;
    await expect(control?.publish('t/late', 'plan', { timeout_ms: 100 })).rejects.toThrow(/timed out after 100 ms/);
    // A new broker on the same port: the client reconnects and must not send the dropped message again.
    broker = await startEmbeddedBroker({ port, max_payload_bytes: 1024 });
    const received: string[] = [];
    const subscriber = await connectAsync(broker.url, { reconnectPeriod: 0 });
    subscriber.on('message', (topic) => received.push(topic));
    await subscriber.subscribeAsync('t/#', { qos: 1 });
    await control?.publish('t/after', 'next', { timeout_ms: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await subscriber.endAsync(true);
    expect(received).toEqual(['t/after']);
  });
});
