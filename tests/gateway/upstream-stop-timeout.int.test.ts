/**
 * A gateway whose central broker (mosquitto with a password file) rejects its login keeps a page in the
 * upstream output that can never be acknowledged. Its stop must end within the stop timeout that the
 * `output stopping` line states, and the queue file must be free for the next gateway afterwards.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';
import { type Mosquitto, startMosquitto } from '../harness/mosquitto.js';
import { waitFor } from './support/wait-for.js';

interface LogLine {
  level: number;
  time: number;
  msg: string;
  [key: string]: unknown;
}

const PASSWORD_ENV = 'COLDPOOL_TEST_UPSTREAM_STOP_PASSWORD';
/** Slack for closing the client, the local store and the queue after the timeout, in milliseconds. */
const CLOSE_SLACK_MS = 1500;

const cleanups: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  delete process.env[PASSWORD_ENV];
});

describe('gateway stop with a refused upstream login', () => {
  it('ends within the stated stop timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-upstream-stop-'));
    chmodSync(dir, 0o755);
    const passwords = join(dir, 'passwords');
    execFileSync('mosquitto_passwd', ['-c', '-b', passwords, 'gw', 'the-broker-password']);
    chmodSync(passwords, 0o644);
    const [central, site] = await Promise.all([startMosquitto({ password_file: passwords }), startMosquitto()]);
    cleanups.push(
      () => central.stop(),
      () => site.stop(),
    );

    process.env[PASSWORD_ENV] = 'a-wrong-password';
    const lines: LogLine[] = [];
    const gateway = siteGateway(dir, site, central, lines);
    await gateway.start();
    const upstream = () => gateway.outputStats().find((entry) => entry.name === 'upstream')?.stats;

    const device = await connectAsync(site.url, { clientId: 'stop-room-1' });
    cleanups.push(() => device.endAsync(true));
    for (let seq = 1; seq <= 5; seq++) {
      const payload = { seq, ts: Date.now() - 10_000 + seq * 1000, temp_c: 3, rh_pct: 80 };
      await device.publishAsync('rooms/1', JSON.stringify(payload), { qos: 1 });
    }
    await waitFor(() => (upstream()?.pending ?? 0) >= 5, 'readings waiting for the upstream output', 10_000);
    await waitFor(() => (upstream()?.write_errors ?? 0) >= 1, 'a refused login', 10_000);

    const stopStartedAt = Date.now();
    await gateway.stop();
    const stopMs = Date.now() - stopStartedAt;

    const stopping = lines.find((line) => line.output === 'upstream' && line.msg.startsWith('output stopping'));
    const stopped = lines.find((line) => line.output === 'upstream' && line.msg === 'output stopped');
    expect(stopping).toBeDefined();
    expect(stopped).toBeDefined();
    const timeoutMs = stopping?.timeout_ms as number;
    expect(timeoutMs).toBe(5000);
    expect((stopped?.time ?? 0) - (stopping?.time ?? 0)).toBeLessThanOrEqual(timeoutMs + CLOSE_SLACK_MS);
    expect(stopMs).toBeLessThanOrEqual(timeoutMs + CLOSE_SLACK_MS);

    // The unacknowledged readings stay queued, and the next gateway can open the queue at once.
    const next = siteGateway(dir, site, central, []);
    await next.start();
    cleanups.push(() => next.stop());
    const nextUpstream = next.outputStats().find((entry) => entry.name === 'upstream')?.stats;
    expect(nextUpstream?.pending).toBeGreaterThanOrEqual(5);
  }, 60_000);
});

/** Builds a gateway on the site broker with one room node that forwards upstream as user `gw` and logs into `lines`. */
function siteGateway(dir: string, site: Mosquitto, central: Mosquitto, lines: LogLine[]): Gateway {
  const config = validateConfig({
    site: 'stopping',
    mqtt: { url: site.url, client_id: 'coldpool-stop-site', republish: { enabled: false } },
    devices: [{ id: 'room-1', protocol: 'mqtt', topic: 'rooms/1', profile: 'coldpool-room-celsius' }],
    outputs: { local_store: { path: join(dir, 'store.db') }, queue: { path: join(dir, 'queue.db') } },
    upstream: { url: central.url, topic_prefix: 'stopping/upstream', username: 'gw', password_env: PASSWORD_ENV },
  });
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return new Gateway(config, log);
}
