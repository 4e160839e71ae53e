import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { connectAsync, type IPublishPacket, type MqttClient } from 'mqtt';

/** An in-process MQTT broker on 127.0.0.1 and a free port, for tests. */
export interface TestBroker {
  url: string;
  stop(): Promise<void>;
}

/** Starts an aedes broker behind a TCP server listening on 127.0.0.1:0. */
export async function startTestBroker(): Promise<TestBroker> {
  const broker = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One message as a subscriber received it. */
export interface ReceivedMessage {
  topic: string;
  payload: string;
  qos: number;
}

/** Subscriber that collects every message on `filter` and can wait for a count of them. */
export class Collector {
  readonly messages: ReceivedMessage[] = [];

  private constructor(private readonly client: MqttClient) {
    client.on('message', (topic: string, payload: Buffer, packet: IPublishPacket) => {
      this.messages.push({ topic, payload: payload.toString('utf8'), qos: packet.qos });
    });
  }

  static async subscribe(url: string, filter: string): Promise<Collector> {
    const client = await connectAsync(url, { clientId: `collector-${Math.random().toString(16).slice(2)}` });
    await client.subscribeAsync(filter, { qos: 1 });
    return new Collector(client);
  }

  /** Messages on `topic`, in arrival order. */
  on(topic: string): ReceivedMessage[] {
    return this.messages.filter((message) => message.topic === topic);
  }

  /** Waits until `topic` has at least `count` messages, or fails after `timeout_ms`. */
  async waitFor(topic: string, count: number, timeout_ms = 5000): Promise<ReceivedMessage[]> {
    const deadline = Date.now() + timeout_ms;
    while (this.on(topic).length < count) {
      if (Date.now() > deadline) {
        throw new Error(`Timed out after ${timeout_ms} ms waiting for ${count} messages on ${topic}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.on(topic);
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}
