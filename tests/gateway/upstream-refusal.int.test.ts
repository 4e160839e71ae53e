/**
 * A gateway whose central broker (mosquitto with a password file) refuses its login. The upstream output
 * keeps trying on its back-off, logs what to check and counts the attempts as write errors. Once the
 * broker's password file is mended and reloaded, it delivers every queued reading.
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
import { startUpstreamTally, type UpstreamTally } from '../cluster/support/upstream-tally.js';
import { type Mosquitto, startMosquitto } from '../harness/mosquitto.js';
import { waitFor } from './support/wait-for.js';

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

const WARN = 40;
const PASSWORD_ENV = 'COLDPOOL_TEST_UPSTREAM_PASSWORD';
const GATEWAY_PASSWORD = 'site-secret-7';
const READINGS = 50;
const PREFIX = 'refusal/upstream';

const cleanups: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  delete process.env[PASSWORD_ENV];
});

/** Sets `user`'s password in the mosquitto password file `file`, which mosquitto reads as its own user. */
function setPassword(file: string, user: string, password: string, create = false): void {
  execFileSync('mosquitto_passwd', [...(create ? ['-c'] : []), '-b', file, user, password]);
  chmodSync(file, 0o644);
}

describe('upstream output refused by its broker', () => {
  it('retries, names the settings, and delivers once mended', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-upstream-refusal-'));
    chmodSync(dir, 0o755);
    const passwords = join(dir, 'passwords');
    setPassword(passwords, 'gw', 'an-older-password', true);
    setPassword(passwords, 'tally', 'tally-password');
    const [central, site] = await Promise.all([startMosquitto({ password_file: passwords }), startMosquitto()]);
    cleanups.push(
      () => central.stop(),
      () => site.stop(),
    );
    const tally: UpstreamTally = await startUpstreamTally(
      central.url.replace('mqtt://', 'mqtt://tally:tally-password@'),
      PREFIX,
      'cold_room',
    );
    cleanups.push(() => tally.stop());

    process.env[PASSWORD_ENV] = GATEWAY_PASSWORD;
    const lines: LogLine[] = [];
    const gateway = siteGateway(dir, site, central, lines);
    cleanups.push(() => gateway.stop());
    await gateway.start();
    const upstream = () => gateway.outputStats().find((entry) => entry.name === 'upstream')?.stats;

    const device = await connectAsync(site.url, { clientId: 'refusal-room-1' });
    cleanups.push(() => device.endAsync(true));
    const firstStamp = Date.now() - 60_000;
    for (let seq = 1; seq <= READINGS; seq++) {
      const payload = { seq, ts: firstStamp + seq * 1000, temp_c: 3 + seq / 100, rh_pct: 80 };
      await device.publishAsync('rooms/1', JSON.stringify(payload), { qos: 1 });
    }

    // The first attempt is refused at start, the second 5 s later.
    await waitFor(() => (upstream()?.write_errors ?? 0) >= 2, 'two refused attempts', 20_000);
    const refusals = lines.filter((line) => line.msg.startsWith('upstream output was refused by the broker'));
    // Both attempts fall within the one-minute limit of the log: one line.
    expect(refusals).toHaveLength(1);
    expect(refusals[0]?.level).toBe(WARN);
    expect(refusals[0]?.output).toBe('upstream');
    expect(refusals[0]?.url).toBe(central.url);
    expect(refusals[0]?.err).toBe('Connection refused: Not authorized');
    expect(refusals[0]?.msg).toContain('tries again in 5 s');
    expect(refusals[0]?.msg).toContain(
      `check upstream.username and the password that upstream.password_env (${PASSWORD_ENV}) gives, and ` +
        "that the broker's ACL or user settings let that user connect",
    );
    expect(upstream()?.pending).toBeGreaterThanOrEqual(READINGS);
    expect(tally.deliveries.size).toBe(0);

    setPassword(passwords, 'gw', GATEWAY_PASSWORD);
    central.reload();
    // The third attempt comes 10 s after the second.
    await waitFor(() => tally.deliveries.size === READINGS, 'every reading at the central broker', 30_000);
    await waitFor(() => upstream()?.pending === 0, 'the upstream queue to drain', 10_000);
    const reconnected = lines.filter((line) => line.msg === 'upstream output reconnected');
    expect(reconnected).toHaveLength(1);
    expect(reconnected[0]?.failed_attempts).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(lines)).not.toContain(GATEWAY_PASSWORD);
  }, 90_000);
});

/** Builds a gateway on the site broker with one room node that forwards upstream as user `gw` and logs into `lines`. */
function siteGateway(dir: string, site: Mosquitto, central: Mosquitto, lines: LogLine[]): Gateway {
  const config = validateConfig({
    site: 'refusal',
    mqtt: { url: site.url, client_id: 'coldpool-refusal-site', republish: { enabled: false } },
    devices: [{ id: 'room-1', protocol: 'mqtt', topic: 'rooms/1', profile: 'coldpool-room-celsius' }],
    outputs: { local_store: { path: join(dir, 'store.db') }, queue: { path: join(dir, 'queue.db') } },
    upstream: { url: central.url, topic_prefix: PREFIX, username: 'gw', password_env: PASSWORD_ENV },
  });
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return new Gateway(config, log);
}
