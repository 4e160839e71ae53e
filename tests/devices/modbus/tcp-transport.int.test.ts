import { afterEach, describe, expect, it } from 'vitest';
import type { RegisterField } from '../../../devices/modbus/register-field.js';
import { planRequests, type ReadRequest } from '../../../devices/modbus/request-plan.js';
import { ModbusTcpClient } from '../../../devices/modbus/tcp-client.js';
import { ModbusTcpDevice } from '../../../devices/modbus/tcp-device.js';
import { hexBytes } from './hex-bytes.js';
import { mbapFrame, type RawPeer, registerReplyPdu, startMbapPeer } from './modbus-peers.js';

const LATE_RESPONSE_0014 = hexBytes('00 14 00 00 00 13 01 03 10 00 23 09 4E 00 0D 00 0E 00 0F 00 10 00 00 00 00');
const REQUEST_0015 = hexBytes('00 15 00 00 00 06 01 03 00 00 00 08');
const FRESH_WORDS = [1, 2, 3, 4, 5, 6, 7, 8];

const EIGHT_REGISTERS: RegisterField[] = FRESH_WORDS.map((_, i) => ({
  name: `reg_${i}`,
  type: 'integer',
  table: 'holding',
  address: i,
  data_type: 'uint16',
}));

const peers: RawPeer[] = [];
const closers: Array<() => unknown> = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const peer of peers.splice(0)) await peer.close();
});

function eightRegisterRequest(): ReadRequest {
  return planRequests(EIGHT_REGISTERS)[0]!;
}

describe('tcp transport', () => {
  it('discards late response with stale id', async () => {
    const peer = await startMbapPeer((socket, request) => {
      if (request.transaction_id === 0x14) return;
      const fresh = mbapFrame(request.transaction_id, 1, registerReplyPdu(3, FRESH_WORDS));
      if (request.transaction_id === 0x15) {
        socket.write(LATE_RESPONSE_0014);
        setTimeout(() => socket.write(fresh), 20);
        return;
      }
      socket.write(fresh);
    });
    peers.push(peer);
    const client = new ModbusTcpClient({ host: '127.0.0.1', port: peer.port, unit_id: 1, timeout_ms: 200 });
    closers.push(() => client.close());
    await client.connect();
    for (let id = 1; id < 0x14; id++) await client.read(eightRegisterRequest());
    await expect(client.read(eightRegisterRequest())).rejects.toMatchObject({ code: 'MODBUS_TIMEOUT' });

    const words = await client.read(eightRegisterRequest());

    expect(peer.received.at(-1)).toEqual(REQUEST_0015);
    expect(words).toEqual(FRESH_WORDS);
  });

  it('keeps no finished requests', async () => {
    const peer = await startMbapPeer((socket, request) => {
      socket.write(mbapFrame(request.transaction_id, 1, registerReplyPdu(3, FRESH_WORDS)));
    });
    peers.push(peer);
    const client = new ModbusTcpClient({ host: '127.0.0.1', port: peer.port, unit_id: 1, timeout_ms: 200 });
    closers.push(() => client.close());
    await client.connect();
    for (let read = 0; read < 300; read++) await client.read(eightRegisterRequest());

    // modbus-serial's own map of requests by transaction id, which it never empties.
    const library = (client as unknown as { client: { _transactions: Record<number, unknown> } }).client;
    expect(Object.keys(library._transactions)).toEqual([]);
  });

  it('splits two responses in one read', async () => {
    const peer = await startMbapPeer((socket, request) => {
      const stale = mbapFrame(
        (request.transaction_id + 0xff) & 0xffff,
        1,
        registerReplyPdu(3, [9, 9, 9, 9, 9, 9, 9, 9]),
      );
      const fresh = mbapFrame(request.transaction_id, 1, registerReplyPdu(3, FRESH_WORDS));
      socket.write(Buffer.concat([stale, fresh]));
    });
    peers.push(peer);
    const client = new ModbusTcpClient({ host: '127.0.0.1', port: peer.port, unit_id: 1, timeout_ms: 500 });
    closers.push(() => client.close());
    await client.connect();

    expect(await client.read(eightRegisterRequest())).toEqual(FRESH_WORDS);
    expect(await client.read(eightRegisterRequest())).toEqual(FRESH_WORDS);
  });

  it('joins a response split in three', async () => {
    const peer = await startMbapPeer((socket, request) => {
      const fresh = mbapFrame(request.transaction_id, 1, registerReplyPdu(3, FRESH_WORDS));
      socket.write(fresh.subarray(0, 3));
      setTimeout(() => socket.write(fresh.subarray(3, 10)), 15);
      setTimeout(() => socket.write(fresh.subarray(10)), 30);
    });
    peers.push(peer);
    const client = new ModbusTcpClient({ host: '127.0.0.1', port: peer.port, unit_id: 1, timeout_ms: 500 });
    closers.push(() => client.close());
    await client.connect();

    expect(await client.read(eightRegisterRequest())).toEqual(FRESH_WORDS);
  });

  it('device reconnects after timeout', async () => {
    const connectionsAtRequest: number[] = [];
    const peer: RawPeer = await startMbapPeer((socket, request, index) => {
      connectionsAtRequest.push(peer.connections);
      if (index === 0) {
        // The first request gets its response only after the timeout, on the connection the device dropped.
        setTimeout(
          () => socket.write(mbapFrame(request.transaction_id, 1, registerReplyPdu(3, [9, 9, 9, 9, 9, 9, 9, 9]))),
          250,
        );
        return;
      }
      socket.write(mbapFrame(request.transaction_id, 1, registerReplyPdu(3, FRESH_WORDS)));
    });
    peers.push(peer);
    const device = new ModbusTcpDevice({
      id: 'late-peer',
      host: '127.0.0.1',
      port: peer.port,
      unit_id: 1,
      poll_interval_ms: 1000,
      timeout_ms: 150,
      retries: 1,
      backoff_max_ms: 1000,
      fields: EIGHT_REGISTERS,
    });
    closers.push(() => device.stop());

    const sample = await device.readOnce();

    expect(sample.fields.map((field) => field.value)).toEqual(FRESH_WORDS);
    expect(connectionsAtRequest).toEqual([1, 2]);
  });
});
