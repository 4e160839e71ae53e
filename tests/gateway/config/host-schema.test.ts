import { describe, expect, it } from 'vitest';
import { HOST_MESSAGE, isValidHost } from '../../../gateway/config/host-schema.js';
import { problemsOf } from './config-problems.js';

describe('isValidHost', () => {
  it('accepts addresses and host names', () => {
    for (const host of [
      '127.0.0.1',
      '0.0.0.0',
      '::',
      '::1',
      'fe80::1',
      'localhost',
      'plc-1.local',
      'plc-1.local.',
      '10gw',
    ]) {
      expect(isValidHost(host), host).toBe(true);
    }
  });

  it('rejects malformed hosts', () => {
    const rejected = [
      'not a host!',
      'plc_1',
      '-plc',
      'plc-',
      'plc..local',
      '[::1]',
      'mqtt://plc',
      'plc:502',
      `${'a'.repeat(64)}.local`,
      `${'abcdefgh.'.repeat(28)}local`,
    ];
    for (const host of rejected) {
      expect(isValidHost(host), host).toBe(false);
    }
  });
});

describe('host settings', () => {
  it('rejects a modbus host', () => {
    const problems = problemsOf(
      'devices: [{ id: ctrl-1, protocol: modbus_tcp, host: "not a host!", profile: generic-tenths-c }]\n',
    );
    expect(problems).toEqual([`devices[0].host: ${HOST_MESSAGE}`]);
  });

  it('rejects listener hosts', () => {
    const cases = [
      { text: 'http: { host: "gw host" }\n', setting: 'http.host' },
      { text: 'mqtt: { broker: { host: "0.0.0.0:1883" } }\n', setting: 'mqtt.broker.host' },
      {
        text: 'mqtt: { broker: { tls: { host: "tls!", cert_file: c.pem, key_file: k.pem } } }\n',
        setting: 'mqtt.broker.tls.host',
      },
    ];
    for (const { text, setting } of cases) {
      expect(problemsOf(text)).toEqual([`${setting}: ${HOST_MESSAGE}`]);
    }
  });
});
