/**
 * Idle capacity detection as a pure function of telemetry snapshots. A truck inside its availability
 * window is idle when it is parked with the refrigeration unit off, or moving with a measured load at or
 * below the empty threshold. A moving truck whose load is unknown is never offered. A cold-room
 * zone inside the room's off-peak window is idle when its free volume reaches a minimum. Each idle
 * asset becomes an offer that expires at the end of its window or after a maximum lifetime, whichever
 * comes first, because telemetry older than that no longer says what is free.
 */
import type { ColdRoom, Vehicle } from '../model/fleet.js';

/** Latest telemetry of one truck. */
export interface TruckSnapshot {
  vehicle_id: string;
  /** Time of the reading, integer ms since the epoch. */
  time_ms: number;
  status: 'parked' | 'moving';
  unit_on: boolean;
  /** Measured load, kg; absent when the telemetry carries no load reading. */
  load_kg?: number;
}

/** Latest telemetry of one cold-room zone. */
export interface ZoneSnapshot {
  cold_room_id: string;
  zone_id: string;
  time_ms: number;
  occupied_m3: number;
}

export interface IdleOffer {
  kind: 'truck' | 'cold_room_zone';
  /** Vehicle id, or `room/zone`. */
  asset_id: string;
  owner_id: string;
  reason: 'parked_unit_off' | 'running_empty' | 'free_volume';
  from_ms: number;
  expires_ms: number;
  /** Payload on offer, kg (trucks). */
  free_kg?: number;
  /** Volume on offer, m³ (cold-room zones and trucks). */
  free_m3?: number;
}

/** Thresholds of the detector. */
export interface IdleOptions {
  /** Now, integer ms since the epoch. */
  now_ms: number;
  /** Midnight of the plan date in local time, ms since the epoch; windows count minutes from it. */
  day_start_ms: number;
  /** Load at or below which a moving truck counts as running empty, kg. Default 20. */
  empty_load_kg?: number;
  /** Smallest free zone volume worth offering, m³. Default 2. */
  min_free_m3?: number;
  /** Snapshots older than this are ignored, ms. Default 15 minutes. */
  max_snapshot_age_ms?: number;
  /** Maximum lifetime of an offer, ms. Default 2 hours. */
  max_offer_ms?: number;
}

const MINUTE_MS = 60_000;

/** Returns the offers for every idle truck and zone, trucks first, each sorted by asset id. */
export function detectIdleCapacity(
  vehicles: Vehicle[],
  rooms: ColdRoom[],
  trucks: TruckSnapshot[],
  zones: ZoneSnapshot[],
  options: IdleOptions,
): IdleOffer[] {
  const emptyLoad = options.empty_load_kg ?? 20;
  const minFree = options.min_free_m3 ?? 2;
  const maxAge = options.max_snapshot_age_ms ?? 15 * MINUTE_MS;
  const maxOffer = options.max_offer_ms ?? 2 * 60 * MINUTE_MS;
  const now = options.now_ms;
  const at = (minutes: number) => options.day_start_ms + minutes * MINUTE_MS;
  const fresh = (time: number) => time <= now && now - time <= maxAge;
  const offers: IdleOffer[] = [];
  for (const vehicle of [...vehicles].sort((a, b) => a.id.localeCompare(b.id))) {
    const snapshot = latest(trucks.filter((entry) => entry.vehicle_id === vehicle.id));
    if (!snapshot || !fresh(snapshot.time_ms)) continue;
    const windowEnd = at(vehicle.shift.end);
    if (now < at(vehicle.shift.start) || now >= windowEnd) continue;
    const parkedOff = snapshot.status === 'parked' && !snapshot.unit_on;
    const load = snapshot.load_kg;
    const runningEmpty = snapshot.status === 'moving' && load !== undefined && load <= emptyLoad;
    if (!parkedOff && !runningEmpty) continue;
    offers.push({
      kind: 'truck',
      asset_id: vehicle.id,
      owner_id: vehicle.owner_id,
      reason: parkedOff ? 'parked_unit_off' : 'running_empty',
      from_ms: now,
      expires_ms: Math.min(windowEnd, now + maxOffer),
      free_kg: Math.max(0, vehicle.payload_kg - (load ?? 0)),
      free_m3: vehicle.compartments.reduce((sum, compartment) => sum + compartment.capacity_m3, 0),
    });
  }
  for (const room of [...rooms].sort((a, b) => a.id.localeCompare(b.id))) {
    const windowStart = room.off_peak ? at(room.off_peak.start) : now;
    const windowEnd = room.off_peak ? at(room.off_peak.end) : now + maxOffer;
    if (now < windowStart || now >= windowEnd) continue;
    for (const zone of room.zones) {
      const snapshot = latest(zones.filter((entry) => entry.cold_room_id === room.id && entry.zone_id === zone.id));
      if (!snapshot || !fresh(snapshot.time_ms)) continue;
      const free = zone.volume_m3 - snapshot.occupied_m3;
      if (free < minFree) continue;
      offers.push({
        kind: 'cold_room_zone',
        asset_id: `${room.id}/${zone.id}`,
        owner_id: room.owner_id,
        reason: 'free_volume',
        from_ms: now,
        expires_ms: Math.min(windowEnd, now + maxOffer),
        free_m3: free,
      });
    }
  }
  return offers;
}

function latest<T extends { time_ms: number }>(entries: T[]): T | undefined {
  return entries.reduce<T | undefined>(
    (best, entry) => (!best || entry.time_ms > best.time_ms ? entry : best),
    undefined,
  );
}
