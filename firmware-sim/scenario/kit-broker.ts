import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';

/**
 * An aedes MQTT broker on 127.0.0.1 that the kit owns, so a scenario can restart it. A restart drops
 * every connection and every session (aedes keeps them in memory) and listens again on the same port.
 */
export class KitBroker {
  private broker: Aedes | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  /** URL clients connect to, once started. */
  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Starts listening on `port` (0 picks a free one). */
  async start(port = 0): Promise<void> {
    this.broker = await Aedes.createBroker();
    const broker = this.broker;
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      broker.handle(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Closes every connection and the listener. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const broker = this.broker;
    const server = this.server;
    this.broker = undefined;
    this.server = undefined;
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Stops, waits `down_ms` of real time, and listens again on the same port. */
  async restart(down_ms: number): Promise<void> {
    await this.stop();
    await new Promise((resolve) => setTimeout(resolve, down_ms));
    await this.start(this.port);
  }
}
