import { z } from 'zod';
import { checkField, fieldCommon } from './field-schema.js';

const wideTypes = new Set(['int32', 'uint32', 'float32', 'int64', 'uint64', 'float64']);

/** One Modbus field: which table and address, and how the register words decode. */
export const registerField = z
  .strictObject({
    ...fieldCommon,
    /** Holding and input registers (function codes 3 and 4), coils and discrete inputs (1 and 2). */
    table: z.enum(['holding', 'input', 'coil', 'discrete']),
    /** Zero-based protocol address, as on the wire (register 40001 in a manual is address 0). */
    address: z.number().int().min(0).max(65535),
    /** Encoding of the register words. */
    data_type: z.enum(['int16', 'uint16', 'int32', 'uint32', 'float32', 'int64', 'uint64', 'float64', 'bool']),
    /** Byte and word order: A B C D name the bytes of consecutive registers in wire order. */
    order: z.enum(['ABCD', 'CDAB', 'BADC', 'DCBA']).default('ABCD'),
    /** Bit of a 16-bit register (0 = least significant) for a bool packed in a register. */
    bit: z.number().int().min(0).max(15).optional(),
  })
  .superRefine((field, ctx) => {
    checkField(field, ctx);
    const bitTable = field.table === 'coil' || field.table === 'discrete';
    if (bitTable && field.data_type !== 'bool') {
      ctx.addIssue({
        code: 'custom',
        path: ['data_type'],
        input: field.data_type,
        message: `${field.table} tables hold single bits, so data_type must be bool`,
      });
    }
    if (field.data_type === 'bool' && field.type !== 'boolean') {
      ctx.addIssue({
        code: 'custom',
        path: ['type'],
        input: field.type,
        message: 'a bool register must be of type boolean',
      });
    }
    if (field.bit !== undefined && (bitTable || field.data_type !== 'bool')) {
      ctx.addIssue({
        code: 'custom',
        path: ['bit'],
        input: field.bit,
        message: 'bit applies only to a bool in a holding or input register',
      });
    }
    if (wideTypes.has(field.data_type) && field.address + (field.data_type.endsWith('64') ? 3 : 1) > 65535) {
      ctx.addIssue({
        code: 'custom',
        path: ['address'],
        input: field.address,
        message: `a ${field.data_type} at this address runs past register 65535`,
      });
    }
  });

export type RegisterFieldConfig = z.infer<typeof registerField>;
