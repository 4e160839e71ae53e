import { createServer, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { InfluxWorkerSink } from '../../../gateway/outputs/influx-worker-sink.js';
import type { DeliveryReport } from '../../../gateway/queue/sink.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Starts a TCP server on 127.0.0.1 that accepts connections and never replies, so a write stays in flight. */
async function silentServer(): Promise<{ close: () => Promise<void>; port: number; connected: Promise<void> }> {
  const sockets: Socket[] = [];
  let onConnection: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => {
    onConnection = resolve;
  });
  const server = createServer((socket) => {
    sockets.push(socket);
    onConnection();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { close, port: (server.address() as { port: number }).port, connected };
}

/** Posts one page to the sink and returns only a weak reference to it. */
function postPage(
  sink: InfluxWorkerSink,
  signal: AbortSignal,
): { page: WeakRef<object>; delivery: Promise<DeliveryReport> } {
  const row = {
    id: 1,
    enqueued_ms: 0,
    points: 1,
    lines: 'cold_room,device=room-1 temp_c=2.5 1790000000000',
    body: null,
  };
  const delivery = sink.deliverRows([row], signal);
  delivery.catch(() => undefined);
  return { page: new WeakRef(row), delivery };
}

describe('InfluxWorkerSink', () => {
  let stop: (() => Promise<void>) | undefined;

  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('releases a posted page', async () => {
    const { close, port, connected } = await silentServer();
    const sink = new InfluxWorkerSink({ url: `http://127.0.0.1:${port}/coldpool` }, '/nonexistent/queue.db');
    const abort = new AbortController();
    stop = async () => {
      abort.abort(new Error('test over'));
      await sink.stop();
      await close();
    };
    const { page, delivery } = postPage(sink, abort.signal);
    // The worker connects only once it has the page. The server never replies, so the write stays in flight.
    await connected;
    collectGarbage();
    expect(page.deref()).toBeUndefined();
    let settled = false;
    delivery.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
  }, 30_000);
});
