import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';

/**
 * An aedes MQTT broker on 127.0.0.1 that the kit owns, so a scenario can restart it. A restart drops
 * every connection and listens again on the same port, but keeps the broker's state: persistent sessions
 * (clean session false) keep their subscriptions and their queued QoS 1 messages, as a broker that
 * persists its state to disk (mosquitto with `persistence true`) does across a restart.
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

  /** Starts the broker and listens on `port` (0 picks a free one). */
  async start(port = 0): Promise<void> {
    this.broker = await Aedes.createBroker();
    await this.listen(port);
  }

  private async listen(port: number): Promise<void> {
    const broker = this.broker!;
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

  /** Closes every connection and the listener, waits `down_ms` of real time, and listens again on the same port. */
  async restart(down_ms: number): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise((resolve) => setTimeout(resolve, down_ms));
    if (this.broker) await this.listen(this.port);
  }
}
