import { describe, expect, it } from 'vitest';
import { detectIdleCapacity, type TruckSnapshot } from '../../scheduler/idle/detect.js';
import { smallScenario } from './small-scenario.js';

const scenario = smallScenario();
const dayStart = Date.UTC(2026, 11, 5);
const at = (hours: number) => dayStart + hours * 3_600_000;
const truck = (overrides: Partial<TruckSnapshot>): TruckSnapshot => ({
  vehicle_id: 't1',
  time_ms: at(19),
  status: 'parked',
  unit_on: false,
  load_kg: 0,
  ...overrides,
});
const detect = (trucks: TruckSnapshot[], nowHours: number) =>
  detectIdleCapacity(scenario.vehicles, scenario.cold_rooms, trucks, [], {
    now_ms: at(nowHours),
    day_start_ms: dayStart,
  });

describe('idle detection', () => {
  // A parked truck with its unit off inside its shift (17:00-23:59) is unused capacity.
  it('offers a parked truck with the unit off', () => {
    const offers = detect([truck({})], 19);
    expect(offers.map((offer) => `${offer.asset_id}:${offer.reason}`)).toEqual(['t1:parked_unit_off']);
  });

  // Offers must expire by the shift end at the latest, so that no merchant books a truck that went home.
  it('expires offers by the shift end', () => {
    const [offer] = detect([truck({ time_ms: at(23.5) })], 23.5);
    expect(offer?.expires_ms).toBe(dayStart + (23 * 60 + 59) * 60_000);
  });

  // An empty truck on the road could carry pooled orders on its way back.
  it('offers a truck running empty', () => {
    const offers = detect([truck({ status: 'moving', unit_on: true, load_kg: 0 })], 19);
    expect(offers[0]?.reason).toBe('running_empty');
  });

  // A loaded truck is working for its owner and must not be offered.
  it('ignores a loaded moving truck', () => {
    expect(detect([truck({ status: 'moving', unit_on: true, load_kg: 400 })], 19)).toEqual([]);
  });

  // Without a load reading the detector cannot tell an empty truck from one on a delivery run.
  it('ignores a moving truck with unknown load', () => {
    expect(detect([truck({ status: 'moving', unit_on: true, load_kg: undefined })], 19)).toEqual([]);
  });

  // Owners lend trucks only inside their availability window.
  it('ignores trucks outside their window', () => {
    expect(detect([truck({ time_ms: at(16) })], 16)).toEqual([]);
  });

  // Old telemetry does not describe the truck now, and offering on it could double-book capacity.
  it('ignores stale snapshots', () => {
    expect(detect([truck({ time_ms: at(18) })], 19)).toEqual([]);
  });

  // Free volume in an open room is the space the sharing market sells.
  it('offers free zone volume', () => {
    // Off-peak from 18:00 to 06:00 next day, in minutes since midnight of the plan date.
    const rooms = [{ ...scenario.cold_rooms[0]!, off_peak: { start: 18 * 60, end: 30 * 60 } }];
    const offers = detectIdleCapacity(
      scenario.vehicles,
      rooms,
      [],
      [{ cold_room_id: 'cr', zone_id: 'chilled', time_ms: at(19), occupied_m3: 12 }],
      { now_ms: at(19), day_start_ms: dayStart },
    );
    expect(offers.map((offer) => `${offer.asset_id}:${offer.free_m3}`)).toEqual(['cr/chilled:8']);
  });
});
