import { describe, expect, it } from 'vitest';
import type { ColdRoom } from '../../scheduler/model/fleet.js';
import type { Booking } from '../../scheduler/model/scenario.js';
import { shareColdRoomSpace } from '../../scheduler/space/bookings.js';

const rooms: ColdRoom[] = [
  {
    id: 'a',
    site_id: 'a',
    owner_id: 'coop',
    zones: [
      { id: 'chilled', temperature_class: 'chilled', volume_m3: 10, occupied_m3: 4 },
      { id: 'frozen', temperature_class: 'frozen', volume_m3: 8, occupied_m3: 0 },
    ],
  },
];

const booking = (
  id: string,
  temperature: Booking['temperature_class'],
  m3: number,
  from: string,
  to: string,
): Booking => ({
  id,
  merchant_id: 'm',
  temperature_class: temperature,
  volume_m3: m3,
  from_date: from,
  to_date: to,
});

describe('space sharing', () => {
  const bookings = [
    booking('fits', 'chilled', 5, '2026-12-05', '2026-12-08'),
    booking('overlaps', 'chilled', 3, '2026-12-07', '2026-12-09'),
    booking('after', 'chilled', 6, '2026-12-08', '2026-12-10'),
    booking('frozen', 'frozen', 8, '2026-12-05', '2026-12-06'),
  ];
  const result = shareColdRoomSpace(rooms, bookings);

  // No zone may hold more than its volume on any day, whatever the bookings ask.
  it('never exceeds a zone on any day', () => {
    for (const entry of result.utilisation) expect(entry.after).toBeLessThanOrEqual(1 + 1e-9);
  });

  // 4 occupied + 5 + 3 overlap on 12-07 would be 12 m³ in a 10 m³ zone, so the later, smaller booking is rejected.
  it('rejects the overlapping booking for capacity', () => {
    expect(result.rejected.map((entry) => `${entry.booking_id}:${entry.reason}`)).toEqual(['overlaps:capacity']);
  });

  // Frozen goods only go to frozen zones; with none, the booking is rejected with the class as reason.
  it('rejects a class no zone holds', () => {
    const chilledOnly = [{ ...rooms[0]!, zones: [rooms[0]!.zones[0]!] }];
    const outcome = shareColdRoomSpace(chilledOnly, [booking('f', 'frozen', 1, '2026-12-05', '2026-12-06')]);
    expect(outcome.rejected[0]?.reason).toBe('temperature_class');
  });

  // Sharing exists to fill idle space: accepted bookings must raise utilisation on their days.
  it('raises utilisation on booked days', () => {
    const day = result.utilisation.find((entry) => entry.zone_id === 'chilled' && entry.date === '2026-12-05')!;
    expect(day.before).toBeCloseTo(0.4, 9);
    expect(day.after).toBeCloseTo(0.9, 9);
  });

  // Owners are credited by m³-days, so the sum must match the accepted bookings exactly.
  it('counts m3-days per room', () => {
    expect(result.m3_days_by_room.get('a')).toBeCloseTo(5 * 3 + 6 * 2 + 8 * 1, 9);
  });
});
