import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';

/** Holds a port on 127.0.0.1, so that a listener of the gateway fails on it. */
async function occupiedPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as { port: number }).port };
}

function gatewayConfig(dir: string, settings: { broker_port: number; http_port?: number }) {
  return validateConfig({
    site: 'failed-start',
    mqtt: { broker: { port: settings.broker_port }, republish: { enabled: false } },
    ...(settings.http_port !== undefined ? { http: { enabled: true, port: settings.http_port } } : {}),
    devices: [{ id: 'room-1', protocol: 'mqtt', topic: 'rooms/1', profile: 'coldpool-room-celsius' }],
    outputs: { local_store: { path: join(dir, 'store.db') }, queue: { path: join(dir, 'queue.db') } },
    alarms: { store_path: join(dir, 'records.db') },
  });
}

describe('gateway start that fails', () => {
  let blocker: Server | undefined;

  afterEach(() => {
    blocker?.close();
  });

  it('releases the queue lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-failed-start-'));
    // The embedded broker's port is occupied, so the start fails after the queue is open.
    const occupied = await occupiedPort();
    blocker = occupied.server;
    const gateway = new Gateway(gatewayConfig(dir, { broker_port: occupied.port }), pino({ level: 'silent' }));
    await expect(gateway.start()).rejects.toThrow();
    expect(existsSync(join(dir, 'queue.db.lock'))).toBe(false);
  });

  it('names the local store path under /proc', async () => {
    // Only outputs.local_store.path is set, and the alarm records file is placed in its folder.
    const config = validateConfig({
      site: 'failed-start',
      mqtt: { broker: { port: 0 }, republish: { enabled: false } },
      devices: [{ id: 'room-1', protocol: 'mqtt', topic: 'rooms/1', profile: 'coldpool-room-celsius' }],
      outputs: { local_store: { path: '/proc/coldpool-test-nope/store.db' } },
    });
    const gateway = new Gateway(config, pino({ level: 'silent' }));
    await expect(gateway.start()).rejects.toThrow(
      'store file /proc/coldpool-test-nope/records.db: cannot create directory /proc/coldpool-test-nope: ' +
        'the file system at /proc rejects new directories (ENOENT), as procfs and sysfs do; ' +
        'set outputs.local_store.path or alarms.store_path to a path on a writable file system',
    );
  });

  it('names the broker port in use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-failed-start-'));
    const occupied = await occupiedPort();
    blocker = occupied.server;
    const gateway = new Gateway(gatewayConfig(dir, { broker_port: occupied.port }), pino({ level: 'silent' }));
    await expect(gateway.start()).rejects.toThrow(
      `embedded broker cannot listen on 127.0.0.1:${occupied.port} (listen EADDRINUSE: address already in use 127.0.0.1:${occupied.port}); free the port or choose another one (0 picks a free port); set it in mqtt.broker.port`,
    );
  });

  it('names the http port in use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-failed-start-'));
    const occupied = await occupiedPort();
    blocker = occupied.server;
    const config = gatewayConfig(dir, { broker_port: 0, http_port: occupied.port });
    const gateway = new Gateway(config, pino({ level: 'silent' }));
    await expect(gateway.start()).rejects.toThrow(
      `the HTTP API cannot listen on 127.0.0.1:${occupied.port} (listen EADDRINUSE: address already in use 127.0.0.1:${occupied.port}); free the port, or set http.host and http.port`,
    );
    expect(existsSync(join(dir, 'queue.db.lock'))).toBe(false);
  });
});
