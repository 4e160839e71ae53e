import { Writable } from 'node:stream';
import { connect } from 'mqtt';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MqttSubscriber } from '../../devices/mqtt/subscriber.js';
import { MqttSubscriberError } from '../../devices/mqtt/subscriber-error.js';
import { logConnectionState } from '../../gateway/mqtt-connection-log.js';
import { freePort } from '../harness/free-port.js';
import { type RefusingBroker, startRefusingBroker } from '../harness/refusing-broker.js';

const cleanups: (() => Promise<unknown>)[] = [];
const brokers: RefusingBroker[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  for (const broker of brokers.splice(0)) await broker.stop();
});

/** Starts a broker that rejects every connection with CONNACK return code `code`, stopped after the test. */
async function refusingBrokerUrl(code: number): Promise<string> {
  const broker = await startRefusingBroker(code);
  brokers.push(broker);
  return broker.url;
}

/** Starts a subscriber against `url` and returns the error its start rejects with. */
async function subscriberError(url: string): Promise<MqttSubscriberError> {
  const subscriber = new MqttSubscriber({
    url,
    client_id: `coldpool-refusal-${process.pid}`,
    username: 'gw',
    password: 'wrong-secret',
    subscriptions: [
      {
        filter: 'sensors/+/state',
        device_id_segment: 1,
        mapping: { format: 'json', fields: [{ name: 'air_temp_c', type: 'float', unit: 'C', path: 'temperature' }] },
        tags: {},
      },
    ],
    connect_timeout_ms: 5000,
  });
  cleanups.push(() => subscriber.stop());
  const error = await subscriber.start().then(
    () => new Error('start() resolved'),
    (caught: unknown) => caught as Error,
  );
  expect(error).toBeInstanceOf(MqttSubscriberError);
  return error as MqttSubscriberError;
}

/** CONNACK return code, mqtt.js reason text and the start of the fix the gateway gives. */
const REFUSALS: [number, string, string][] = [
  [2, 'Identifier rejected', 'the broker rejected the client id; check mqtt.client_id'],
  [3, 'Server unavailable', 'the broker is up but accepts no connections now'],
  [4, 'Bad username or password', 'check mqtt.username and the password that mqtt.password_env or mqtt.password_file'],
  [
    5,
    'Not authorized',
    "check mqtt.username and the password that mqtt.password_env or mqtt.password_file gives, and that the broker's ACL",
  ],
];

describe('MQTT connection refusal', () => {
  it.each(REFUSALS)('subscriber names return code %i fix', async (code, reason, fix) => {
    const error = await subscriberError(await refusingBrokerUrl(code));
    expect(error.code).toBe('MQTT_CONNECT_FAILED');
    expect(error.connack_code).toBe(code);
    expect(error.message).toContain(`Connection refused: ${reason}; ${fix}`);
    expect(error.message).not.toContain('listens there');
    expect(error.message).not.toContain('wrong-secret');
  });

  it('subscriber checks the address without a broker', async () => {
    const error = await subscriberError(`mqtt://127.0.0.1:${await freePort()}`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain('check mqtt.url and that the broker is running and listens there');
  });

  it.each(REFUSALS)('republish log names return code %i fix', async (code, reason, fix) => {
    const url = await refusingBrokerUrl(code);
    const lines: { level: number; msg: string; err?: string; connack_code?: number }[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const client = connect(url, { clientId: 'coldpool-refusal-republish', reconnectPeriod: 100 });
    cleanups.push(() => client.endAsync(true));
    logConnectionState(client, pino(sink), { name: 'republish client', url });
    await new Promise((resolve) => client.once('error', resolve));
    // Three reconnect periods: a client that kept reconnecting would log more lines by then.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe(50);
    expect(lines[0]?.connack_code).toBe(code);
    expect(lines[0]?.msg).toContain('republish client was refused by the broker and stops reconnecting; ');
    expect(lines[0]?.msg).toContain(fix);
    expect(lines[0]?.err).toBe(`Connection refused: ${reason}`);
  });
});
