import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../gateway/config/config-error.js';
import { labelEntries } from '../../../gateway/config/entry-labels.js';
import { parseConfig } from '../../../gateway/config/load.js';

/** Returns the formatted lines of the config error that `text` raises. */
function errorLines(text: string): string[] {
  try {
    parseConfig(text, 'site.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n');
    throw error;
  }
  return [];
}

describe('config entry labels', () => {
  it('names a device by id', () => {
    const lines = errorLines(
      'devices:\n  - { id: ok-1, protocol: mqtt, topic: a/1, profile: coldpool-room-celsius }\n  - { id: ctrl-7, protocol: modbus_tcp, host: 127.0.0.1, port: 70000, profile: generic-tenths-c }\n',
    );
    expect(lines).toContain('  - devices[1].port (device ctrl-7) = 70000: must be a whole number from 1 to 65535');
  });

  it('names buses and subscriptions', () => {
    const data = { buses: [{ id: 'rs485-a' }], mqtt: { subscriptions: [{ topic: 'sites/+/rooms/+' }] } };
    const labelled = labelEntries(
      [
        { path: 'buses[0].baud_rate', message: 'm' },
        { path: 'mqtt.subscriptions[0].device_id_segment', message: 'm' },
      ],
      data,
    );
    expect(labelled[0]?.entry).toBe('bus rs485-a');
    expect(labelled[1]?.entry).toBe('subscription sites/+/rooms/+');
  });

  it('leaves entries without an id', () => {
    const labelled = labelEntries(
      [
        { path: 'devices[0].port', message: 'm' },
        { path: 'devices[5].port', message: 'm' },
        { path: 'http.port', message: 'm' },
      ],
      { devices: [{ id: 7 }] },
    );
    expect(labelled.map((problem) => problem.entry)).toEqual([undefined, undefined, undefined]);
  });

  it('labels cross-entry problems too', () => {
    const lines = errorLines(
      'devices:\n  - { id: a, protocol: mqtt, topic: a/1, profile: coldpool-room-celsius }\n  - { id: b, protocol: mqtt, topic: a/2, profile: no-such-profile }\n',
    );
    expect(
      lines.some((line) => line.startsWith('  - devices[1].profile (device b) = "no-such-profile": unknown profile')),
    ).toBe(true);
  });
});
