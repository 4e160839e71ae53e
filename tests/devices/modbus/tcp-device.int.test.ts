import { afterEach, describe, expect, it } from 'vitest';
import type { RequestErrorEvent } from '../../../devices/modbus/polled-device.js';
import type { ByteOrder, RegisterField, RegisterType } from '../../../devices/modbus/register-field.js';
import { ModbusTcpDevice, type ModbusTcpDeviceOptions } from '../../../devices/modbus/tcp-device.js';
import type { DeviceSample } from '../../../devices/sample.js';
import { hexBytes } from './hex-bytes.js';
import {
  freePort,
  mbapFrame,
  type RunningServer,
  registerReplyPdu,
  startMbapPeer,
  startRawPeer,
  startRegisterServer,
} from './modbus-peers.js';

// Expected values were computed with Python's struct module, independently of the codec.
const M2_WORDS = [0x077a, 0x429b];
const WORDS_64 = [0x077a, 0x429b, 0xffec, 0x0183];
const ORDERS: ByteOrder[] = ['ABCD', 'CDAB', 'BADC', 'DCBA'];
const EXPECTED: Record<string, Record<ByteOrder, number | bigint>> = {
  float32: {
    ABCD: 1.8827483201218974e-34,
    CDAB: 77.51460266113281,
    BADC: 1.7602726961237342e35,
    DCBA: -1.6086733044837856e-22,
  },
  int32: { ABCD: 125452955, CDAB: 1117456250, BADC: 2047318850, DCBA: -1690142201 },
  uint32: { ABCD: 125452955, CDAB: 1117456250, BADC: 2047318850, DCBA: 2604825095 },
  int64: {
    ABCD: 538816343205216643n,
    CDAB: 109212206181844858n,
    BADC: 8793167509210497793n,
    DCBA: -9006657197198640633n,
  },
  uint64: {
    ABCD: 538816343205216643n,
    CDAB: 109212206181844858n,
    BADC: 8793167509210497793n,
    DCBA: 9440086876510910983n,
  },
  float64: {
    ABCD: 1.2135616632734853e-272,
    CDAB: 2.3331239082086273e-301,
    BADC: 6.695413535075644e279,
    DCBA: -3.5084249585429846e-294,
  },
};
const AIR_TEMP: RegisterField = { name: 'air_temp_c', type: 'float', table: 'holding', address: 0, data_type: 'int16' };
const M5_COILS = [1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1];

/** Places each multi-register type in every order at its own addresses, from 1000 up, 8 apart. */
function orderFields(holding: Map<number, number>): Array<{ field: RegisterField; expected: number | bigint }> {
  const cases: Array<{ field: RegisterField; expected: number | bigint }> = [];
  let address = 1000;
  for (const type of Object.keys(EXPECTED) as RegisterType[]) {
    const words = type.endsWith('64') ? WORDS_64 : M2_WORDS;
    for (const order of ORDERS) {
      for (const [i, word] of words.entries()) holding.set(address + i, word);
      const declared = type.startsWith('float') ? 'float' : 'integer';
      const field: RegisterField = {
        name: `${type}_${order}`,
        type: declared,
        table: 'holding',
        address,
        data_type: type,
        order,
      };
      cases.push({ field, expected: EXPECTED[type]![order] });
      address += 8;
    }
  }
  return cases;
}

function deviceOptions(port: number, fields: RegisterField[], extra: Partial<ModbusTcpDeviceOptions> = {}) {
  return {
    id: `dev-${port}`,
    host: '127.0.0.1',
    port,
    unit_id: 1,
    poll_interval_ms: 100,
    timeout_ms: 500,
    retries: 0,
    backoff_max_ms: 1000,
    fields,
    ...extra,
  };
}

function fieldValue(sample: DeviceSample, name: string): unknown {
  return sample.fields.find((field) => field.spec.name === name)?.value;
}

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function track<T extends RunningServer | ModbusTcpDevice>(item: T): T {
  cleanups.push(() => (item instanceof ModbusTcpDevice ? item.stop() : item.close()));
  return item;
}

