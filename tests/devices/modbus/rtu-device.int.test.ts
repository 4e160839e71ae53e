import { afterEach, describe, expect, it } from 'vitest';
import type { RegisterField } from '../../../devices/modbus/register-field.js';
import { ModbusRtuBus } from '../../../devices/modbus/rtu-bus.js';
import type { ModbusRtuDeviceOptions } from '../../../devices/modbus/rtu-device.js';
import type { DeviceSample } from '../../../devices/sample.js';
import { withCrc } from './hex-bytes.js';
import { type PtyPair, startPtyPair } from './pty-pair.js';
import { type Responder, type RtuResponder, startRtuResponder } from './rtu-responder.js';

const AIR_TEMP: RegisterField = {
  name: 'air_temp_c',
  type: 'float',
  table: 'input',
  address: 0,
  data_type: 'int16',
  scale: 0.1,
};

let pair: PtyPair | undefined;
let responder: RtuResponder | undefined;
let bus: ModbusRtuBus | undefined;

afterEach(async () => {
  await bus?.stop();
  await responder?.close();
  await pair?.close();
  bus = undefined;
  responder = undefined;
  pair = undefined;
});

async function startBus(respond: Responder): Promise<ModbusRtuBus> {
  pair = await startPtyPair();
  responder = await startRtuResponder(pair.device_path, respond);
  bus = new ModbusRtuBus({ path: pair.gateway_path, baud_rate: 9600, parity: 'none', inter_request_delay_ms: 5 });
  return bus;
}

function device(unitId: number, extra: Partial<ModbusRtuDeviceOptions> = {}): ModbusRtuDeviceOptions {
  return {
    id: `unit-${unitId}`,
    unit_id: unitId,
    poll_interval_ms: 200,
    timeout_ms: 100,
    retries: 0,
    backoff_max_ms: 1600,
    fields: [AIR_TEMP],
    ...extra,
  };
}

/** Reply to an input register read carrying the unit id times 10 in every register. */
function registerReply(unitId: number, functionCode: number, quantity: number): Buffer {
  const body = Buffer.alloc(3 + 2 * quantity);
  body[0] = unitId;
  body[1] = functionCode;
  body[2] = 2 * quantity;
  for (let i = 0; i < quantity; i++) body.writeInt16BE(unitId * 10, 3 + 2 * i);
  return withCrc(body);
}

