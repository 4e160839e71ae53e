import { describe, expect, it } from 'vitest';
import { type ModbusTcpDeviceOptions, validateDeviceOptions } from '../../../devices/modbus/device-options.js';

const VALID: ModbusTcpDeviceOptions = {
  id: 'cold-room-1',
  host: '127.0.0.1',
  port: 502,
  unit_id: 1,
  poll_interval_ms: 1000,
  timeout_ms: 500,
  retries: 2,
  backoff_max_ms: 30000,
  fields: [{ name: 'air_temp_c', type: 'float', table: 'holding', address: 0, data_type: 'int16', scale: 0.1 }],
};

describe('device-options', () => {
  it('accepts valid options', () => {
    expect(() => validateDeviceOptions(VALID)).not.toThrow();
  });

  it.each<[keyof ModbusTcpDeviceOptions, unknown, RegExp]>([
    ['host', ' ', /host is empty/],
    ['port', 0, /port 0 is invalid/],
    ['port', 65536, /port 65536 is invalid/],
    ['unit_id', 256, /unit_id 256 is invalid/],
    ['poll_interval_ms', 0, /poll_interval_ms 0 is invalid/],
    ['timeout_ms', 1.5, /timeout_ms 1.5 is invalid/],
    ['retries', -1, /retries -1 is invalid/],
    ['backoff_max_ms', -5, /backoff_max_ms -5 is invalid/],
    ['retry_wait_ms', Number.NaN, /retry_wait_ms NaN is invalid/],
    ['fields', [], /fields is empty/],
  ])('rejects %s %s', (key, value, message) => {
    expect(() => validateDeviceOptions({ ...VALID, [key]: value })).toThrow(message);
  });

  it('errors carry config code', () => {
    expect(() => validateDeviceOptions({ ...VALID, port: -1 })).toThrow(
      expect.objectContaining({ code: 'MODBUS_CONFIG_INVALID', name: 'ModbusConfigError' }),
    );
  });
});
