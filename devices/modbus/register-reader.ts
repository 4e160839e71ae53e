/**
 * One-shot reads for commissioning: a `RegisterReader` over TCP or RTU, and a dump of every field of a
 * register map with the raw words it came from. Polling devices use `ModbusTcpDevice` and
 * `ModbusRtuBus` instead.
 */
import { applyScale, decodeRegisters } from './register-codec.js';
import { isBitTable, type RegisterField, registerCount } from './register-field.js';
import { type PlanOptions, planRequests, type ReadRequest } from './request-plan.js';
import { ModbusRtuBus, type ModbusRtuBusOptions } from './rtu-bus.js';
import { ModbusTcpClient } from './tcp-client.js';

/** Sends read requests to one unit. */
export interface RegisterReader {
  read(request: ReadRequest): Promise<number[] | boolean[]>;
  close(): Promise<void>;
}

/** Opens a TCP connection to `unitId` at `host:port`. Throws `ModbusConnectionError` when it fails. */
export async function openTcpReader(
  host: string,
  port: number,
  unitId: number,
  timeoutMs: number,
): Promise<RegisterReader> {
  const client = new ModbusTcpClient({ host, port, unit_id: unitId, timeout_ms: timeoutMs });
  await client.connect();
  return {
    read: (request) => client.read(request),
    close: async () => client.close(),
  };
}

/** Returns a reader for `unitId` on a serial bus; the port opens with the first request. */
export function openRtuReader(bus: ModbusRtuBusOptions, unitId: number, timeoutMs: number): RegisterReader {
  const rtu = new ModbusRtuBus(bus);
  return {
    read: async (request) => (await rtu.read(unitId, request, timeoutMs)).values,
    close: () => rtu.stop(),
  };
}

/** One field of a dump: the raw words or bit it was decoded from, and the value or the error. */
export interface FieldDumpRow {
  field: RegisterField;
  /** Register words in wire order, or the bit of a coil or discrete input. Empty when the request failed. */
  raw: number[] | boolean[];
  /** Scaled value in the device's unit, when the request succeeded. */
  value?: number | bigint | boolean;
  /** Message of the error that failed the field's request. */
  error?: string;
}

/**
 * Reads every field of `fields` once through `reader` and returns one row per field, in request order.
 * A failed request fails only its own fields, so one bad address does not hide the rest of the map.
 */
export async function dumpFields(
  reader: RegisterReader,
  fields: readonly RegisterField[],
  options: PlanOptions = {},
): Promise<FieldDumpRow[]> {
  const rows: FieldDumpRow[] = [];
  for (const request of planRequests(fields, options)) {
    let reply: number[] | boolean[];
    try {
      reply = await reader.read(request);
    } catch (error) {
      for (const field of request.fields) rows.push({ field, raw: [], error: (error as Error).message });
      continue;
    }
    for (const field of request.fields) rows.push(dumpRow(field, request, reply));
  }
  return rows;
}

function dumpRow(field: RegisterField, request: ReadRequest, reply: number[] | boolean[]): FieldDumpRow {
  const offset = field.address - request.start;
  const count = registerCount(field);
  if (isBitTable(field.table)) {
    const bit = Boolean(reply[offset]);
    return { field, raw: [bit], value: bit };
  }
  const words = (reply as number[]).slice(offset, offset + count);
  const raw = decodeRegisters(words, field.data_type, field.order, field.bit);
  return { field, raw: words, value: applyScale(raw, field.scale, field.offset) };
}
