import { ModbusConfigError } from './errors.js';
import { isBitTable, type RegisterField, registerCount } from './register-field.js';

/** Highest protocol address: addresses and quantities are 16-bit (Modbus Application Protocol v1.1b3 section 4.4). */
export const MAX_ADDRESS = 0xffff;

/**
 * Checks one field for a table, address, bit and declared type that can be read and stored as configured.
 * Throws `ModbusConfigError` naming the field and the fix.
 */
export function validateField(field: RegisterField): void {
  const where = `field ${field.name} (${field.table} ${field.address})`;
  if (!Number.isInteger(field.address) || field.address < 0 || field.address > MAX_ADDRESS) {
    throw new ModbusConfigError(
      `${where}: address ${field.address} is invalid, use an integer from 0 to ${MAX_ADDRESS}`,
    );
  }
  const last = field.address + registerCount(field) - 1;
  if (last > MAX_ADDRESS) {
    throw new ModbusConfigError(
      `${where}: a ${field.data_type} at address ${field.address} ends at ${last}, past the last address ${MAX_ADDRESS}`,
    );
  }
  if (isBitTable(field.table) && field.data_type !== 'bool') {
    throw new ModbusConfigError(`${where}: ${field.table} values are single bits, set data_type to bool`);
  }
  validateBit(field, where);
  validateDeclaredType(field, where);
}

function validateBit(field: RegisterField, where: string): void {
  if (field.bit === undefined) return;
  if (field.data_type !== 'bool' || isBitTable(field.table)) {
    throw new ModbusConfigError(`${where}: bit applies only to a bool read from a holding or input register`);
  }
  if (!Number.isInteger(field.bit) || field.bit < 0 || field.bit > 15) {
    throw new ModbusConfigError(`${where}: bit ${field.bit} is invalid, use 0 (least significant) to 15`);
  }
}

function validateDeclaredType(field: RegisterField, where: string): void {
  const scale = field.scale ?? 1;
  const offset = field.offset ?? 0;
  if (!Number.isFinite(scale) || !Number.isFinite(offset)) {
    throw new ModbusConfigError(`${where}: scale ${scale} and offset ${offset} must be finite numbers`);
  }
  if (field.data_type === 'bool') {
    if (field.type !== 'boolean') {
      throw new ModbusConfigError(`${where}: a bool register is stored as type boolean, not ${field.type}`);
    }
    return;
  }
  if (field.type === 'boolean' || field.type === 'string') {
    throw new ModbusConfigError(`${where}: a ${field.data_type} register cannot be stored as ${field.type}`);
  }
  const fractional = field.data_type.startsWith('float') || !Number.isInteger(scale) || !Number.isInteger(offset);
  if (fractional && field.type === 'integer') {
    throw new ModbusConfigError(
      `${where}: a ${field.data_type} with scale ${scale} and offset ${offset} has a fractional value, declare type float`,
    );
  }
}
