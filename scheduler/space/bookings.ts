/**
 * Cold-room space sharing over days: bookings of m³ of one temperature class from one date to another
 * are assigned to zones so that no zone is over its volume on any day. Bookings are placed largest
 * first (m³ × days). Each goes into the compatible zone that is already fullest over the booked days
 * and still has room every day (best fit), because that packs space into fewer zones and leaves whole
 * zones free for later large bookings. The preferred room is tried before the others.
 */

import type { ColdRoom } from '../model/fleet.js';
import type { Booking } from '../model/scenario.js';
import { isCompatible } from '../rich/temperature.js';

export interface BookingAssignment {
  booking_id: string;
  cold_room_id: string;
  zone_id: string;
}

export type BookingRejection =
  | { booking_id: string; reason: 'temperature_class'; message: string }
  | { booking_id: string; reason: 'capacity'; message: string };

/** Occupied share of one zone on one day, before and after the accepted bookings. */
export interface ZoneDayUtilisation {
  cold_room_id: string;
  zone_id: string;
  date: string;
  before: number;
  after: number;
}

export interface SpaceSharingResult {
  assignments: BookingAssignment[];
  rejected: BookingRejection[];
  utilisation: ZoneDayUtilisation[];
  /** m³-days accepted per cold room. */
  m3_days_by_room: Map<string, number>;
}

const DAY_MS = 86_400_000;

/** Assigns `bookings` to the zones of `rooms`; each zone starts the period with its `occupied_m3` every day. */
export function shareColdRoomSpace(rooms: ColdRoom[], bookings: Booking[]): SpaceSharingResult {
  if (bookings.length === 0) return { assignments: [], rejected: [], utilisation: [], m3_days_by_room: new Map() };
  const first = Math.min(...bookings.map((booking) => Date.parse(booking.from_date)));
  const last = Math.max(...bookings.map((booking) => Date.parse(booking.to_date)));
  const days = Math.round((last - first) / DAY_MS);
  const dayOf = (date: string) => Math.round((Date.parse(date) - first) / DAY_MS);
  const zones = rooms.flatMap((room) =>
    room.zones.map((zone) => ({ room, zone, used: new Array<number>(days).fill(zone.occupied_m3) })),
  );
  const assignments: BookingAssignment[] = [];
  const rejected: BookingRejection[] = [];
  const m3DaysByRoom = new Map<string, number>();
  const ordered = [...bookings].sort(
    (a, b) =>
      b.volume_m3 * (dayOf(b.to_date) - dayOf(b.from_date)) - a.volume_m3 * (dayOf(a.to_date) - dayOf(a.from_date)) ||
      a.id.localeCompare(b.id),
  );
  for (const booking of ordered) {
    const from = dayOf(booking.from_date);
    const to = dayOf(booking.to_date);
    const compatible = zones.filter((entry) => isCompatible(booking.temperature_class, entry.zone.temperature_class));
    if (compatible.length === 0) {
      rejected.push({
        booking_id: booking.id,
        reason: 'temperature_class',
        message: `no zone accepts ${booking.temperature_class} goods; add a ${booking.temperature_class} zone or change the class`,
      });
      continue;
    }
    let best: (typeof zones)[number] | undefined;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const entry of compatible) {
      let fits = true;
      let fill = 0;
      for (let d = from; d < to; d++) {
        if (entry.used[d]! + booking.volume_m3 > entry.zone.volume_m3 + 1e-9) fits = false;
        fill += entry.used[d]! / entry.zone.volume_m3;
      }
      if (!fits) continue;
      // Preferred room first, then the same class before a colder zone, then the fullest zone.
      const preferred = booking.cold_room_id === entry.room.id ? 10 : 0;
      const sameClass = entry.zone.temperature_class === booking.temperature_class ? 5 : 0;
      const score = preferred + sameClass + fill / Math.max(1, to - from);
      if (score > bestScore) {
        bestScore = score;
        best = entry;
      }
    }
    if (!best) {
      const fullest = compatible.map((entry) => Math.max(...entry.used.slice(from, to)) - entry.zone.volume_m3);
      rejected.push({
        booking_id: booking.id,
        reason: 'capacity',
        message:
          `${booking.volume_m3} m³ of ${booking.temperature_class} from ${booking.from_date} to ${booking.to_date} fits no zone ` +
          `on every day (largest free volume on the busiest day: ${(-Math.min(...fullest)).toFixed(1)} m³); shorten or split the booking`,
      });
      continue;
    }
    for (let d = from; d < to; d++) best.used[d]! += booking.volume_m3;
    assignments.push({ booking_id: booking.id, cold_room_id: best.room.id, zone_id: best.zone.id });
    m3DaysByRoom.set(best.room.id, (m3DaysByRoom.get(best.room.id) ?? 0) + booking.volume_m3 * (to - from));
  }
  const utilisation: ZoneDayUtilisation[] = [];
  for (const entry of zones) {
    for (let d = 0; d < days; d++) {
      utilisation.push({
        cold_room_id: entry.room.id,
        zone_id: entry.zone.id,
        date: new Date(first + d * DAY_MS).toISOString().slice(0, 10),
        before: entry.zone.occupied_m3 / entry.zone.volume_m3,
        after: entry.used[d]! / entry.zone.volume_m3,
      });
    }
  }
  return { assignments, rejected, utilisation, m3_days_by_room: m3DaysByRoom };
}
