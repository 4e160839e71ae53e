import type { FieldError, RawField } from '../sample.js';
import { applyScale, decodeRegisters } from './register-codec.js';
import { isBitTable, registerCount } from './register-field.js';
import type { ReadRequest } from './request-plan.js';

/** Fields decoded from one reply, and the fields that could not be decoded. */
export interface DecodedFields {
  fields: RawField[];
  errors: FieldError[];
}

/**
 * Decodes every field of `request` from its reply: `bits` for coils and discrete inputs, `words` for
 * registers, both starting at `request.start`. Each value is sign extended, then scaled, in the device's
 * unit. A float that is NaN or infinite becomes a `MODBUS_VALUE_NOT_FINITE` error instead of a value.
 */
export function decodeRequestFields(
  request: ReadRequest,
  reply: readonly number[] | readonly boolean[],
): DecodedFields {
  const decoded: DecodedFields = { fields: [], errors: [] };
  for (const field of request.fields) {
    const offset = field.address - request.start;
    const count = registerCount(field);
    if (offset + count > reply.length) {
      decoded.errors.push({
        field: field.name,
        code: 'MODBUS_REPLY_SHORT',
        message: `reply to ${request.table} ${request.start} has ${reply.length} values, field ${field.name} needs ${offset + count}`,
      });
      continue;
    }
    const raw = isBitTable(request.table)
      ? Boolean(reply[offset])
      : decodeRegisters(reply.slice(offset, offset + count) as number[], field.data_type, field.order, field.bit);
    const value = applyScale(raw, field.scale, field.offset);
    if (typeof value === 'number' && !Number.isFinite(value)) {
      decoded.errors.push({
        field: field.name,
        code: 'MODBUS_VALUE_NOT_FINITE',
        message: `field ${field.name} decoded to ${value} (${field.data_type} ${field.order ?? 'ABCD'}), check the order`,
      });
      continue;
    }
    decoded.fields.push({ spec: field, value });
  }
  return decoded;
}
