/**
 * Settlement of a pooled round. Each merchant's share of the pooled cost and kg CO2 (route shares by
 * tonne-km, plus the cold-room energy of its staged orders) is set against what it would have paid
 * and emitted delivering alone. Each capacity owner is credited what it lent: truck-hours, km and
 * cold-room m³-days.
 */
import type { MerchantAlone } from '../baseline/unpooled.js';
import type { OrderShare } from '../rich/allocation.js';
import type { PlanOutput } from '../rich/plan-result.js';
import type { Problem } from '../rich/problem.js';

export interface MerchantSettlement {
  merchant_id: string;
  orders_served: number;
  tonne_km: number;
  pooled_kg_co2: number;
  pooled_cost: number;
  alone_kg_co2: number;
  alone_cost: number;
  kg_co2_saved: number;
  cost_saved: number;
}

export interface OwnerSettlement {
  owner_id: string;
  trucks_used: number;
  truck_hours: number;
  truck_km: number;
  /** Volume × nights of staged orders and of accepted space bookings in the owner's rooms. */
  cold_room_m3_days: number;
}

export interface Settlement {
  merchants: MerchantSettlement[];
  owners: OwnerSettlement[];
}

/** m³-days lent per cold room from accepted space bookings, keyed by room id. */
export type BookedSpace = Map<string, number>;

/** Settles one round; `shares` come from `allocateByTonneKm`, `alone` from the baseline. */
export function settleRound(
  problem: Problem,
  plan: PlanOutput,
  shares: Map<number, OrderShare>,
  alone: MerchantAlone[],
  bookedSpace: BookedSpace = new Map(),
): Settlement {
  const merchants = new Map<string, MerchantSettlement>();
  const merchantOf = (id: string) => {
    let entry = merchants.get(id);
    if (!entry) {
      const baseline = alone.find((candidate) => candidate.merchant_id === id);
      entry = {
        merchant_id: id,
        orders_served: 0,
        tonne_km: 0,
        pooled_kg_co2: 0,
        pooled_cost: 0,
        alone_kg_co2: baseline?.kg_co2 ?? 0,
        alone_cost: baseline?.cost ?? 0,
        kg_co2_saved: 0,
        cost_saved: 0,
      };
      merchants.set(id, entry);
    }
    return entry;
  };
  for (const [o, share] of shares) {
    const entry = merchantOf(problem.orders[o]!.merchant_id);
    entry.orders_served++;
    entry.tonne_km += share.tonne_km;
    entry.pooled_kg_co2 += share.kg_co2;
    entry.pooled_cost += share.cost;
  }
  const orderIndex = new Map(problem.orders.map((order, o) => [order.id, o]));
  for (const staging of plan.stagings) {
    const entry = merchantOf(problem.orders[orderIndex.get(staging.order_id)!]!.merchant_id);
    entry.pooled_kg_co2 += staging.kg_co2;
    entry.pooled_cost += staging.cost;
  }
  for (const baseline of alone) merchantOf(baseline.merchant_id);
  for (const entry of merchants.values()) {
    entry.kg_co2_saved = entry.alone_kg_co2 - entry.pooled_kg_co2;
    entry.cost_saved = entry.alone_cost - entry.pooled_cost;
  }

  const owners = new Map<string, OwnerSettlement>();
  const ownerOf = (id: string) => {
    let entry = owners.get(id);
    if (!entry) {
      entry = { owner_id: id, trucks_used: 0, truck_hours: 0, truck_km: 0, cold_room_m3_days: 0 };
      owners.set(id, entry);
    }
    return entry;
  };
  for (const vehicle of plan.vehicles) {
    if (vehicle.stops.length === 0) continue;
    const entry = ownerOf(vehicle.owner_id);
    entry.trucks_used++;
    entry.truck_hours += vehicle.cost.duration_min / 60;
    entry.truck_km += vehicle.cost.km;
  }
  const rooms = problem.scenario.cold_rooms;
  for (const staging of plan.stagings) {
    const room = rooms.find((candidate) => candidate.id === staging.cold_room_id)!;
    ownerOf(room.owner_id).cold_room_m3_days += staging.volume_m3 * staging.nights;
  }
  for (const [roomId, m3Days] of bookedSpace) {
    const room = rooms.find((candidate) => candidate.id === roomId);
    if (room) ownerOf(room.owner_id).cold_room_m3_days += m3Days;
  }
  const byId = (a: { merchant_id?: string; owner_id?: string }, b: { merchant_id?: string; owner_id?: string }) =>
    (a.merchant_id ?? a.owner_id ?? '').localeCompare(b.merchant_id ?? b.owner_id ?? '');
  return { merchants: [...merchants.values()].sort(byId), owners: [...owners.values()].sort(byId) };
}