describe('tcp-device', () => {
  it('decodes every type and order', async () => {
    const holding = new Map<number, number>([
      [0, 0xffec],
      [1, 0x0183],
      [2, 0xffec],
      [3, 0x0004],
    ]);
    const cases = orderFields(holding);
    const coils = new Map(M5_COILS.map((bit, i) => [20 + i, bit === 1]));
    const server = track(await startRegisterServer({ holding, input: new Map([[0, 0xfff6]]), coil: coils }));
    const fields: RegisterField[] = [
      { name: 'air_temp_c', type: 'float', table: 'holding', address: 0, data_type: 'int16' },
      { name: 'supply_temp_c', type: 'float', table: 'holding', address: 1, data_type: 'int16', scale: 0.1 },
      { name: 'raw_count', type: 'integer', table: 'holding', address: 2, data_type: 'uint16' },
      { name: 'alarm_high', type: 'boolean', table: 'holding', address: 3, data_type: 'bool', bit: 2 },
      { name: 'alarm_low', type: 'boolean', table: 'holding', address: 3, data_type: 'bool', bit: 1 },
      { name: 'return_temp_c', type: 'float', table: 'input', address: 0, data_type: 'int16', scale: 0.01 },
      ...M5_COILS.map(
        (_, i): RegisterField => ({
          name: `coil_${20 + i}`,
          type: 'boolean',
          table: 'coil',
          address: 20 + i,
          data_type: 'bool',
        }),
      ),
      ...cases.map((entry) => entry.field),
    ];
    const device = track(new ModbusTcpDevice(deviceOptions(server.port, fields)));
    const sample = await device.readOnce();

    expect(sample.errors).toEqual([]);
    expect(device.health().last_rtt_ms).toBeGreaterThanOrEqual(0);
    expect(fieldValue(sample, 'air_temp_c')).toBe(-20);
    expect(fieldValue(sample, 'supply_temp_c')).toBe(38.7);
    expect(fieldValue(sample, 'raw_count')).toBe(65516);
    expect(fieldValue(sample, 'alarm_high')).toBe(true);
    expect(fieldValue(sample, 'alarm_low')).toBe(false);
    expect(fieldValue(sample, 'return_temp_c')).toBe(-0.1);
    expect(M5_COILS.map((_, i) => Number(fieldValue(sample, `coil_${20 + i}`)))).toEqual(M5_COILS);
    for (const { field, expected } of cases) {
      const value = fieldValue(sample, field.name);
      const comparable =
        typeof expected === 'bigint' && Number.isSafeInteger(Number(expected)) ? Number(expected) : expected;
      expect(value, field.name).toBe(comparable);
    }
  });

  it('emits samples on its interval', async () => {
    const server = track(await startRegisterServer({ holding: new Map([[0, 0xffec]]) }));
    const device = track(new ModbusTcpDevice(deviceOptions(server.port, [AIR_TEMP], { poll_interval_ms: 50 })));
    const samples: DeviceSample[] = [];
    device.on('sample', (sample) => samples.push(sample));
    device.start();
    await sleep(500);
    await device.stop();

    expect(samples.length).toBeGreaterThanOrEqual(8);
    expect(samples.length).toBeLessThanOrEqual(11);
    // A poll that completes while stop() runs is counted, but its sample is not emitted.
    expect(device.health().polls_ok - samples.length).toBeGreaterThanOrEqual(0);
    expect(device.health().polls_ok - samples.length).toBeLessThanOrEqual(1);
    expect(device.health().up).toBe(true);
  });

  it('silent device does not delay live one', async () => {
    const server = track(await startRegisterServer({ holding: new Map([[0, 0xffec]]) }));
    const silent = track(await startRawPeer());
    const live = track(new ModbusTcpDevice(deviceOptions(server.port, [AIR_TEMP])));
    const dead = track(new ModbusTcpDevice(deviceOptions(silent.port, [AIR_TEMP], { timeout_ms: 400, retries: 1 })));
    const liveTimes: number[] = [];
    const deadSamples: DeviceSample[] = [];
    const deadErrors: string[] = [];
    live.on('sample', (sample) => liveTimes.push(sample.receive_time_ms));
    dead.on('sample', (sample) => deadSamples.push(sample));
    dead.on('poll_error', (event) => deadErrors.push((event.error as Error & { code: string }).code));
    dead.start();
    live.start();
    await sleep(1200);

    const gaps = liveTimes.slice(1).map((time, i) => time - liveTimes[i]!);
    expect(liveTimes.length).toBeGreaterThanOrEqual(10);
    expect(Math.max(...gaps)).toBeLessThan(180);
    expect(deadSamples).toEqual([]);
    expect(deadErrors[0]).toBe('MODBUS_TIMEOUT');
    expect(dead.health().up).toBe(false);
  });

  it('reconnects after a timeout', async () => {
    const silent = track(await startRawPeer());
    const device = track(new ModbusTcpDevice(deviceOptions(silent.port, [AIR_TEMP], { timeout_ms: 150, retries: 2 })));
    await expect(device.readOnce()).rejects.toMatchObject({ code: 'MODBUS_TIMEOUT', function_code: 3 });
    expect(silent.connections).toBe(3);
  });

  it('refused port reports connection error', async () => {
    const port = await freePort();
    const device = track(new ModbusTcpDevice(deviceOptions(port, [AIR_TEMP])));
    await expect(device.readOnce()).rejects.toMatchObject({ code: 'MODBUS_CONNECTION_FAILED' });
    expect(device.health()).toMatchObject({ up: false, consecutive_failures: 1, polls_failed: 1 });
    expect(device.health().last_error).toMatch(/ECONNREFUSED/);
  });

  it('backs off a failing device', async () => {
    const port = await freePort();
    const device = track(
      new ModbusTcpDevice(deviceOptions(port, [AIR_TEMP], { poll_interval_ms: 40, backoff_max_ms: 160 })),
    );
    const times: number[] = [];
    device.on('poll_error', () => times.push(Date.now()));
    device.start();
    await sleep(900);
    await device.stop();

    const gaps = times.slice(1).map((time, i) => time - times[i]!);
    // Expected waits: 40, 80, 160, 160, ... ms.
    expect(gaps[0]).toBeLessThan(70);
    expect(gaps[1]).toBeGreaterThanOrEqual(75);
    expect(gaps[2]).toBeGreaterThanOrEqual(150);
    expect(Math.max(...gaps)).toBeLessThan(220);
  });

  it('state events on down and up', async () => {
    const peer = track(
      await startMbapPeer((socket, request, index) => {
        if (index === 0) return;
        socket.write(mbapFrame(request.transaction_id, 1, registerReplyPdu(3, [0xffec])));
      }),
    );
    const device = track(new ModbusTcpDevice(deviceOptions(peer.port, [AIR_TEMP], { timeout_ms: 100 })));
    const states: boolean[] = [];
    device.on('state', (event) => states.push(event.up));

    await device.readOnce().catch(() => {});
    expect(states).toEqual([false]);
    expect(device.health().last_error).toMatch(/timed out after 100 ms/);

    await device.readOnce();
    expect(states).toEqual([false, true]);
    expect(device.health()).toMatchObject({ up: true, consecutive_failures: 0, polls_ok: 1, polls_failed: 1 });
  });

  it('tcp reply of wrong length names the request', async () => {
    const peer = track(
      await startMbapPeer((socket, request) => {
        socket.write(mbapFrame(request.transaction_id, 1, registerReplyPdu(3, [0xffec, 0x0001])));
      }),
    );
    const device = track(new ModbusTcpDevice(deviceOptions(peer.port, [AIR_TEMP], { timeout_ms: 500, retries: 0 })));
    await expect(device.readOnce()).rejects.toMatchObject({ code: 'MODBUS_FRAME_INVALID' });
    expect(device.health().last_error).toMatch(
      new RegExp(
        `^invalid reply from 127\\.0\\.0\\.1:${peer.port}: .+ \\(reply to unit 1, function code 3, address 0, quantity 1\\)$`,
      ),
    );
  });

  it('tcp exception reply for function code 4', async () => {
    const peer = track(await startRawPeer((socket) => socket.write(hexBytes('00 01 00 00 00 03 01 84 04'))));
    const fields: RegisterField[] = ['return_temp_c', 'supply_temp_c', 'coil_temp_c'].map((name, index) => ({
      name,
      type: 'float',
      table: 'input',
      address: 7 + index,
      data_type: 'int16',
    }));
    const device = track(new ModbusTcpDevice(deviceOptions(peer.port, fields)));
    const requestErrors: RequestErrorEvent[] = [];
    device.on('request_error', (event) => requestErrors.push(event));
    const sample = await device.readOnce();

    expect(peer.received[0]?.subarray(6)).toEqual(hexBytes('01 04 00 07 00 03'));
    expect(sample.fields).toEqual([]);
    expect(sample.errors).toEqual([]);
    expect(requestErrors).toHaveLength(1);
    expect(requestErrors[0]!.device_id).toBe(device.id);
    expect(requestErrors[0]!.request.start).toBe(7);
    expect(requestErrors[0]!.error.code).toBe('MODBUS_EXCEPTION');
    expect(requestErrors[0]!.error.message).toMatch(
      /exception 4 \(server device failure\).*function code 4, address 7, quantity 3/,
    );
    expect(device.health().up).toBe(true);
  });

  it('retries busy exception then succeeds', async () => {
    let busyReplies = 2;
    const server = track(
      await startRegisterServer(
        {},
        {
          getHoldingRegister: () => {
            if (busyReplies-- > 0) throw { modbusErrorCode: 6 };
            return 0x0183;
          },
        },
      ),
    );
    const device = track(
      new ModbusTcpDevice(deviceOptions(server.port, [AIR_TEMP], { retries: 2, retry_wait_ms: 60 })),
    );
    const started = Date.now();
    const sample = await device.readOnce();

    expect(fieldValue(sample, 'air_temp_c')).toBe(387);
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
  });

  it('reports busy after retries', async () => {
    let requests = 0;
    const server = track(
      await startRegisterServer(
        {},
        {
          getHoldingRegister: () => {
            requests++;
            throw { modbusErrorCode: 6 };
          },
        },
      ),
    );
    const device = track(
      new ModbusTcpDevice(deviceOptions(server.port, [AIR_TEMP], { retries: 2, retry_wait_ms: 10 })),
    );
    const requestErrors: RequestErrorEvent[] = [];
    device.on('request_error', (event) => requestErrors.push(event));
    const sample = await device.readOnce();

    expect(requests).toBe(3);
    expect(sample.fields).toEqual([]);
    expect(requestErrors).toHaveLength(1);
    expect(requestErrors[0]!.error.message).toMatch(/exception 6 \(server device busy\)/);
  });

  it('gateway exception 11 marks device down', async () => {
    let requests = 0;
    const server = track(
      await startRegisterServer(
        {},
        {
          getHoldingRegister: () => {
            requests++;
            throw { modbusErrorCode: 11 };
          },
        },
      ),
    );
    const device = track(
      new ModbusTcpDevice(deviceOptions(server.port, [AIR_TEMP], { retries: 1, retry_wait_ms: 10 })),
    );
    const states: boolean[] = [];
    device.on('state', ({ up }) => states.push(up));

    await expect(device.readOnce()).rejects.toMatchObject({ code: 'MODBUS_EXCEPTION', exception_code: 11 });
    expect(requests).toBe(2);
    expect(states).toEqual([false]);
    expect(device.health()).toMatchObject({ up: false, consecutive_failures: 1, last_error_code: 'MODBUS_EXCEPTION' });
  });

  it('stop ends polling', async () => {
    const server = track(await startRegisterServer({ holding: new Map([[0, 1]]) }));
    const field: RegisterField = { name: 'count', type: 'integer', table: 'holding', address: 0, data_type: 'uint16' };
    const device = new ModbusTcpDevice(deviceOptions(server.port, [field], { poll_interval_ms: 20 }));
    let samples = 0;
    device.on('sample', () => samples++);
    device.start();
    await sleep(100);
    await device.stop();
    const stopped = samples;
    await sleep(100);
    expect(samples).toBe(stopped);
  });

  it('invalid field throws config error', () => {
    const field: RegisterField = { name: 'x', type: 'integer', table: 'holding', address: 65535, data_type: 'uint32' };
    expect(() => new ModbusTcpDevice(deviceOptions(502, [field]))).toThrow(
      expect.objectContaining({ code: 'MODBUS_CONFIG_INVALID' }),
    );
  });
});

