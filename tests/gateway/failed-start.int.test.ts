import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';

describe('gateway start that fails', () => {
  it('releases the queue lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-failed-start-'));
    // The embedded broker's port is taken, so the start fails after the queue is open.
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    const queuePath = join(dir, 'queue.db');
    const config = validateConfig({
      site: 'failed-start',
      mqtt: { broker: { port }, republish: { enabled: false } },
      devices: [{ id: 'room-1', protocol: 'mqtt', topic: 'rooms/1', profile: 'coldpool-room-celsius' }],
      outputs: { local_store: { path: join(dir, 'store.db') }, queue: { path: queuePath } },
      alarms: { store_path: join(dir, 'records.db') },
    });
    const gateway = new Gateway(config, pino({ level: 'silent' }));
    try {
      await expect(gateway.start()).rejects.toThrow();
      expect(existsSync(`${queuePath}.lock`)).toBe(false);
    } finally {
      blocker.close();
    }
  });
});
