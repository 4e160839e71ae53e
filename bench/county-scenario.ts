/**
 * Generator of the example county scenario: a town depot, two cold rooms, eight trucks of three kinds,
 * twelve merchants, twenty-four village stations and one evening live sale. The numbers are
 * assumptions written down in examples/plan/README.md; the generator is seeded, so the committed
 * YAML can be rebuilt exactly:
 *   node dist/bench/county-scenario.js examples/plan/county.yaml
 */
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { Random } from '../scheduler/common/random.js';
import type { ScenarioInput } from '../scheduler/model/scenario.js';

/** Options of the generator. */
export interface CountyOptions {
  /** Orders in the live sale. Default 300. */
  order_count?: number;
  /** Seed of the generator. Default 2026. */
  seed?: number;
  /** Copies of the eight-truck fleet; the copies start where the originals do. Default 1. */
  fleet_factor?: number;
}

/** County town centre, degrees (a fictional hill county in central China). */
const TOWN = { lat: 27.3, lon: 111.7 };
/** One km in degrees of latitude and of longitude at the town's latitude. */
const KM_LAT = 1 / 111.2;
const KM_LON = 1 / (111.2 * Math.cos((TOWN.lat * Math.PI) / 180));

const MERCHANTS = [
  ['m_pork', 'Pork butcher (chilled meat)', 'chilled'],
  ['m_dumpling', 'Frozen dumpling workshop', 'frozen'],
  ['m_dairy', 'Dairy co-op (yoghurt, milk)', 'chilled'],
  ['m_fish', 'Fish pond (frozen fish)', 'frozen'],
  ['m_orchard', 'Citrus orchard', 'ambient'],
  ['m_tofu', 'Tofu workshop', 'chilled'],
  ['m_icecream', 'Ice-cream reseller', 'frozen'],
  ['m_veg', 'Vegetable greenhouse', 'chilled'],
  ['m_rice', 'Rice mill', 'ambient'],
  ['m_poultry', 'Poultry farm', 'chilled'],
  ['m_bakery', 'Bakery', 'ambient'],
  ['m_beef', 'Beef farm (frozen cuts)', 'frozen'],
] as const;

/** Assumed bulk density of packed goods per temperature class, kg/m³. */
const DENSITY_KG_PER_M3 = { frozen: 450, chilled: 350, ambient: 180 } as const;

/** Builds the scenario object; `stringify` it for YAML. */
export function generateCountyScenario(options: CountyOptions = {}): ScenarioInput {
  const rng = new Random(options.seed ?? 2026);
  const orderCount = options.order_count ?? 300;
  const at = (eastKm: number, northKm: number) => ({
    lat: Number((TOWN.lat + northKm * KM_LAT).toFixed(5)),
    lon: Number((TOWN.lon + eastKm * KM_LON).toFixed(5)),
  });
  const polar = (minKm: number, maxKm: number) => {
    const angle = rng.next() * 2 * Math.PI;
    const radius = minKm + rng.next() * (maxKm - minKm);
    return at(radius * Math.cos(angle), radius * Math.sin(angle));
  };
  const sites: ScenarioInput['sites'] = [
    { id: 'depot_town', name: 'County logistics centre', kind: 'depot', ...at(0.5, -0.8) },
    { id: 'cr_town', name: 'Supply and marketing co-op cold room', kind: 'cold_room', ...at(-1.2, 0.6) },
    { id: 'cr_east', name: 'Eastern township fruit cold room', kind: 'cold_room', ...at(14, 3) },
  ];
  for (const [id, name] of MERCHANTS) sites.push({ id, name, kind: 'merchant', ...polar(1, 8) });
  const villages: string[] = [];
  for (let k = 1; k <= 24; k++) {
    const id = `v${String(k).padStart(2, '0')}`;
    villages.push(id);
    sites.push({ id, name: `Village station ${k}`, kind: 'village_station', ...polar(3, 20) });
  }
  return {
    name: 'county-evening-sale',
    plan_date: '2026-12-05',
    wave: { start: '17:00', end: '24:00' },
    sites,
    vehicles: scaleFleet(buildFleet(), options.fleet_factor ?? 1),
    cold_rooms: [
      {
        id: 'cr_town',
        site_id: 'cr_town',
        owner_id: 'coop_supply',
        off_peak: { start: '17:00', end: '32:00' },
        zones: [
          { id: 'frozen_a', temperature_class: 'frozen', volume_m3: 40, occupied_m3: 26 },
          { id: 'chilled_a', temperature_class: 'chilled', volume_m3: 60, occupied_m3: 35 },
          { id: 'ambient_a', temperature_class: 'ambient', volume_m3: 30, occupied_m3: 12 },
        ],
      },
      {
        id: 'cr_east',
        site_id: 'cr_east',
        owner_id: 'coop_fruit',
        off_peak: { start: '18:00', end: '30:00' },
        zones: [
          { id: 'chilled_b', temperature_class: 'chilled', volume_m3: 80, occupied_m3: 30 },
          { id: 'frozen_b', temperature_class: 'frozen', volume_m3: 20, occupied_m3: 4 },
        ],
      },
    ],
    orders: buildOrders(rng, orderCount, villages),
    bookings: buildBookings(),
    solver: { seed: 1, max_iterations: 300, time_limit_s: 6 },
  };
}

