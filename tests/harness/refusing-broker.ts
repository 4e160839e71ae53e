/** An aedes broker on 127.0.0.1 that rejects every connection with one CONNACK return code, for tests. */
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { Aedes } from 'aedes';

export interface RefusingBroker {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts a broker that replies to every CONNECT with CONNACK return code `code`, on `port` (default a free
 * port). `stop` closes it and its sockets.
 */
export async function startRefusingBroker(code: number, port = 0): Promise<RefusingBroker> {
  const broker = await Aedes.createBroker({
    authenticate: (_client, _username, _password, done) =>
      done(Object.assign(new Error('refused by the test'), { returnCode: code }), false),
  });
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    broker.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
