import { afterEach, describe, expect, it } from 'vitest';
import { RtuControllerSim } from '../../../firmware-sim/rtu/rtu-controller-sim.js';
import { hexBytes, withCrc } from '../../devices/modbus/hex-bytes.js';
import { openRawPeer, type PtyPair, type RawSerialPeer, startPtyPair } from '../../devices/modbus/pty-pair.js';
import { KNOWN_VALUES } from './known-values.js';

let pair: PtyPair | undefined;
let peer: RawSerialPeer | undefined;
let sim: RtuControllerSim | undefined;

afterEach(async () => {
  await sim?.stop();
  await peer?.close();
  await pair?.close();
  sim = undefined;
  peer = undefined;
  pair = undefined;
});

async function startSim(units: number[]): Promise<{ sim: RtuControllerSim; peer: RawSerialPeer }> {
  pair = await startPtyPair();
  sim = new RtuControllerSim({ path: pair.device_path, units, values: () => KNOWN_VALUES, baud_rate: 19200 });
  await sim.start();
  peer = await openRawPeer(pair.gateway_path);
  return { sim, peer };
}

/** Sends `request` and collects what comes back within `waitMs`. */
async function exchange(raw: RawSerialPeer, request: Buffer, waitMs = 150): Promise<Buffer> {
  const before = raw.received.length;
  await raw.write(request);
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  return Buffer.concat(raw.received.slice(before));
}

describe('rtu-controller-sim', () => {
  it('serves input registers', async () => {
    const { peer } = await startSim([1]);
    const reply = await exchange(peer, withCrc(hexBytes('01 04 00 00 00 07')));
    expect(reply.toString('hex')).toBe(
      withCrc(hexBytes('01 04 0E FF EC 01 83 00 00 07 7A 42 9B 07 7A 42 9B')).toString('hex'),
    );
  });

  it('serves holding registers', async () => {
    const { peer } = await startSim([1]);
    const reply = await exchange(peer, withCrc(hexBytes('01 03 00 64 00 02')));
    expect(reply.toString('hex')).toBe(withCrc(hexBytes('01 03 04 FF 4C 00 14')).toString('hex'));
  });

  it('packs coils from the lowest bit', async () => {
    const { peer } = await startSim([1]);
    const reply = await exchange(peer, withCrc(hexBytes('01 01 00 00 00 03')));
    expect(reply.toString('hex')).toBe(withCrc(hexBytes('01 01 01 05')).toString('hex'));
  });

  it('packs discrete inputs', async () => {
    const { peer } = await startSim([1]);
    const reply = await exchange(peer, withCrc(hexBytes('01 02 00 00 00 04')));
    expect(reply.toString('hex')).toBe(withCrc(hexBytes('01 02 01 0A')).toString('hex'));
  });

  it('unmapped address is exception 2', async () => {
    const { sim, peer } = await startSim([1]);
    const reply = await exchange(peer, withCrc(hexBytes('01 03 00 00 00 01')));
    expect(reply.toString('hex')).toBe(withCrc(hexBytes('01 83 02')).toString('hex'));
    expect(sim.served[0]!.kind).toBe('exception');
  });

  it('several units share the line', async () => {
    const { peer } = await startSim([2, 5]);
    const second = await exchange(peer, withCrc(hexBytes('02 03 00 65 00 01')));
    const fifth = await exchange(peer, withCrc(hexBytes('05 03 00 65 00 01')));
    const absent = await exchange(peer, withCrc(hexBytes('03 03 00 65 00 01')));
    expect(second.toString('hex')).toBe(withCrc(hexBytes('02 03 02 00 14')).toString('hex'));
    expect(fifth.toString('hex')).toBe(withCrc(hexBytes('05 03 02 00 14')).toString('hex'));
    expect(absent.length).toBe(0);
  });

  it('silent unit never replies', async () => {
    const { sim, peer } = await startSim([1]);
    sim.setFaults(1, { silent: true });
    const reply = await exchange(peer, withCrc(hexBytes('01 03 00 64 00 01')));
    expect(reply.length).toBe(0);
    expect(sim.served).toEqual([]);
  });

  it('echo precedes the reply', async () => {
    const { sim, peer } = await startSim([1]);
    sim.setFaults(1, { echo: true });
    const request = withCrc(hexBytes('01 03 00 64 00 01'));
    const reply = await exchange(peer, request);
    expect(reply.toString('hex')).toBe(Buffer.concat([request, withCrc(hexBytes('01 03 02 FF 4C'))]).toString('hex'));
  });

  it('fragments arrive in pieces', async () => {
    const { sim, peer } = await startSim([1]);
    sim.setFaults(1, { fragment: true });
    const reply = await exchange(peer, withCrc(hexBytes('01 03 00 64 00 02')));
    expect(reply.toString('hex')).toBe(withCrc(hexBytes('01 03 04 FF 4C 00 14')).toString('hex'));
    expect(peer.received.length).toBeGreaterThanOrEqual(3);
  });

  it('noise precedes the reply', async () => {
    const { sim, peer } = await startSim([1]);
    sim.setFaults(1, { noise_bytes: 5 });
    const reply = await exchange(peer, withCrc(hexBytes('01 03 00 64 00 01')));
    expect(reply.length).toBe(5 + 7);
    expect(reply.subarray(5).toString('hex')).toBe(withCrc(hexBytes('01 03 02 FF 4C')).toString('hex'));
  });

  it('corrupt reply fails its crc', async () => {
    const { sim, peer } = await startSim([1]);
    sim.setFaults(1, { corrupt_share: 1 });
    const reply = await exchange(peer, withCrc(hexBytes('01 03 00 64 00 01')));
    expect(reply.length).toBe(7);
    expect(reply.toString('hex')).not.toBe(withCrc(hexBytes('01 03 02 FF 4C')).toString('hex'));
    expect(sim.served[0]!.intact).toBe(false);
  });

  it('injected exception reply', async () => {
    const { sim, peer } = await startSim([1]);
    sim.setFaults(1, { exception: 6 });
    const reply = await exchange(peer, withCrc(hexBytes('01 03 00 64 00 01')));
    expect(reply.toString('hex')).toBe(withCrc(hexBytes('01 83 06')).toString('hex'));
  });

  it('drops a request with a bad crc', async () => {
    const { sim, peer } = await startSim([1]);
    const reply = await exchange(peer, hexBytes('01 03 00 64 00 01 00 00'));
    expect(reply.length).toBe(0);
    expect(sim.bytes_dropped).toBeGreaterThan(0);
  });
});
