import { describe, expect, it } from 'vitest';
import { ModbusRtuBus } from '../../../devices/modbus/rtu-bus.js';
import { resolveLineSettings, silentIntervalMs } from '../../../devices/modbus/rtu-line.js';

const FIELD = {
  name: 'air_temp_c',
  type: 'float' as const,
  table: 'input' as const,
  address: 0,
  data_type: 'int16' as const,
};
const DEVICE = {
  id: 'room-1',
  unit_id: 1,
  poll_interval_ms: 1000,
  timeout_ms: 200,
  retries: 1,
  backoff_max_ms: 8000,
  fields: [FIELD],
};

describe('rtu-line', () => {
  it('silent interval at 9600 8E1', () => {
    // 3.5 characters of 11 bits at 9600 bit/s.
    expect(silentIntervalMs({ baud_rate: 9600, parity: 'even', stop_bits: 1 })).toBeCloseTo(4.0104, 3);
  });

  it('silent interval fixed above 19200', () => {
    expect(silentIntervalMs({ baud_rate: 115200, parity: 'none', stop_bits: 1 })).toBe(1.75);
  });

  it('fills in defaults', () => {
    expect(resolveLineSettings({ path: '/dev/ttyUSB0', baud_rate: 9600 })).toEqual({
      path: '/dev/ttyUSB0',
      baud_rate: 9600,
      parity: 'even',
      data_bits: 8,
      stop_bits: 1,
      inter_request_delay_ms: 5,
    });
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ path: ' ' }, /path is empty/],
    [{ baud_rate: 9600.5 }, /baud_rate 9600.5 is invalid/],
    [{ parity: 'mark' }, /parity mark is invalid/],
    [{ data_bits: 7 }, /data_bits 7 is invalid, RTU framing needs 8/],
    [{ stop_bits: 3 }, /stop_bits 3 is invalid/],
    [{ inter_request_delay_ms: -1 }, /inter_request_delay_ms -1 is invalid/],
  ])('rejects %o', (change, message) => {
    expect(() => resolveLineSettings({ path: '/dev/ttyUSB0', baud_rate: 9600, ...change } as never)).toThrow(message);
  });
});

describe('rtu-bus', () => {
  it('rejects a unit id used twice', () => {
    const bus = new ModbusRtuBus({ path: '/dev/ttyUSB0', baud_rate: 9600 });
    bus.addDevice(DEVICE);
    expect(() => bus.addDevice({ ...DEVICE, id: 'room-2' })).toThrow(/unit_id 1 is already used by room-1/);
  });

  it.each([0, 248])('rejects unit id %i', (unitId) => {
    const bus = new ModbusRtuBus({ path: '/dev/ttyUSB0', baud_rate: 9600 });
    expect(() => bus.addDevice({ ...DEVICE, unit_id: unitId })).toThrow(
      `unit_id ${unitId} is invalid, use an integer from 1 to 247`,
    );
  });

  it('lists health per device', () => {
    const bus = new ModbusRtuBus({ path: '/dev/ttyUSB0', baud_rate: 9600 });
    bus.addDevice(DEVICE);
    expect(bus.health()).toEqual([
      {
        device_id: 'room-1',
        unit_id: 1,
        up: false,
        consecutive_failures: 0,
        polls_ok: 0,
        polls_failed: 0,
        polls_on_time: 0,
        slots_skipped: 0,
      },
    ]);
  });
});
