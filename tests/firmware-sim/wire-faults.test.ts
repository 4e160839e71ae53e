import { describe, expect, it } from 'vitest';
import { ModbusWireFaults } from '../../firmware-sim/modbus-wire-faults.js';
import { MqttWireFaults } from '../../firmware-sim/wire-faults.js';

const PAYLOAD = '{"seq":1,"ts":1784124000000,"temp_c":3.2,"rh_pct":85.1,"door_open":false}';
const NONE = { late_share: 0, late_s: 120, fragment_share: 0, noise_share: 0, malformed_share: 0 };

describe('MqttWireFaults', () => {
  it('passes messages through without faults', () => {
    const wire = new MqttWireFaults(NONE, 1);
    expect(wire.apply(PAYLOAD)).toEqual({ payload: PAYLOAD, delay_ms: 0 });
  });

  it('holds late messages back', () => {
    const message = new MqttWireFaults({ ...NONE, late_share: 1 }, 1).apply(PAYLOAD);
    expect(message.fault).toBe('late');
    expect(message.delay_ms).toBe(120_000);
    expect(message.payload).toBe(PAYLOAD);
  });

  it('cuts fragments short', () => {
    const message = new MqttWireFaults({ ...NONE, fragment_share: 1 }, 1).apply(PAYLOAD);
    expect(message.fault).toBe('fragment');
    expect(PAYLOAD.startsWith(String(message.payload))).toBe(true);
    expect(String(message.payload).length).toBeLessThan(PAYLOAD.length);
  });

  it('replaces messages by noise', () => {
    const message = new MqttWireFaults({ ...NONE, noise_share: 1 }, 1).apply(PAYLOAD);
    expect(message.fault).toBe('noise');
    expect(Buffer.isBuffer(message.payload)).toBe(true);
  });

  it('writes the last number as NaN', () => {
    const message = new MqttWireFaults({ ...NONE, malformed_share: 1 }, 1).apply(PAYLOAD);
    expect(message.payload).toBe(PAYLOAD.replace('"rh_pct":85.1', '"rh_pct":NaN'));
    expect(() => JSON.parse(String(message.payload))).toThrow();
  });

  it('repeats decisions for a seed', () => {
    const rates = { ...NONE, late_share: 0.2, fragment_share: 0.2, noise_share: 0.2 };
    const first = new MqttWireFaults(rates, 9);
    const second = new MqttWireFaults(rates, 9);
    const faults = (wire: MqttWireFaults) => Array.from({ length: 50 }, () => wire.apply(PAYLOAD).fault ?? 'none');
    expect(faults(first)).toEqual(faults(second));
  });

  it('hits roughly the configured share', () => {
    const wire = new MqttWireFaults({ ...NONE, fragment_share: 0.3 }, 3);
    const hits = Array.from({ length: 2000 }, () => wire.apply(PAYLOAD).fault).filter((f) => f === 'fragment');
    expect(hits.length).toBeGreaterThan(500);
    expect(hits.length).toBeLessThan(700);
  });
});

describe('ModbusWireFaults', () => {
  const CLEAN = { late_share: 0, late_ms: 20, exception_share: 0, drop_share: 0 };

  /** Applies `wire` to a read of `values` and records each call of the reply callback. */
  function replies(wire: ModbusWireFaults, values: number[]): { error: unknown; value?: number[] }[] {
    const calls: { error: unknown; value?: number[] }[] = [];
    wire.apply(
      () => values,
      (error, value) => calls.push({ error, value }),
    );
    return calls;
  }

  it('replies with exception 04', () => {
    const calls = replies(new ModbusWireFaults({ ...CLEAN, exception_share: 1 }, 1), [1]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.error).toEqual(expect.objectContaining({ modbusErrorCode: 4 }));
  });

  it('replies late', async () => {
    const wire = new ModbusWireFaults({ ...CLEAN, late_share: 1 }, 1);
    const started = Date.now();
    const value = await new Promise((resolve) =>
      wire.apply(
        () => [7],
        (_error, values) => resolve(values),
      ),
    );
    expect(value).toEqual([7]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });

  it('never replies to a dropped read', async () => {
    const wire = new ModbusWireFaults({ ...CLEAN, drop_share: 1 }, 1);
    const calls = replies(wire, [3]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toHaveLength(0);
  });

  it('cancels late replies', async () => {
    const wire = new ModbusWireFaults({ ...CLEAN, late_share: 1 }, 1);
    const calls = replies(wire, [3]);
    wire.cancel();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toHaveLength(0);
  });

  it('passes read errors to the reply', () => {
    const failure = { modbusErrorCode: 2 };
    const calls: unknown[] = [];
    new ModbusWireFaults(CLEAN, 1).apply(
      () => {
        throw failure;
      },
      (error) => calls.push(error),
    );
    expect(calls).toEqual([failure]);
  });

  it('replies at once without faults', () => {
    expect(replies(new ModbusWireFaults(CLEAN, 1), [5])).toEqual([{ error: null, value: [5] }]);
  });
});
