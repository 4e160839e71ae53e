import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { afterEach, describe, expect, it } from 'vitest';
import { MqttRoomNode } from '../../firmware-sim/mqtt-room-node.js';
import { freePort } from '../harness/free-port.js';

let broker: Aedes | undefined;
let server: Server | undefined;
const sockets = new Set<Socket>();

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  if (broker !== undefined) await new Promise<void>((resolve) => broker!.close(() => resolve()));
  if (server !== undefined) await new Promise<void>((resolve) => server!.close(() => resolve()));
  broker = undefined;
  server = undefined;
});

/** Starts an aedes broker on 127.0.0.1 that refuses every connection with CONNACK return code `code`. */
async function startRefusingBroker(code: number): Promise<string> {
  const refusing = await Aedes.createBroker({
    authenticate: (_client, _username, _password, done) =>
      done(Object.assign(new Error('refused by the test'), { returnCode: code }), false),
  });
  broker = refusing;
  server = createServer((socket) => {
    sockets.add(socket);
    refusing.handle(socket);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
    const message = await startFailure(await startRefusingBroker(code));
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
