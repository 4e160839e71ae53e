/**
 * The upstream output's connection handling against a broker that refuses every login (aedes on
 * 127.0.0.1) and against a port where nothing listens: its retry waits and its log lines.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../gateway/config/load.js';
import { UpstreamOutput } from '../../gateway/upstream/upstream-output.js';
import { upstreamSink } from '../../gateway/upstream/upstream-sink.js';
import { freePort } from '../harness/free-port.js';
import { startRefusingBroker } from '../harness/refusing-broker.js';

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

const WARN = 40;
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Returns the upstream sink of a gateway config whose `upstream` section is `upstream`, logging into `lines`. */
function sinkFor(upstream: Record<string, unknown>, lines: LogLine[]) {
  const config = validateConfig({
    site: 'north',
    mqtt: { client_id: 'coldpool-sink-test' },
    devices: [],
    upstream,
  });
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  const sink = upstreamSink(config.config, log);
  if (sink === undefined) throw new Error('no upstream sink');
  cleanups.push(() => sink.stop());
  return { sink, output: sink.output as UpstreamOutput };
}

describe('upstream output connection', () => {
  it('retries a refusal on a doubling wait', async () => {
    const broker = await startRefusingBroker(5);
    cleanups.push(() => broker.stop());
    const output = new UpstreamOutput({
      url: broker.url,
      client_id: 'coldpool-north-node-0',
      topic_prefix: 'coldpool/upstream',
      site: 'north',
      node_id: 'node-0',
      refusal_retry_ms: 200,
      max_refusal_retry_ms: 800,
    });
    cleanups.push(() => output.stop());
    const attempts: number[] = [];
    output.on('error', () => attempts.push(Date.now()));
    await output.start();
    // Attempts at 0, 200, 600, 1400 and 2200 ms.
    await sleep(2500);
    expect(attempts.length).toBeGreaterThanOrEqual(5);
    const gaps = attempts.slice(1).map((at, index) => at - (attempts[index] ?? at));
    for (const [index, wait] of [200, 400, 800, 800].entries()) {
      expect(gaps[index], `wait ${index + 1}`).toBeGreaterThanOrEqual(wait - 20);
    }
    expect(output.retryDelayMs).toBe(800);
  });

  it('names the password file of a refused login', async () => {
    const broker = await startRefusingBroker(4);
    cleanups.push(() => broker.stop());
    const file = join(mkdtempSync(join(tmpdir(), 'coldpool-upstream-sink-')), 'central-password');
    writeFileSync(file, 'file-secret-3\n');
    const lines: LogLine[] = [];
    const { sink } = sinkFor({ url: broker.url, username: 'north', password_file: file }, lines);
    await sink.start();
    await sleep(500);
    const refusals = lines.filter((line) => line.msg.startsWith('upstream output was refused by the broker'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]?.level).toBe(WARN);
    expect(refusals[0]?.connack_code).toBe(4);
    expect(refusals[0]?.retry_ms).toBe(5000);
    expect(refusals[0]?.msg).toBe(
      'upstream output was refused by the broker and tries again in 5 s; check upstream.username and the ' +
        `password that upstream.password_file (${file}) gives, against the broker's password file or user settings`,
    );
    expect(JSON.stringify(lines)).not.toContain('file-secret-3');
  });

  it('logs an unreachable broker once a minute', async () => {
    const port = await freePort();
    const file = join(mkdtempSync(join(tmpdir(), 'coldpool-upstream-sink-')), 'central-password');
    writeFileSync(file, 'file-secret-5\n');
    const lines: LogLine[] = [];
    const { sink, output } = sinkFor(
      { url: `mqtt://127.0.0.1:${port}`, username: 'north', password_file: file },
      lines,
    );
    let attempts = 0;
    output.on('error', () => attempts++);
    await sink.start();
    // One attempt a second: at least three by now.
    await sleep(3500);
    expect(attempts).toBeGreaterThanOrEqual(3);
    const errors = lines.filter((line) => line.msg === 'upstream output error; it keeps reconnecting');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.output).toBe('upstream');
    expect(errors[0]?.url).toBe(`mqtt://127.0.0.1:${port}`);
    expect(errors[0]?.err).toContain('ECONNREFUSED');
    expect(lines.filter((line) => line.msg.startsWith('upstream broker offline'))).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain('file-secret-5');
  });
});
