/**
 * Parser of the Solomon (1987) instance text format: a name line, a VEHICLE block with fleet size and
 * capacity, then a CUSTOMER block of rows `number x y demand ready due service`, row 0 being the depot.
 */
import { InvalidInputError } from '../common/errors.js';
import type { VrptwInput, VrptwNode } from './instance.js';

/** Parses one instance file's text; the fleet size is read but ignored because the fleet is unlimited. */
export function parseSolomon(text: string): VrptwInput {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const name = lines.find((line) => line.length > 0) ?? 'unnamed';
  const vehicleAt = lines.findIndex((line) => line.toUpperCase() === 'VEHICLE');
  const customerAt = lines.findIndex((line) => line.toUpperCase() === 'CUSTOMER');
  if (vehicleAt < 0 || customerAt < 0) {
    throw new InvalidInputError(`instance ${name}: VEHICLE or CUSTOMER header missing; is this a Solomon file?`);
  }
  const fleetLine = lines.slice(vehicleAt + 1, customerAt).find((line) => /^\d+\s+\d+$/.test(line));
  if (!fleetLine) throw new InvalidInputError(`instance ${name}: no "fleet capacity" line after VEHICLE`);
  const capacity = Number(fleetLine.split(/\s+/)[1]);
  const nodes: VrptwNode[] = [];
  for (const line of lines.slice(customerAt + 1)) {
    if (!/^\d/.test(line)) continue;
    const cols = line.split(/\s+/).map(Number);
    if (cols.length !== 7 || cols.some((value) => !Number.isFinite(value))) {
      throw new InvalidInputError(`instance ${name}: customer row "${line}" does not hold seven numbers`);
    }
    const [id, x, y, demand, ready, due, service] = cols as [number, number, number, number, number, number, number];
    if (id !== nodes.length) {
      throw new InvalidInputError(`instance ${name}: customer number ${id} out of sequence (expected ${nodes.length})`);
    }
    nodes.push({ x, y, demand, ready_time: ready, due_time: due, service_time: service });
  }
  return { name, vehicle_capacity: capacity, nodes };
}
