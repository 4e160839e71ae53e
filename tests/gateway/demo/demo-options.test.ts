import { describe, expect, it } from 'vitest';
import { DemoFlagError, type DemoFlags, MAX_TIMER_S, parseDemoFlags } from '../../../gateway/demo/demo-options.js';

/** The defaults that commander fills in for `coldpool demo`. */
const defaults: DemoFlags = {
  mqttPort: '1883',
  store: 'data/demo.db',
  intervalMs: '2000',
  summaryS: '5',
  logLevel: 'info',
};

function flagError(flags: Partial<DemoFlags>): string {
  try {
    parseDemoFlags({ ...defaults, ...flags });
  } catch (error) {
    if (error instanceof DemoFlagError) return error.message;
    throw error;
  }
  throw new Error(`parseDemoFlags accepted ${JSON.stringify(flags)}`);
}

describe('demo flags', () => {
  it('reads the defaults', () => {
    expect(parseDemoFlags(defaults)).toEqual({
      mqtt_port: 1883,
      store_path: 'data/demo.db',
      interval_ms: 2000,
      summary_ms: 5000,
      log_level: 'info',
    });
  });

  it('reads every optional flag', () => {
    const settings = parseDemoFlags({
      ...defaults,
      influx: 'http://127.0.0.1:8086/coldpool',
      http: '127.0.0.1:18081',
      duration: '0',
    });
    expect(settings.influx_url).toBe('http://127.0.0.1:8086/coldpool');
    expect(settings.http).toEqual({ host: '127.0.0.1', port: 18081 });
    expect(settings.duration_s).toBe(0);
  });

  it.each([
    ['0', '1 to 86400000'],
    ['1.5', '1 to 86400000'],
    ['-5', '1 to 86400000'],
    ['', '1 to 86400000'],
    ['fast', '1 to 86400000'],
    ['86400001', '1 to 86400000'],
  ])('rejects --interval-ms %j', (value, range) => {
    expect(flagError({ intervalMs: value })).toBe(
      `--interval-ms ${JSON.stringify(value)} is invalid: give a whole number of milliseconds from ${range}`,
    );
  });

  it.each(['-1', '70000', '1.5', 'x', ''])('rejects --mqtt-port %j', (value) => {
    expect(flagError({ mqttPort: value })).toBe(
      `--mqtt-port ${JSON.stringify(value)} is invalid: give a port from 0 to 65535 (0 picks a free port)`,
    );
  });

  it.each(['-1', 'soon', '', String(MAX_TIMER_S + 1)])('rejects --duration %j', (value) => {
    expect(flagError({ duration: value })).toBe(
      `--duration ${JSON.stringify(value)} is invalid: give a number of seconds from 0 to ${MAX_TIMER_S}`,
    );
  });

  it.each(['0', '-1', 'x'])('rejects --summary-s %j', (value) => {
    expect(flagError({ summaryS: value })).toBe(
      `--summary-s ${JSON.stringify(value)} is invalid: give a number of seconds greater than 0 and at most ${MAX_TIMER_S}`,
    );
  });

  it.each(['localhost:', ':8080', '127.0.0.1:99999', 'host:port'])('rejects --http %j', (value) => {
    expect(flagError({ http: value })).toBe(
      `--http ${JSON.stringify(value)} is invalid: give HOST:PORT such as 127.0.0.1:8080, or a port`,
    );
  });

  it.each([
    ['0.0.0.0:18081', 18081],
    ['192.168.1.5:8080', 8080],
    ['[::]:80', 80],
  ])('rejects --http %j beyond loopback', (value, port) => {
    const message = flagError({ http: value });
    expect(message).toMatch(new RegExp(`^--http "${value.replace(/[.[\]]/g, '\\$&')}" is not allowed: `));
    expect(message).toContain(`use --http 127.0.0.1:${port}`);
    expect(message).not.toContain('http.host');
  });

  it.each(['notaurl', 'http://127.0.0.1:8086', 'http://user:pw@127.0.0.1:8086/db', 'ftp://h/db'])(
    'rejects --influx %j',
    (value) => {
      expect(flagError({ influx: value })).toMatch(
        new RegExp(`^--influx ${JSON.stringify(value).replace(/[.:/]/g, '\\$&')} is invalid: give http\\(s\\)://`),
      );
    },
  );

  it('rejects an empty --store', () => {
    expect(flagError({ store: ' ' })).toBe('--store is empty: give the path of the SQLite file, such as data/demo.db');
  });

  it('rejects an unknown --log-level', () => {
    expect(flagError({ logLevel: 'loud' })).toBe(
      '--log-level "loud" is invalid: give one of fatal, error, warn, info, debug, trace, silent',
    );
  });

  it('lists every invalid flag at once', () => {
    expect(flagError({ intervalMs: '0', mqttPort: 'x' }).split('\n')).toEqual([
      '--mqtt-port "x" is invalid: give a port from 0 to 65535 (0 picks a free port)',
      '--interval-ms "0" is invalid: give a whole number of milliseconds from 1 to 86400000',
    ]);
  });
});
