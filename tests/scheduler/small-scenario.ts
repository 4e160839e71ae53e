/** Small hand-made scenarios for scheduler tests: a depot, two merchants, three villages, one cold room. */
import { parseScenario, type Scenario, type ScenarioInput } from '../../scheduler/model/scenario.js';

type OrderInput = ScenarioInput['orders'][number];
type VehicleInput = ScenarioInput['vehicles'][number];

export function reeferTruck(id: string, overrides: Partial<VehicleInput> = {}): VehicleInput {
  return {
    id,
    owner_id: 'logistics',
    kind: 'light_reefer_1_5t',
    start_site_id: 'depot',
    shift: { start: '17:00', end: '23:59' },
    payload_kg: 1500,
    compartments: [
      { id: 'front', temperature_class: 'frozen', min_temp_c: -25, max_temp_c: -15, capacity_kg: 500, capacity_m3: 3 },
      { id: 'rear', temperature_class: 'chilled', min_temp_c: 0, max_temp_c: 8, capacity_kg: 1000, capacity_m3: 6 },
    ],
    ...overrides,
  };
}

export function order(id: string, overrides: Partial<OrderInput> = {}): OrderInput {
  return {
    id,
    merchant_id: 'm_a',
    pickup_site_id: 'm_a',
    delivery_site_id: 'v1',
    temperature_class: 'chilled',
    weight_kg: 10,
    volume_m3: 0.03,
    pickup_window: { start: '17:00', end: '21:00' },
    delivery_window: { start: '18:00', end: '23:00' },
    ...overrides,
  };
}

export function smallScenario(overrides: Partial<ScenarioInput> = {}): Scenario {
  return parseScenario({
    name: 'small',
    plan_date: '2026-12-05',
    wave: { start: '17:00', end: '24:00' },
    sites: [
      { id: 'depot', kind: 'depot', lat: 27.3, lon: 111.7 },
      { id: 'm_a', kind: 'merchant', lat: 27.31, lon: 111.71 },
      { id: 'm_b', kind: 'merchant', lat: 27.29, lon: 111.72 },
      { id: 'v1', kind: 'village_station', lat: 27.35, lon: 111.75 },
      { id: 'v2', kind: 'village_station', lat: 27.25, lon: 111.65 },
      { id: 'v3', kind: 'village_station', lat: 27.33, lon: 111.62 },
      { id: 'cr', kind: 'cold_room', lat: 27.3, lon: 111.69 },
    ],
    vehicles: [reeferTruck('t1'), reeferTruck('t2')],
    cold_rooms: [
      {
        id: 'cr',
        site_id: 'cr',
        owner_id: 'coop',
        zones: [
          { id: 'chilled', temperature_class: 'chilled', volume_m3: 20, occupied_m3: 10 },
          { id: 'frozen', temperature_class: 'frozen', volume_m3: 10, occupied_m3: 2 },
        ],
      },
    ],
    orders: [
      order('o1'),
      order('o2', { delivery_site_id: 'v2', temperature_class: 'frozen' }),
      order('o3', { merchant_id: 'm_b', pickup_site_id: 'm_b', delivery_site_id: 'v3' }),
      order('o4', { merchant_id: 'm_b', pickup_site_id: 'm_b', delivery_site_id: 'v1', temperature_class: 'ambient' }),
      order('o5', { delivery_site_id: 'v3', temperature_class: 'frozen' }),
      order('o6', { merchant_id: 'm_b', pickup_site_id: 'm_b', delivery_site_id: 'v2' }),
    ],
    solver: { seed: 1, max_iterations: 60, time_limit_s: 20 },
    ...overrides,
  });
}
