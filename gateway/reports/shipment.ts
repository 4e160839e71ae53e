/**
 * Shipments: one truck trip from loading to delivery, recorded as `shipment_start` and `shipment_end`
 * entries of the audit trail, so that a per-shipment report covers exactly the trip.
 */
import type { AuditEntry } from '../audit/audit-entry.js';
import type { AuditTrail } from '../audit/audit-trail.js';

export interface Shipment {
  shipment_id: string;
  /** Asset id of the compartment that carries the load. */
  asset: string;
  /** Loading time, ms. */
  start_ms: number;
  /** Delivery time, ms, or null while the trip is under way. */
  end_ms: number | null;
  loaded_by: string;
  delivered_by: string | null;
}

/** Records the loading of a shipment. Throws when the shipment id was already started. */
export function startShipment(
  trail: AuditTrail,
  shipment: { shipment_id: string; asset: string; by: string; time_ms: number; note?: string },
): AuditEntry {
  if (trail.latest('shipment_start', shipment.shipment_id)) {
    throw new RangeError(`shipment ${shipment.shipment_id} was already started; use a new shipment id`);
  }
  return trail.append({
    time_ms: shipment.time_ms,
    kind: 'shipment_start',
    actor: shipment.by,
    subject: shipment.shipment_id,
    payload: { asset: shipment.asset, note: shipment.note ?? null },
  });
}

/** Records the delivery of a shipment. Throws when it was never started, already ended, or ends before it starts. */
export function endShipment(
  trail: AuditTrail,
  shipment: { shipment_id: string; by: string; time_ms: number; note?: string },
): AuditEntry {
  const found = findShipment(trail, shipment.shipment_id);
  if (found.end_ms !== null) throw new RangeError(`shipment ${shipment.shipment_id} was already delivered`);
  if (shipment.time_ms <= found.start_ms) {
    throw new RangeError(`shipment ${shipment.shipment_id} cannot end before it was loaded (${found.start_ms} ms)`);
  }
  return trail.append({
    time_ms: shipment.time_ms,
    kind: 'shipment_end',
    actor: shipment.by,
    subject: shipment.shipment_id,
    payload: { asset: found.asset, note: shipment.note ?? null },
  });
}

/** Returns the shipment. Throws a RangeError when no shipment with this id was started. */
export function findShipment(trail: AuditTrail, shipment_id: string): Shipment {
  const start = trail.latest('shipment_start', shipment_id);
  if (!start) throw new RangeError(`shipment ${shipment_id} not found; start it with coldpool audit shipment start`);
  const end = trail.latest('shipment_end', shipment_id);
  return {
    shipment_id,
    asset: (start.payload as { asset: string }).asset,
    start_ms: start.time_ms,
    end_ms: end?.time_ms ?? null,
    loaded_by: start.actor,
    delivered_by: end?.actor ?? null,
  };
}