function exceptionReply(unitId: number, functionCode: number, exceptionCode: number): Buffer {
  return withCrc(Buffer.from([unitId, functionCode | 0x80, exceptionCode]));
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((time, i) => time - times[i]!);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('rtu-device', () => {
  it('dead unit backs off alone', async () => {
    const rtu = await startBus((request) =>
      request.unit_id === 3 ? undefined : registerReply(request.unit_id, request.function_code, request.quantity),
    );
    const sampleTimes = new Map<number, number[]>([
      [1, []],
      [2, []],
    ]);
    for (const unitId of [1, 2, 3]) {
      const polled = rtu.addDevice(device(unitId));
      polled.on('sample', (sample) => sampleTimes.get(unitId)?.push(sample.receive_time_ms));
    }
    rtu.start();
    await sleep(3000);
    await rtu.stop();

    const requests = responder!.requests;
    const count = (unitId: number) => requests.filter((request) => request.unit_id === unitId).length;
    for (const unitId of [1, 2]) {
      const intervals = gaps(sampleTimes.get(unitId)!);
      const mean = intervals.reduce((sum, gap) => sum + gap, 0) / intervals.length;
      expect(intervals.length).toBeGreaterThanOrEqual(12);
      expect(mean).toBeGreaterThan(190);
      expect(mean).toBeLessThan(215);
      // A healthy unit waits at most one timeout of the dead unit, plus the line delay and timer jitter.
      expect(Math.max(...intervals)).toBeLessThan(200 + 100 + 60);
    }
    // Back-off of 200, 400, 800, 1600 ms gives the dead unit 4 or 5 turns in 3 s against about 15.
    expect(count(3)).toBeGreaterThanOrEqual(3);
    expect(count(3)).toBeLessThanOrEqual(6);
    const dead = rtu.health().find((health) => health.unit_id === 3)!;
    expect(dead.up).toBe(false);
    expect(dead.consecutive_failures).toBe(count(3));
    expect(dead.last_error_code).toBe('MODBUS_TIMEOUT');
  });

  it('samples carry decoded values', async () => {
    const rtu = await startBus((request) => registerReply(request.unit_id, request.function_code, request.quantity));
    const polled = rtu.addDevice(device(7));
    const sample: DeviceSample = await polled.readOnce();
    expect(sample.device_id).toBe('unit-7');
    expect(sample.fields.map((field) => field.value)).toEqual([7]);
    expect(sample.errors).toEqual([]);
  });

  it('wrong register count is named', async () => {
    const rtu = await startBus((request) =>
      registerReply(request.unit_id, request.function_code, request.quantity + 1),
    );
    const polled = rtu.addDevice(device(6));
    await expect(polled.readOnce()).rejects.toMatchObject({ code: 'MODBUS_TIMEOUT' });
    // A reply of another length is no reply to this request, so the request times out with the bytes named.
    expect(polled.health().last_error).toBe(
      'Modbus request to unit 6 (function code 4, address 0, quantity 1) timed out after 100 ms, while 9 bytes ' +
        'arrived that formed no valid reply: check the baud rate, parity and wiring, that the unit id and register ' +
        'count match the device, and that no second master drives the line',
    );
  });

  it('bad CRC reply is named', async () => {
    const rtu = await startBus((request) => {
      const reply = registerReply(request.unit_id, request.function_code, request.quantity);
      reply[reply.length - 1]! ^= 0xff;
      return reply;
    });
    const polled = rtu.addDevice(device(9));
    await expect(polled.readOnce()).rejects.toMatchObject({
      code: 'MODBUS_TIMEOUT',
      line_activity: { bytes: 7, crc_errors: 1, echoes: 0 },
    });
    expect(polled.health().last_error).toContain(
      '7 bytes arrived that formed no valid reply, among them 1 frame with a bad CRC',
    );
  });

  it('flipped header bit is a bad CRC', async () => {
    const rtu = await startBus((request) => {
      const reply = registerReply(request.unit_id, request.function_code, request.quantity);
      // The byte count, 2, becomes 3: the reply keeps its length, and its CRC no longer matches.
      reply[2]! ^= 0x01;
      return reply;
    });
    const polled = rtu.addDevice(device(9));
    await expect(polled.readOnce()).rejects.toMatchObject({
      code: 'MODBUS_TIMEOUT',
      line_activity: { bytes: 7, crc_errors: 1, echoes: 0 },
    });
    expect(polled.health().last_error).toContain(
      '7 bytes arrived that formed no valid reply, among them 1 frame with a bad CRC',
    );
    expect(rtu.stats().crc_errors).toBe(1);
  });

  it('timeout names the request quantity', async () => {
    const rtu = await startBus(() => undefined);
    const polled = rtu.addDevice(device(8));
    await expect(polled.readOnce()).rejects.toMatchObject({ code: 'MODBUS_TIMEOUT', quantity: 1 });
    expect(polled.health().last_error).toBe(
      'Modbus request to unit 8 (function code 4, address 0, quantity 1) timed out after 100 ms: check that the ' +
        'device is powered and reachable, or raise timeout_ms',
    );
  });

  it('exception 11 marks the device down', async () => {
    const rtu = await startBus((request) => exceptionReply(request.unit_id, request.function_code, 11));
    const polled = rtu.addDevice(device(4, { retries: 1, retry_wait_ms: 10 }));
    const states: boolean[] = [];
    polled.on('state', ({ up }) => states.push(up));
    await expect(polled.readOnce()).rejects.toMatchObject({ code: 'MODBUS_EXCEPTION', exception_code: 11 });
    expect(responder!.requests.length).toBe(2);
    expect(states).toEqual([false]);
    expect(polled.health()).toMatchObject({ up: false, consecutive_failures: 1, last_error_code: 'MODBUS_EXCEPTION' });
    expect(polled.health().last_error).toMatch(/exception 11 \(gateway target device failed to respond\)/);
  });

  it('exception 11 emits no sample', async () => {
    const rtu = await startBus((request) => exceptionReply(request.unit_id, request.function_code, 11));
    const polled = rtu.addDevice(device(4));
    const samples: DeviceSample[] = [];
    const errors: string[] = [];
    polled.on('sample', (sample) => samples.push(sample));
    polled.on('poll_error', ({ error }) => errors.push((error as Error & { code: string }).code));
    polled.start();
    await sleep(500);
    expect(samples).toEqual([]);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0]).toBe('MODBUS_EXCEPTION');
  });

  it('exception 2 keeps the device up', async () => {
    const rtu = await startBus((request) => exceptionReply(request.unit_id, request.function_code, 2));
    const polled = rtu.addDevice(device(5));
    const codes: string[] = [];
    polled.on('request_error', ({ error }) => codes.push(error.code));
    const sample = await polled.readOnce();
    expect(sample.fields).toEqual([]);
    expect(sample.errors).toEqual([]);
    expect(codes).toEqual(['MODBUS_EXCEPTION']);
    expect(polled.health().up).toBe(true);
  });

  it('busy exception retried after a wait', async () => {
    let calls = 0;
    const rtu = await startBus((request) =>
      calls++ < 2
        ? exceptionReply(request.unit_id, request.function_code, 6)
        : registerReply(request.unit_id, request.function_code, request.quantity),
    );
    const polled = rtu.addDevice(device(6, { retries: 2, retry_wait_ms: 80 }));
    const sample = await polled.readOnce();
    expect(sample.fields.map((field) => field.value)).toEqual([6]);
    const [first, second, third] = responder!.requests.map((request) => request.time_ms);
    expect(second! - first!).toBeGreaterThanOrEqual(75);
    expect(third! - second!).toBeGreaterThanOrEqual(75);
  });

  it('health records round trip time', async () => {
    const rtu = await startBus(async (request) => {
      await sleep(50);
      return registerReply(request.unit_id, request.function_code, request.quantity);
    });
    const polled = rtu.addDevice(device(8));
    await polled.readOnce();
    const health = polled.health();
    expect(health.up).toBe(true);
    expect(health.last_rtt_ms).toBeGreaterThanOrEqual(50);
    expect(health.last_rtt_ms).toBeLessThan(300);
    expect(health.last_poll_ms).toBeGreaterThan(Date.now() - 5000);
  });

  it('reopens a port that came back', async () => {
    const rtu = await startBus((request) => registerReply(request.unit_id, request.function_code, request.quantity));
    const polled = rtu.addDevice(device(9, { backoff_max_ms: 400 }));
    const states: boolean[] = [];
    const errorCodes: string[] = [];
    polled.on('state', ({ up }) => states.push(up));
    polled.on('poll_error', ({ error }) => errorCodes.push((error as Error & { code: string }).code));
    polled.start();
    await sleep(500);

    // The adapter is unplugged: socat exits and both pty links disappear.
    await responder!.close();
    await pair!.close(true);
    await sleep(700);
    pair = await startPtyPair(pair);
    responder = await startRtuResponder(pair.device_path, (request) =>
      registerReply(request.unit_id, request.function_code, request.quantity),
    );
    await sleep(1200);

    expect(states).toEqual([true, false, true]);
    expect(errorCodes).toContain('MODBUS_SERIAL_PORT_FAILED');
    expect(polled.health().up).toBe(true);
  });
});
