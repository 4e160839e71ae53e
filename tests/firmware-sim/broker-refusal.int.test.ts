import { afterEach, describe, expect, it } from 'vitest';
import { MqttRoomNode } from '../../firmware-sim/mqtt-room-node.js';
import { freePort } from '../harness/free-port.js';
import { type RefusingBroker, startRefusingBroker } from '../harness/refusing-broker.js';

const brokers: RefusingBroker[] = [];

afterEach(async () => {
  for (const broker of brokers.splice(0)) await broker.stop();
});

/** Starts a broker that rejects every connection with CONNACK return code `code`, stopped after the test. */
async function refusingBrokerUrl(code: number): Promise<string> {
  const broker = await startRefusingBroker(code);
  brokers.push(broker);
  return broker.url;
}

/** Starts a room node against `broker_url` and returns the message it rejects with. */
async function startFailure(broker_url: string): Promise<string> {
  const node = new MqttRoomNode({ device_id: 'room-r', broker_url, username: 'sim', password: 'wrong' });
  const error = await node.start().then(
    () => new Error('start() resolved'),
    (caught: unknown) => caught as Error,
  );
  await node.stop();
  expect(error).toMatchObject({ code: 'SIM_BROKER_CONNECT_FAILED' });
  return error.message;
}

describe('simulator broker refusal', () => {
  it.each<[number, string, string]>([
    [2, 'Identifier rejected', 'the broker rejected the client id coldpool-sim-room-r'],
    [3, 'Server unavailable', 'the broker is up but accepts no connections now'],
    [4, 'Bad username or password', 'check the user name (--username) and the password (COLDPOOL_SIM_MQTT_PASSWORD)'],
    [
      5,
      'Not authorized',
      "check the user name (--username) and the password (COLDPOOL_SIM_MQTT_PASSWORD), and that the broker's ACL",
    ],
  ])('gives return code %i its fix', async (code, reason, fix) => {
    const message = await startFailure(await refusingBrokerUrl(code));
    expect(message).toContain(`Connection refused: ${reason}; ${fix}`);
    expect(message).not.toContain('check that it listens there');
  });

  it('checks the address without a broker', async () => {
    const port = await freePort();
    const message = await startFailure(`mqtt://127.0.0.1:${port}`);
    expect(message).toContain('ECONNREFUSED');
    expect(message).toMatch(/; check that it listens there$/);
  });
});