/** Starts a Modbus TCP peer that replies to every read of one register with the word 1 after `delay_ms`. */
function startSlowPeer(delay_ms: number) {
  return startMbapPeer((socket, request) => {
    setTimeout(() => {
      if (!socket.destroyed) socket.write(mbapFrame(request.transaction_id, request.unit_id, registerReplyPdu(3, [1])));
    }, delay_ms);
  });
}

describe('poll grid', () => {
  it('first poll waits for its offset', async () => {
    const server = track(await startRegisterServer({ holding: new Map([[0, 1]]) }));
    const device = track(
      new ModbusTcpDevice(deviceOptions(server.port, [AIR_TEMP], { poll_interval_ms: 200, poll_offset_ms: 120 })),
    );
    const times: number[] = [];
    device.on('sample', (sample) => times.push(sample.receive_time_ms));
    const started = Date.now();
    device.start();
    await sleep(300);

    expect(times.length).toBe(1);
    expect(times[0]! - started).toBeGreaterThanOrEqual(120);
    expect(times[0]! - started).toBeLessThan(200);
  });

  it('polls start on the grid', async () => {
    const server = track(await startRegisterServer({ holding: new Map([[0, 1]]) }));
    const device = track(
      new ModbusTcpDevice(deviceOptions(server.port, [AIR_TEMP], { poll_interval_ms: 50, poll_offset_ms: 10 })),
    );
    const times: number[] = [];
    device.on('sample', (sample) => times.push(sample.receive_time_ms));
    const started = Date.now();
    device.start();
    await sleep(620);
    await device.stop();

    // Each reading arrives early in its 50 ms slot, so the polls did not drift with their durations.
    const phases = times.map((time) => (time - started - 10) % 50);
    expect(times.length).toBeGreaterThanOrEqual(10);
    expect(Math.max(...phases)).toBeLessThan(25);
    expect(device.health().polls_on_time).toBe(times.length);
    expect(device.health().slots_skipped).toBe(0);
  });

  it('overrun skips the next slot', async () => {
    const peer = track(await startSlowPeer(130));
    const device = track(new ModbusTcpDevice(deviceOptions(peer.port, [AIR_TEMP], { poll_interval_ms: 100 })));
    const times: number[] = [];
    device.on('sample', (sample) => times.push(sample.receive_time_ms));
    device.start();
    await sleep(1050);
    await device.stop();

    const gaps = times.slice(1).map((time, i) => time - times[i]!);
    const health = device.health();
    expect(times.length).toBeGreaterThanOrEqual(4);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(190);
    // stop() lets the poll in flight finish, and that poll counts but emits no sample.
    expect(health.polls_ok - times.length).toBeLessThanOrEqual(1);
    expect(health.polls_on_time).toBe(0);
    expect(health.slots_skipped).toBe(times.length);
  });

  it('poll lag is recorded', async () => {
    const server = track(await startRegisterServer({ holding: new Map([[0, 1]]) }));
    const device = track(new ModbusTcpDevice(deviceOptions(server.port, [AIR_TEMP], { poll_interval_ms: 100 })));
    device.start();
    await sleep(150);

    expect(device.health().last_poll_lag_ms).toBeGreaterThanOrEqual(0);
    expect(device.health().last_poll_lag_ms).toBeLessThan(50);
  });

  it('offset of a whole interval is invalid', () => {
    expect(
      () => new ModbusTcpDevice(deviceOptions(502, [AIR_TEMP], { poll_interval_ms: 100, poll_offset_ms: 100 })),
    ).toThrow(expect.objectContaining({ code: 'MODBUS_CONFIG_INVALID' }));
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