/** Returns `factor` copies of the fleet; copy k > 1 gets `_k` appended to each truck id. */
function scaleFleet(fleet: ScenarioInput['vehicles'], factor: number): ScenarioInput['vehicles'] {
  const copies: ScenarioInput['vehicles'] = [];
  for (let copy = 1; copy <= factor; copy++) {
    for (const vehicle of fleet) copies.push(copy === 1 ? vehicle : { ...vehicle, id: `${vehicle.id}_${copy}` });
  }
  return copies;
}

function buildFleet(): ScenarioInput['vehicles'] {
  const reefer = (id: string, owner: string, start: string) => ({
    id,
    owner_id: owner,
    kind: 'light_reefer_1_5t',
    start_site_id: start,
    shift: { start: '17:00', end: '24:00' },
    max_route_duration_min: 420,
    payload_kg: 1500,
    speed_kmh: 38,
    compartments: [
      {
        id: 'front',
        temperature_class: 'frozen' as const,
        min_temp_c: -25,
        max_temp_c: -15,
        capacity_kg: 600,
        capacity_m3: 3.5,
      },
      {
        id: 'rear',
        temperature_class: 'chilled' as const,
        min_temp_c: 0,
        max_temp_c: 8,
        capacity_kg: 900,
        capacity_m3: 5.5,
      },
    ],
  });
  const van = (id: string, owner: string, start: string) => ({
    id,
    owner_id: owner,
    kind: 'reefer_van_0_8t',
    start_site_id: start,
    shift: { start: '18:30', end: '23:30' },
    payload_kg: 800,
    speed_kmh: 42,
    fuel_empty_l_per_100km: 7,
    fuel_full_l_per_100km: 8.2,
    reefer_l_per_h: 0.4,
    compartments: [
      {
        id: 'box',
        temperature_class: 'chilled' as const,
        min_temp_c: 0,
        max_temp_c: 8,
        capacity_kg: 800,
        capacity_m3: 4.5,
      },
    ],
  });
  const ambient = (id: string) => ({
    id,
    owner_id: 'coop_supply',
    kind: 'ambient_truck_1_5t',
    start_site_id: 'cr_town',
    shift: { start: '17:00', end: '23:00' },
    payload_kg: 1500,
    speed_kmh: 40,
    reefer_l_per_h: 0,
    cost_per_h: 25,
    compartments: [
      {
        id: 'cargo',
        temperature_class: 'ambient' as const,
        min_temp_c: -5,
        max_temp_c: 35,
        capacity_kg: 1500,
        capacity_m3: 10,
      },
    ],
  });
  return [
    reefer('t_reefer_1', 'county_logistics', 'depot_town'),
    reefer('t_reefer_2', 'county_logistics', 'depot_town'),
    reefer('t_reefer_3', 'coop_fruit', 'cr_east'),
    van('t_van_pork', 'm_pork', 'm_pork'),
    van('t_van_dairy', 'm_dairy', 'm_dairy'),
    van('t_van_poultry', 'm_poultry', 'm_poultry'),
    ambient('t_ambient_1'),
    ambient('t_ambient_2'),
  ];
}

