import { afterEach, describe, expect, it } from 'vitest';
import { ModbusTimeoutError } from '../../../devices/modbus/errors.js';
import type { ReadRequest } from '../../../devices/modbus/request-plan.js';
import { ModbusRtuBus } from '../../../devices/modbus/rtu-bus.js';
import { hexBytes, withCrc } from './hex-bytes.js';
import { openRawPeer, type PtyPair, type RawSerialPeer, startPtyPair } from './pty-pair.js';

const HOLDING_0_2: ReadRequest = { table: 'holding', function_code: 3, start: 0, quantity: 2, fields: [] };
const HOLDING_94_2: ReadRequest = { ...HOLDING_0_2, start: 0x5e };

let pair: PtyPair;
let peer: RawSerialPeer;
let bus: ModbusRtuBus;

async function setUp(): Promise<void> {
  pair = await startPtyPair();
  peer = await openRawPeer(pair.device_path);
  bus = new ModbusRtuBus({ path: pair.gateway_path, baud_rate: 9600, parity: 'none', inter_request_delay_ms: 5 });
}

afterEach(async () => {
  await bus?.stop();
  await peer?.close();
  await pair?.close();
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('rtu-transport', () => {
  it('sends the read request bytes', async () => {
    await setUp();
    const request = peer.nextRequest();
    const read = bus.read(1, HOLDING_0_2, 300).catch(() => {});
    expect([...(await request)]).toEqual([...hexBytes('01 03 00 00 00 02 C4 0B')]);
    await read;
  });

  it('assembles a reply in three pieces', async () => {
    await setUp();
    const request = peer.nextRequest();
    const read = bus.read(1, HOLDING_0_2, 1000);
    await request;
    await peer.write(hexBytes('01'));
    await sleep(40);
    await peer.write(hexBytes('03 04 00 00'));
    await sleep(40);
    await peer.write(hexBytes('00 00 FA 33'));
    const result = await read;
    expect(result.values).toEqual([0, 0]);
    expect(bus.stats().crc_errors).toBe(0);
    expect(bus.stats().bytes_discarded).toBe(0);
  });

  it('ignores an echo until the timeout', async () => {
    await setUp();
    const request = peer.nextRequest();
    const read = bus.read(1, HOLDING_94_2, 300);
    const outcome = read.then(
      () => 'resolved',
      (error: Error) => error,
    );
    await peer.write(await request);
    const error = await outcome;
    expect(error).toBeInstanceOf(ModbusTimeoutError);
    expect(bus.stats().echoes_ignored).toBe(1);
    expect(bus.stats().crc_errors).toBe(0);
  });

  it('reads the reply after an echo', async () => {
    await setUp();
    const request = peer.nextRequest();
    const read = bus.read(1, HOLDING_94_2, 1000);
    const echo = await request;
    await peer.write(echo);
    await sleep(20);
    await peer.write(hexBytes('01 03 04 07 7A 42 9B AB 95'));
    expect((await read).values).toEqual([0x077a, 0x429b]);
    expect(bus.stats().echoes_ignored).toBe(1);
  });

  it('skips noise and a corrupt frame', async () => {
    await setUp();
    const request = peer.nextRequest();
    const read = bus.read(1, HOLDING_0_2, 1000);
    await request;
    await peer.write(hexBytes('FF 01 00 01 03 04 00 00 00 01 FA 33 01 03 04 00 00 00 00 FA 33'));
    expect((await read).values).toEqual([0, 0]);
    expect(bus.stats().crc_errors).toBe(1);
    expect(bus.stats().bytes_discarded).toBe(12);
  });

  it('flushes a late reply before the next request', async () => {
    await setUp();
    const first = peer.nextRequest();
    const timedOut = bus.read(1, HOLDING_0_2, 150).catch((error: Error) => error);
    await first;
    expect(await timedOut).toBeInstanceOf(ModbusTimeoutError);
    // The late reply to the first request arrives while the line is idle.
    await peer.write(hexBytes('01 03 04 00 00 00 00 FA 33'));
    await sleep(50);
    const second = peer.nextRequest();
    const read = bus.read(1, HOLDING_0_2, 1000);
    await second;
    await peer.write(withCrc(hexBytes('01 03 04 00 07 00 09')));
    expect((await read).values).toEqual([7, 9]);
    expect(bus.stats().bytes_discarded).toBe(9);
  });

  it('returns an exception reply as an error', async () => {
    await setUp();
    const request = peer.nextRequest();
    const read = bus.read(1, HOLDING_0_2, 1000).catch((error: Error) => error);
    await request;
    await peer.write(hexBytes('01 83 02 C0 F1'));
    expect(await read).toMatchObject({ code: 'MODBUS_EXCEPTION', exception_code: 2, function_code: 3 });
  });

  it('reports a missing port', async () => {
    bus = new ModbusRtuBus({ path: '/nonexistent/coldpool-tty', baud_rate: 9600 });
    await expect(bus.read(1, HOLDING_0_2, 100)).rejects.toMatchObject({ code: 'MODBUS_SERIAL_PORT_FAILED' });
  });
});
