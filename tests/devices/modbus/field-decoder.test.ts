import { describe, expect, it } from 'vitest';
import { ModbusExceptionError } from '../../../devices/modbus/errors.js';
import { decodeRequestFields } from '../../../devices/modbus/field-decoder.js';
import { unpackBits, wordsFromBytes } from '../../../devices/modbus/register-codec.js';
import type { RegisterField } from '../../../devices/modbus/register-field.js';
import { planRequests } from '../../../devices/modbus/request-plan.js';
import { parseRtuReply } from '../../../devices/modbus/rtu-frame.js';
import { hexBytes } from './hex-bytes.js';

function replyData(frame: string): Uint8Array {
  const reply = parseRtuReply(hexBytes(frame));
  if (reply.kind !== 'data') throw new Error(`expected a data reply, got exception ${reply.exception_code}`);
  return reply.data;
}

describe('field-decoder', () => {
  it('holding 100 int16 is -20', () => {
    const field: RegisterField = {
      name: 'air_temp_c',
      type: 'float',
      table: 'holding',
      address: 100,
      data_type: 'int16',
    };
    const [request] = planRequests([field]);
    const decoded = decodeRequestFields(request!, wordsFromBytes(replyData('01 03 02 FF EC F8 39')));
    expect(decoded.fields[0]!.value).toBe(-20);
  });

  it('float32 CDAB reply is 77.51', () => {
    const field: RegisterField = {
      name: 'supply_temp_c',
      type: 'float',
      table: 'holding',
      address: 0,
      data_type: 'float32',
      order: 'CDAB',
    };
    const [request] = planRequests([field]);
    const decoded = decodeRequestFields(request!, wordsFromBytes(replyData('01 03 04 07 7A 42 9B AB 95')));
    expect(decoded.fields[0]!.value).toBe(77.51460266113281);
  });

  it('scaled int16 is float field value', () => {
    const field: RegisterField = {
      name: 'air_temp_c',
      type: 'float',
      scale: 0.1,
      table: 'input',
      address: 7,
      data_type: 'int16',
    };
    const [request] = planRequests([field]);
    const decoded = decodeRequestFields(request!, [0x0183]);
    expect(decoded.fields[0]!.value).toBe(38.7);
    expect(decoded.fields[0]!.spec.type).toBe('float');
  });

  it('coils 20 to 38 from reply', () => {
    const fields = Array.from(
      { length: 19 },
      (_, i): RegisterField => ({
        name: `coil_${20 + i}`,
        type: 'boolean',
        table: 'coil',
        address: 20 + i,
        data_type: 'bool',
      }),
    );
    const [request] = planRequests(fields);
    expect([request!.function_code, request!.start, request!.quantity]).toEqual([1, 20, 19]);
    const bits = unpackBits(replyData('01 01 03 CD 6B 05 42 82'), request!.quantity);
    const values = decodeRequestFields(request!, bits).fields.map((field) => Number(field.value));
    expect(values).toEqual([1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1]);
  });

  it('fields at offsets within request', () => {
    const fields: RegisterField[] = [
      { name: 'a', type: 'integer', table: 'holding', address: 10, data_type: 'uint16' },
      { name: 'b', type: 'float', table: 'holding', address: 12, data_type: 'int16', scale: 0.01 },
    ];
    const [request] = planRequests(fields, { max_gap: 1 });
    const decoded = decodeRequestFields(request!, [1, 0xdead, 0x0a5d]);
    expect(decoded.fields.map((field) => field.value)).toEqual([1, 26.53]);
  });

  it('NaN float is field error', () => {
    const field: RegisterField = { name: 'x', type: 'float', table: 'holding', address: 0, data_type: 'float32' };
    const [request] = planRequests([field]);
    const decoded = decodeRequestFields(request!, [0x7fc0, 0x0000]);
    expect(decoded.fields).toEqual([]);
    expect(decoded.errors[0]!.code).toBe('MODBUS_VALUE_NOT_FINITE');
  });

  it('short reply is field error', () => {
    const field: RegisterField = { name: 'x', type: 'integer', table: 'holding', address: 0, data_type: 'uint32' };
    const [request] = planRequests([field]);
    expect(decodeRequestFields(request!, [1]).errors[0]!.code).toBe('MODBUS_REPLY_SHORT');
  });

  it('exception reply names request', () => {
    const reply = parseRtuReply(hexBytes('01 83 02 C0 F1'));
    expect(reply.kind).toBe('exception');
    if (reply.kind !== 'exception') return;
    const error = new ModbusExceptionError(
      { unit_id: reply.unit_id, function_code: reply.function_code, address: 100, quantity: 1 },
      reply.exception_code,
    );
    expect(error.code).toBe('MODBUS_EXCEPTION');
    expect(error.message).toMatch(/exception 2 \(illegal data address\).*function code 3, address 100/);
    expect(error.message).not.toContain("manual's register number");
  });

  it('exception 2 names a register number', () => {
    const input = new ModbusExceptionError({ unit_id: 1, function_code: 4, address: 30002, quantity: 1 }, 2);
    expect(input.message).toMatch(
      /address 30002 looks like the manual's register number, whose protocol address is 1 \(the number minus 30001\)$/,
    );
    const holding = new ModbusExceptionError({ unit_id: 1, function_code: 3, address: 40101, quantity: 2 }, 2);
    expect(holding.message).toContain('whose protocol address is 100 (the number minus 40001)');
    const coil = new ModbusExceptionError({ unit_id: 1, function_code: 1, address: 30002, quantity: 1 }, 2);
    expect(coil.message).not.toContain("manual's register number");
  });
});