function buildOrders(rng: Random, count: number, villages: string[]): ScenarioInput['orders'] {
  const orders: ScenarioInput['orders'] = [];
  // Each village station opens for two and a half hours, starting between 18:30 and 20:30.
  const stationOpen = new Map(villages.map((id) => [id, 18 * 60 + 30 + 30 * rng.int(5)]));
  for (let k = 0; k < count; k++) {
    const [merchant, , temperature] = MERCHANTS[rng.int(MERCHANTS.length)]!;
    const village = villages[rng.int(villages.length)]!;
    const weight = Number((2 + rng.next() * 14).toFixed(1));
    const density = DENSITY_KG_PER_M3[temperature];
    const nextDay = rng.next() < 0.06;
    const open = nextDay ? 32 * 60 : stationOpen.get(village)!;
    orders.push({
      id: `o${String(k + 1).padStart(3, '0')}`,
      merchant_id: merchant,
      session_id: 'live_2026_12_05_2000',
      pickup_site_id: merchant,
      delivery_site_id: village,
      temperature_class: temperature,
      weight_kg: weight,
      volume_m3: Number((weight / density).toFixed(3)),
      pickup_window: { start: '17:30', end: '21:30' },
      delivery_window: { start: clock(open), end: clock(open + (nextDay ? 240 : 150)) },
      pickup_service_min: 1,
      delivery_service_min: 1,
      priority: rng.next() < 0.1 ? 2 : 1,
    });
  }
  return orders;
}

function buildBookings(): ScenarioInput['bookings'] {
  const booking = (
    id: string,
    merchant: string,
    temperature: 'frozen' | 'chilled' | 'ambient',
    m3: number,
    from: string,
    to: string,
  ) => ({
    id,
    merchant_id: merchant,
    temperature_class: temperature,
    volume_m3: m3,
    from_date: from,
    to_date: to,
  });
  return [
    booking('b01', 'm_dumpling', 'frozen', 8, '2026-12-05', '2026-12-12'),
    booking('b02', 'm_fish', 'frozen', 6, '2026-12-06', '2026-12-10'),
    booking('b03', 'm_beef', 'frozen', 10, '2026-12-07', '2026-12-14'),
    booking('b04', 'm_pork', 'chilled', 12, '2026-12-05', '2026-12-08'),
    booking('b05', 'm_dairy', 'chilled', 15, '2026-12-05', '2026-12-12'),
    booking('b06', 'm_veg', 'chilled', 20, '2026-12-08', '2026-12-11'),
    booking('b07', 'm_orchard', 'ambient', 14, '2026-12-05', '2026-12-19'),
    booking('b08', 'm_icecream', 'frozen', 12, '2026-12-05', '2026-12-09'),
    booking('b09', 'm_poultry', 'chilled', 30, '2026-12-06', '2026-12-09'),
    booking('b10', 'm_rice', 'ambient', 25, '2026-12-05', '2026-12-12'),
  ];
}

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

if (process.argv[1]?.endsWith('county-scenario.js')) {
  const target = process.argv[2];
  if (!target) throw new Error('missing output path; usage: node dist/bench/county-scenario.js FILE.yaml');
  const header = '# Generated by bench/county-scenario.ts (seed 2026); assumptions in examples/plan/README.md.\n';
  writeFileSync(target, header + stringify(generateCountyScenario(), { lineWidth: 0 }));
}
