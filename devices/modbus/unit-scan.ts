/**
 * Finds which unit ids reply on a TCP gateway or a serial bus. Each unit gets one read of holding
 * register 0; a data reply or an exception reply both prove a device is there (an exception only means
 * that the device has no such register).
 */
import { ModbusExceptionError, ModbusFrameError, ModbusTimeoutError } from './errors.js';
import type { ReadRequest } from './request-plan.js';
import { ModbusRtuBus, type ModbusRtuBusOptions } from './rtu-bus.js';
import type { RtuLineStats } from './rtu-transport.js';
import { ModbusTcpClient } from './tcp-client.js';

/** A unit that replied to the probe. */
export interface FoundUnit {
  unit_id: number;
  /** Exception code when the unit replied with an exception; absent for a data reply. */
  exception_code?: number;
}

/** Outcome of a scan of one serial line setting. */
export interface SerialScanResult {
  found: FoundUnit[];
  /** Line counters: bytes without a valid frame point at a wrong baud rate or parity. */
  stats: RtuLineStats;
}

const PROBE: ReadRequest = { table: 'holding', function_code: 3, start: 0, quantity: 1, fields: [] };

/**
 * Probes `units` behind `host:port` one after the other, waiting at most `timeoutMs` for each. Throws
 * `ModbusConnectionError` when the host cannot be reached at all.
 */
export async function scanTcpUnits(
  host: string,
  port: number,
  units: readonly number[],
  timeoutMs: number,
): Promise<FoundUnit[]> {
  const found: FoundUnit[] = [];
  let client: ModbusTcpClient | undefined;
  try {
    for (const unitId of units) {
      if (!client) {
        client = new ModbusTcpClient({ host, port, unit_id: unitId, timeout_ms: timeoutMs });
        await client.connect();
      }
      client.setUnitId(unitId);
      const outcome = await probe(() => client!.read(PROBE), unitId);
      if (outcome) found.push(outcome);
      else {
        // A late reply would be taken for the next unit's, so a fresh connection follows every timeout.
        client.close();
        client = undefined;
      }
    }
  } finally {
    client?.close();
  }
  return found;
}

/** Probes `units` on a serial line with one line setting, waiting at most `timeoutMs` for each. */
export async function scanRtuUnits(
  bus: ModbusRtuBusOptions,
  units: readonly number[],
  timeoutMs: number,
): Promise<SerialScanResult> {
  const rtu = new ModbusRtuBus(bus);
  const found: FoundUnit[] = [];
  try {
    for (const unitId of units) {
      const outcome = await probe(() => rtu.read(unitId, PROBE, timeoutMs), unitId);
      if (outcome) found.push(outcome);
    }
  } finally {
    await rtu.stop();
  }
  return { found, stats: rtu.stats() };
}

/** Returns the unit when it replied, undefined when it timed out. Port and connection errors propagate. */
async function probe(read: () => Promise<unknown>, unitId: number): Promise<FoundUnit | undefined> {
  try {
    await read();
    return { unit_id: unitId };
  } catch (error) {
    if (error instanceof ModbusExceptionError) return { unit_id: unitId, exception_code: error.exception_code };
    if (error instanceof ModbusTimeoutError) return undefined;
    // A reply with a valid CRC that fails to parse still came from a device at this address.
    if (error instanceof ModbusFrameError) return { unit_id: unitId };
    throw error;
  }
}
