/**
 * Groups fields into as few read requests as the protocol limits allow. Limits per request come from the
 * Modbus Application Protocol Specification v1.1b3 sections 6.1 to 6.4: 2000 bits for function codes 1
 * and 2, 125 registers for function codes 3 and 4.
 */
import { ModbusConfigError } from './errors.js';
import { validateField } from './field-validation.js';
import {
  isBitTable,
  READ_FUNCTION_CODES,
  type RegisterField,
  type RegisterTable,
  registerCount,
} from './register-field.js';

/** Largest register quantity of one function code 3 or 4 request. */
export const MAX_READ_REGISTERS = 125;
/** Largest bit quantity of one function code 1 or 2 request. */
export const MAX_READ_BITS = 2000;

export interface PlanOptions {
  /** Largest register quantity per function code 3 or 4 request, 1 to 125. Default 125. */
  max_registers?: number;
  /** Largest bit quantity per function code 1 or 2 request, 1 to 2000. Default 2000. */
  max_bits?: number;
  /** Unused registers or bits a request may span to join two fields into one request. Default 0. */
  max_gap?: number;
}

/** One read request and the fields its reply carries. */
export interface ReadRequest {
  table: RegisterTable;
  function_code: number;
  /** Zero-based protocol address of the first register or bit. */
  start: number;
  quantity: number;
  fields: RegisterField[];
}

const TABLE_ORDER: RegisterTable[] = ['holding', 'input', 'coil', 'discrete'];

/**
 * Plans the read requests for `fields`: fields of one table, sorted by address, share a request while the
 * request stays within the cap and the gap between them is at most `max_gap`. A multi-register field is
 * never split across requests. Throws `ModbusConfigError` for an invalid field or option.
 */
export function planRequests(fields: readonly RegisterField[], options: PlanOptions = {}): ReadRequest[] {
  const maxRegisters = checkLimit('max_registers', options.max_registers ?? MAX_READ_REGISTERS, MAX_READ_REGISTERS);
  const maxBits = checkLimit('max_bits', options.max_bits ?? MAX_READ_BITS, MAX_READ_BITS);
  const maxGap = options.max_gap ?? 0;
  if (!Number.isInteger(maxGap) || maxGap < 0) {
    throw new ModbusConfigError(`max_gap ${maxGap} is invalid, use an integer of 0 or more`);
  }
  fields.forEach(validateField);

  const requests: ReadRequest[] = [];
  for (const table of TABLE_ORDER) {
    const cap = isBitTable(table) ? maxBits : maxRegisters;
    const sorted = fields.filter((field) => field.table === table).sort((a, b) => a.address - b.address);
    requests.push(...planTable(table, sorted, cap, maxGap));
  }
  return requests;
}

function planTable(table: RegisterTable, sorted: RegisterField[], cap: number, maxGap: number): ReadRequest[] {
  const requests: ReadRequest[] = [];
  let current: ReadRequest | undefined;
  let end = 0;
  for (const field of sorted) {
    const count = registerCount(field);
    if (count > cap) {
      throw new ModbusConfigError(
        `field ${field.name} needs ${count} registers but requests are capped at ${cap}; raise the cap to ${count} or more`,
      );
    }
    const fieldEnd = field.address + count;
    const fits =
      current !== undefined && field.address - end <= maxGap && Math.max(end, fieldEnd) - current.start <= cap;
    if (current && fits) {
      current.fields.push(field);
      end = Math.max(end, fieldEnd);
      current.quantity = end - current.start;
      continue;
    }
    current = {
      table,
      function_code: READ_FUNCTION_CODES[table],
      start: field.address,
      quantity: count,
      fields: [field],
    };
    end = fieldEnd;
    requests.push(current);
  }
  return requests;
}

function checkLimit(name: string, value: number, protocolMax: number): number {
  if (!Number.isInteger(value) || value < 1 || value > protocolMax) {
    throw new ModbusConfigError(`${name} ${value} is invalid, use an integer from 1 to ${protocolMax}`);
  }
  return value;
}

/** Size of a plan, for the one-line summary the gateway logs per device at start-up. */
export interface PlanSummary {
  /** Read requests per poll. */
  requests: number;
  /** Registers and bits read per poll, unused ones inside a request included. */
  registers: number;
  /** Fields decoded per poll. */
  fields: number;
}

/** Counts the requests, registers and fields of one poll of `requests`. */
export function describePlan(requests: readonly ReadRequest[]): PlanSummary {
  return {
    requests: requests.length,
    registers: requests.reduce((sum, request) => sum + request.quantity, 0),
    fields: requests.reduce((sum, request) => sum + request.fields.length, 0),
  };
}
