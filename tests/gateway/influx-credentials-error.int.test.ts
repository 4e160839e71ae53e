/**
 * The error of an InfluxDB 401 names the settings that set the credentials: the configuration keys for
 * the gateway, the command-line options for `coldpool ingest`. A stand-in InfluxDB on 127.0.0.1 returns
 * 401 to every write and query.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';
import type { Reading } from '../../gateway/reading.js';
import { encodeBatch, readingsTopic } from '../../gateway/upstream/upstream-message.js';
import { type Mosquitto, startMosquitto } from '../harness/mosquitto.js';
import { spawnCli } from './cli/run-cli.js';

const WRITE_FAILED = 'influxdb write failed';

/**
 * Starts an InfluxDB stand-in: /ping returns 204, as InfluxDB 1.x does without credentials, and every
 * other request gets 401 with an InfluxDB 1.x error body.
 */
async function rejectingInflux(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.url?.startsWith('/ping')) {
        response.writeHead(204);
        response.end();
        return;
      }
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end('{"error":"authorization failed"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}/coldpool` };
}

async function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function reading(device: string): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 's', asset: 'a', device },
    fields: { air_temp_c: 3.5 },
    integer_fields: new Set(),
    time_ms: Date.now(),
    time_source: 'source',
  };
}

describe('InfluxDB 401 error', () => {
  let influx: { server: Server; url: string };
  let dir: string;

  beforeAll(async () => {
    influx = await rejectingInflux();
    dir = mkdtempSync(join(tmpdir(), 'coldpool-influx-401-'));
    writeFileSync(join(dir, 'influx-password'), 'wrong-s3cret\n', { mode: 0o600 });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => influx.server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([true, false])('names the gateway settings, worker_thread %s', async (workerThread) => {
    const config = validateConfig({
      mqtt: { broker: { port: 0 } },
      alarms: { enabled: false },
      outputs: {
        local_store: { enabled: false, path: join(dir, `store-${workerThread}.db`) },
        queue: { path: join(dir, `queue-${workerThread}.db`), self_metrics_interval_s: 0 },
        influx: {
          url: influx.url,
          username: 'writer',
          password_file: join(dir, 'influx-password'),
          worker_thread: workerThread,
        },
      },
    });
    const lines: Array<Record<string, unknown>> = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const gateway = new Gateway(config, log);
    await gateway.start();
    try {
      gateway.bus.emit('reading', reading('room-1'));
      await until(() => lines.some((line) => String(line.msg).startsWith(WRITE_FAILED)));
    } finally {
      await gateway.stop();
    }
    const failed = lines.find((line) => String(line.msg).startsWith(WRITE_FAILED));
    const error = String(failed?.err);
    expect(error).toContain('rejected the credentials with HTTP 401');
    expect(error).toContain('outputs.influx.username');
    expect(error).toContain('outputs.influx.password_file');
    expect(error).not.toContain('wrong-s3cret');
  });

  describe('coldpool ingest', () => {
    let central: Mosquitto;

    beforeAll(async () => {
      central = await startMosquitto();
    }, 60_000);

    afterAll(async () => {
      await central?.stop();
    });

    it('names its own options', async () => {
      const ingest = spawnCli([
        'ingest',
        '--broker',
        central.url,
        '--influx',
        influx.url,
        '--influx-username',
        'writer',
        '--influx-password-file',
        join(dir, 'influx-password'),
        '--queue',
        join(dir, 'ingest', 'queue.db'),
      ]);
      const publisher = await connectAsync(central.url, { clientId: 'influx-401-sites' });
      try {
        await ingest.waitForStderr('upstream ingest subscribed');
        await publisher.publishAsync(
          readingsTopic('coldpool/upstream', 'site-a', 'node-0'),
          encodeBatch('node-0', [reading('d0')]),
          {
            qos: 1,
          },
        );
        await ingest.waitForStderr(WRITE_FAILED);
      } finally {
        await publisher.endAsync();
        ingest.child.kill('SIGKILL');
      }
      const stderr = ingest.stderr();
      expect(stderr).toContain('rejected the credentials with HTTP 401');
      expect(stderr).toContain(
        '--influx-username and the password that --influx-password-env or --influx-password-file gives',
      );
      expect(stderr).not.toContain('outputs.influx');
      expect(stderr).not.toContain('wrong-s3cret');
    }, 60_000);
  });
});
