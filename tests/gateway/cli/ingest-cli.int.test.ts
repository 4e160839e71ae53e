/**
 * `coldpool ingest` option checks, a CONNACK refusal and a broker that comes up after the bridge, run
 * as child processes against brokers on 127.0.0.1 and free ports.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/free-port.js';
import { type Mosquitto, startMosquitto } from '../../harness/mosquitto.js';
import { type RefusingBroker, startRefusingBroker } from '../../harness/refusing-broker.js';
import { runCli, spawnCli } from './run-cli.js';

const NOT_STARTED = 'nothing was started; fix the options and run again';

describe('coldpool ingest options', () => {
  let dir: string;
  /** An InfluxDB URL where nothing listens: the bridge retries writes there and still starts. */
  let influxUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldpool-ingest-cli-'));
    influxUrl = `http://127.0.0.1:${await freePort()}/central`;
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('requires --broker and --influx', async () => {
    const result = await runCli(['ingest']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--broker is missing; give the central broker as mqtt://host:1883');
    expect(result.stderr).toContain('--influx is missing; give the central InfluxDB as http://host:8086/database');
    expect(result.stderr).toContain(NOT_STARTED);
  });

  it('names each invalid option', async () => {
    const result = await runCli([
      'ingest',
      '--broker',
      'http://central:1883',
      '--influx',
      'ftp://central/db',
      '--topic-prefix',
      'sites/#',
      '--overflow',
      'discard',
      '--max-queue-points',
      'many',
      '--max-queue-bytes',
      '10',
      '--log-level',
      'loud',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--broker uses http:; use mqtt://host:1883 or mqtts://host:8883');
    expect(result.stderr).toContain('--influx: InfluxDB url ftp://central/db uses ftp:; use http: or https:');
    expect(result.stderr).toContain('--topic-prefix "sites/#" is invalid');
    expect(result.stderr).toContain('--overflow "discard" is invalid; use one of block, drop_oldest, drop_newest');
    expect(result.stderr).toContain('--max-queue-points "many" is not a whole number');
    expect(result.stderr).toContain('--max-queue-bytes "10" is too small; give a whole number of at least 1024');
    expect(result.stderr).toContain('--log-level "loud" is invalid');
  });

  it('rejects passwords on the command line', async () => {
    const result = await runCli([
      'ingest',
      '--broker',
      'mqtt://site:s3cret-broker@central:1883',
      '--influx',
      'http://central:8086/db?u=admin&p=s3cret-influx',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--broker contains a password');
    expect(result.stderr).toContain('--influx contains a password');
    expect(result.stderr).not.toContain('s3cret');
  });

  it('names unreadable password sources', async () => {
    const result = await runCli(
      [
        'ingest',
        '--broker',
        'mqtt://127.0.0.1:1883',
        '--influx',
        influxUrl,
        '--password-env',
        'COLDPOOL_INGEST_TEST_UNSET',
        '--influx-password-file',
        join(dir, 'missing-password'),
      ],
      { env: { COLDPOOL_INGEST_TEST_UNSET: '' } },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      '--password-env: environment variable COLDPOOL_INGEST_TEST_UNSET is not set; export it before starting',
    );
    expect(result.stderr).toContain(`--influx-password-file: ${join(dir, 'missing-password')} does not exist`);
  });

  it('names --queue when its directory cannot be created', async () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, '');
    const result = await runCli([
      'ingest',
      '--broker',
      'mqtt://127.0.0.1:1883',
      '--influx',
      influxUrl,
      '--queue',
      join(file, 'queue.db'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is not a directory (ENOTDIR); set --queue to a path on a writable file system');
  });

  it('names --queue when another process holds the queue', async () => {
    const queue = join(dir, 'locked', 'queue.db');
    mkdirSync(join(dir, 'locked'));
    // The test process is the other bridge: the lock file records its process id.
    writeFileSync(`${queue}.lock`, `${process.pid}\n`);
    const result = await runCli([
      'ingest',
      '--broker',
      `mqtt://127.0.0.1:${await freePort()}`,
      '--influx',
      influxUrl,
      '--queue',
      queue,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`queue file ${queue} is in use by process ${process.pid}`);
    expect(result.stderr).toContain('give this one its own --queue');
    expect(result.stderr).not.toContain('outputs.queue.path');
  });

  it('names the credential options after a CONNACK refusal', async () => {
    const broker = await startRefusingBroker(5);
    try {
      const result = await runCli(
        [
          'ingest',
          '--broker',
          broker.url,
          '--influx',
          influxUrl,
          '--username',
          'central',
          '--password-env',
          'COLDPOOL_INGEST_TEST_PASSWORD',
          '--queue',
          join(dir, 'refused', 'queue.db'),
        ],
        { env: { COLDPOOL_INGEST_TEST_PASSWORD: 'wrong-s3cret' } },
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Connection refused: Not authorized');
      expect(result.stderr).toContain('check --username and the password that --password-env or --password-file gives');
      expect(result.stderr).not.toContain('wrong-s3cret');
      // `coldpool: ` prefixes an error that escaped the command's own handling.
      expect(result.stderr).not.toContain('coldpool: ');
    } finally {
      await broker.stop();
    }
  });

  it('exits when a late broker rejects it', async () => {
    const port = await freePort();
    const ingest = spawnCli([
      'ingest',
      '--broker',
      `mqtt://127.0.0.1:${port}`,
      '--influx',
      influxUrl,
      '--queue',
      join(dir, 'late-refused', 'queue.db'),
    ]);
    let broker: RefusingBroker | undefined;
    try {
      await ingest.waitForStderr('central broker unreachable at start; upstream ingest keeps retrying');
      broker = await startRefusingBroker(5, port);
      const result = await ingest.exited;
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Connection refused: Not authorized');
      expect(result.stderr).toContain('check --username and the password that --password-env or --password-file gives');
    } finally {
      ingest.child.kill('SIGKILL');
      await broker?.stop();
    }
  }, 60_000);

  it('retries a broker that starts later', async () => {
    const port = await freePort();
    const ingest = spawnCli([
      'ingest',
      '--broker',
      `mqtt://127.0.0.1:${port}`,
      '--influx',
      influxUrl,
      '--queue',
      join(dir, 'late', 'queue.db'),
    ]);
    let broker: Mosquitto | undefined;
    try {
      await ingest.waitForStderr('central broker unreachable at start; upstream ingest keeps retrying');
      broker = await startMosquitto({ port });
      await ingest.waitForStderr('upstream ingest subscribed');
      ingest.child.kill('SIGINT');
      const result = await ingest.exited;
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('upstream ingest stopped: messages=0');
    } finally {
      ingest.child.kill('SIGKILL');
      await broker?.stop();
    }
  }, 60_000);
});
