import { describe, expect, it } from 'vitest';
import type { RegisterField } from '../../../devices/modbus/register-field.js';
import { describePlan, planRequests } from '../../../devices/modbus/request-plan.js';

function uint32At(address: number): RegisterField {
  return { name: `energy_${address}_kwh`, type: 'integer', table: 'holding', address, data_type: 'uint32' };
}

function coilAt(address: number): RegisterField {
  return { name: `door_${address}_open`, type: 'boolean', table: 'coil', address, data_type: 'bool' };
}

function int16At(address: number, table: RegisterField['table'] = 'holding'): RegisterField {
  return { name: `temp_${address}_c`, type: 'float', scale: 0.1, table, address, data_type: 'int16' };
}

function spans(fields: RegisterField[], options = {}): Array<[string, number, number, number]> {
  return planRequests(fields, options).map((request) => [
    request.table,
    request.function_code,
    request.start,
    request.quantity,
  ]);
}

describe('request-plan', () => {
  it('splits 108 uint32 at 124 registers', () => {
    const fields = Array.from({ length: 108 }, (_, i) => uint32At(12800 + 2 * i));
    expect(spans(fields)).toEqual([
      ['holding', 3, 12800, 124],
      ['holding', 3, 12924, 92],
    ]);
  });

  it('keeps every field in one request', () => {
    const fields = Array.from({ length: 108 }, (_, i) => uint32At(12800 + 2 * i));
    const counts = planRequests(fields).map((request) => request.fields.length);
    expect(counts).toEqual([62, 46]);
  });

  it('splits 2001 coils at 2000', () => {
    const fields = Array.from({ length: 2001 }, (_, i) => coilAt(i));
    expect(spans(fields)).toEqual([
      ['coil', 1, 0, 2000],
      ['coil', 1, 2000, 1],
    ]);
  });

  it('never exceeds a lower register cap', () => {
    const fields = Array.from({ length: 30 }, (_, i) => uint32At(2 * i));
    const quantities = planRequests(fields, { max_registers: 7 }).map((request) => request.quantity);
    expect(Math.max(...quantities)).toBe(6);
  });

  it('separates tables and function codes', () => {
    const fields = [int16At(5, 'input'), int16At(5), coilAt(3), { ...coilAt(3), table: 'discrete' as const }];
    expect(spans(fields)).toEqual([
      ['holding', 3, 5, 1],
      ['input', 4, 5, 1],
      ['coil', 1, 3, 1],
      ['discrete', 2, 3, 1],
    ]);
  });

  it('sorts fields by address', () => {
    expect(spans([int16At(3), int16At(1), int16At(2)])).toEqual([['holding', 3, 1, 3]]);
  });

  it('splits at a gap by default', () => {
    expect(spans([int16At(1), int16At(3)])).toEqual([
      ['holding', 3, 1, 1],
      ['holding', 3, 3, 1],
    ]);
  });

  it('bridges a gap within max_gap', () => {
    expect(spans([int16At(1), int16At(3)], { max_gap: 1 })).toEqual([['holding', 3, 1, 3]]);
  });

  it('shares a register between bit fields', () => {
    const bit = (bit: number): RegisterField => ({
      name: `alarm_${bit}`,
      type: 'boolean',
      table: 'holding',
      address: 40,
      data_type: 'bool',
      bit,
    });
    expect(spans([bit(0), bit(1), bit(2)])).toEqual([['holding', 3, 40, 1]]);
  });

  it('rejects field past address 65535', () => {
    expect(() => planRequests([uint32At(65535)])).toThrow(/ends at 65536, past the last address 65535/);
  });

  it('rejects negative address', () => {
    expect(() => planRequests([int16At(-1)])).toThrow(/address -1 is invalid/);
  });

  it('rejects cap above protocol limit', () => {
    expect(() => planRequests([int16At(0)], { max_registers: 126 })).toThrow(/max_registers 126 is invalid/);
  });

  it('rejects field wider than cap', () => {
    expect(() => planRequests([uint32At(0)], { max_registers: 1 })).toThrow(/needs 2 registers/);
  });

  it('rejects config error with code', () => {
    expect(() => planRequests([uint32At(65535)])).toThrow(expect.objectContaining({ code: 'MODBUS_CONFIG_INVALID' }));
  });

  it('rejects integer type with fractional scale', () => {
    expect(() => planRequests([{ ...int16At(0), type: 'integer' }])).toThrow(/declare type float/);
  });

  it('rejects float32 declared integer', () => {
    expect(() => planRequests([{ ...uint32At(0), data_type: 'float32' }])).toThrow(/declare type float/);
  });

  it('rejects coil that is not bool', () => {
    expect(() => planRequests([{ ...coilAt(0), data_type: 'int16' }])).toThrow(/set data_type to bool/);
  });

  it('rejects bit above 15', () => {
    const field: RegisterField = {
      name: 'alarm',
      type: 'boolean',
      table: 'input',
      address: 0,
      data_type: 'bool',
      bit: 16,
    };
    expect(() => planRequests([field])).toThrow(/bit 16 is invalid/);
  });

  it('rejects bool stored as float', () => {
    expect(() => planRequests([{ ...coilAt(0), type: 'float' }])).toThrow(/stored as type boolean/);
  });

  it('summary counts requests, registers, fields', () => {
    const plan = planRequests([int16At(0), int16At(3), uint32At(10), coilAt(0), coilAt(2)], { max_gap: 2 });
    expect(describePlan(plan)).toEqual({ requests: 3, registers: 4 + 2 + 3, fields: 5 });
  });

  it('summary of an empty plan', () => {
    expect(describePlan([])).toEqual({ requests: 0, registers: 0, fields: 0 });
  });
});
