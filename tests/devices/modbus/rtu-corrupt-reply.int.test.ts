/**
 * Replies from the RTU controller simulator with one flipped bit each, anywhere in the unit id, function
 * code, byte count or data. Every one of them must count as a CRC error and be named in the timeout.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ModbusRtuBus } from '../../../devices/modbus/rtu-bus.js';
import { RtuControllerSim } from '../../../firmware-sim/rtu/rtu-controller-sim.js';
import { builtInProfiles } from '../../../gateway/config/load.js';
import { type PtyPair, startPtyPair } from './pty-pair.js';

/** Requests sent, enough that with seed 11 some flipped bits land in the header of the reply. */
const REQUESTS = 20;

let pair: PtyPair | undefined;

afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

describe('rtu corrupted replies', () => {
  it('counts every flipped bit as a bad CRC', async () => {
    pair = await startPtyPair();
    const sim = new RtuControllerSim({ path: pair.device_path, units: [2], baud_rate: 9600, parity: 'none', seed: 11 });
    sim.setFaults(2, { corrupt_share: 1 });
    await sim.start();

    const bus = new ModbusRtuBus({ path: pair.gateway_path, baud_rate: 9600, parity: 'none', stop_bits: 1 });
    const profile = builtInProfiles()['generic-tenths-c'];
    // One register, so that every request gets one reply of 7 bytes.
    const field = profile!.registers![0]!;
    const device = bus.addDevice({
      id: 'room-2',
      unit_id: 2,
      poll_interval_ms: 60_000,
      // Every reply is corrupted, so every read waits the whole timeout. A reply that arrived after it
      // would not be counted, so the timeout leaves room for a loaded machine.
      timeout_ms: 500,
      retries: 0,
      backoff_max_ms: 1000,
      fields: [{ ...field }],
    });

    const messages: string[] = [];
    try {
      for (let i = 0; i < REQUESTS; i++) {
        messages.push(
          await device.readOnce().then(
            () => 'read',
            (error: Error) => error.message,
          ),
        );
      }
    } finally {
      await bus.stop();
      await sim.stop();
    }

    const corrupted = sim.served.filter((reply) => !reply.intact).length;
    expect(corrupted).toBe(REQUESTS);
    expect(bus.stats().crc_errors).toBe(REQUESTS);
    for (const message of messages) {
      expect(message).toContain('that formed no valid reply, among them 1 frame with a bad CRC');
    }
  }, 30_000);
});
