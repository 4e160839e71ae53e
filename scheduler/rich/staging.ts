/**
 * Overnight staging: an order whose delivery window opens after the wave ends is collected in this wave
 * and dropped at a cold room, to be delivered from there in the next wave. The room is the one nearest
 * to the final delivery site that has a compatible zone with free volume.
 */
import { coldRoomKwhPerM3Day } from '../model/carbon-factors.js';
import type { Order } from '../model/demand.js';
import type { ColdRoom } from '../model/fleet.js';
import type { Scenario } from '../model/scenario.js';
import { isCompatible, spacePreference } from './temperature.js';

/** Cold-room place of one staged order and the energy its wait costs. */
export interface Staging {
  order_id: string;
  cold_room_id: string;
  zone_id: string;
  /** Nights the goods stay in the room (whole days between the wave and the delivery window). */
  nights: number;
  volume_m3: number;
  energy_kwh: number;
  kg_co2: number;
  cost: number;
  /** The order for the next wave: pickup at the cold room, delivery as first requested. */
  next_wave_order: Order;
}

/** How long before its delivery window a staged order may be collected from the room, minutes. */
const NEXT_WAVE_LEAD_MIN = 180;

const MINUTES_PER_DAY = 1440;

/**
 * Returns the staging of each order that cannot be delivered in the wave, and the orders rewritten to
 * end at the chosen room. Orders with no room left keep their delivery site and usually end up unserved.
 */
export function planStaging(
  scenario: Scenario,
  distanceKm: (fromSiteId: string, toSiteId: string) => number,
): { orders: Order[]; stagings: Staging[] } {
  const freeVolume = new Map<string, number>();
  for (const room of scenario.cold_rooms) {
    for (const zone of room.zones) freeVolume.set(`${room.id}/${zone.id}`, zone.volume_m3 - zone.occupied_m3);
  }
  const stagings: Staging[] = [];
  const orders = scenario.orders.map((order) => {
    if (order.delivery_window.start < scenario.wave.end) return order;
    const choice = chooseRoom(scenario.cold_rooms, order, freeVolume, distanceKm);
    if (!choice) return order;
    const { room, zoneId } = choice;
    const zoneClass = room.zones.find((zone) => zone.id === zoneId)!.temperature_class;
    const key = `${room.id}/${zoneId}`;
    freeVolume.set(key, freeVolume.get(key)! - order.volume_m3);
    const nights = Math.max(1, Math.ceil((order.delivery_window.start - scenario.wave.end) / MINUTES_PER_DAY));
    const roomVolume = room.zones.reduce((sum, zone) => sum + zone.volume_m3, 0);
    // The zone's class sets the energy: ambient goods in a chilled zone are cooled like chilled goods.
    const energy = coldRoomKwhPerM3Day(scenario.carbon, roomVolume, zoneClass) * order.volume_m3 * nights;
    stagings.push({
      order_id: order.id,
      cold_room_id: room.id,
      zone_id: zoneId,
      nights,
      volume_m3: order.volume_m3,
      energy_kwh: energy,
      kg_co2: energy * scenario.carbon.grid_kg_co2_per_kwh,
      cost: energy * scenario.electricity_price_per_kwh,
      next_wave_order: {
        ...order,
        pickup_site_id: room.site_id,
        pickup_window: {
          start: Math.max(scenario.wave.end, order.delivery_window.start - NEXT_WAVE_LEAD_MIN),
          end: order.delivery_window.end,
        },
      },
    });
    const window = room.off_peak ?? scenario.wave;
    return {
      ...order,
      delivery_site_id: room.site_id,
      delivery_window: {
        start: Math.max(window.start, scenario.wave.start),
        end: Math.min(window.end, scenario.wave.end),
      },
    };
  });
  return { orders, stagings };
}

function chooseRoom(
  rooms: ColdRoom[],
  order: Order,
  freeVolume: Map<string, number>,
  distanceKm: (fromSiteId: string, toSiteId: string) => number,
): { room: ColdRoom; zoneId: string } | undefined {
  let best: { room: ColdRoom; zoneId: string; km: number } | undefined;
  for (const room of rooms) {
    const zone = room.zones
      .filter(
        (candidate) =>
          isCompatible(order.temperature_class, candidate.temperature_class) &&
          freeVolume.get(`${room.id}/${candidate.id}`)! >= order.volume_m3,
      )
      .sort((a, b) => spacePreference(a.temperature_class) - spacePreference(b.temperature_class))[0];
    if (!zone) continue;
    const km = distanceKm(room.site_id, order.delivery_site_id);
    if (!best || km < best.km) best = { room, zoneId: zone.id, km };
  }
  return best;
}
