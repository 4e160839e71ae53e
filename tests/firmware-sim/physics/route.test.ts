import { describe, expect, it } from 'vitest';
import { COUNTY_ROUTE, distanceM, RouteModel, type RouteState } from '../../../firmware-sim/physics/route.js';

function drive(route: RouteModel, duration_s: number): RouteState[] {
  const states: RouteState[] = [];
  for (let t = 0; t < duration_s; t += 5) {
    route.step(5);
    states.push(route.state);
  }
  return states;
}

describe('RouteModel', () => {
  it('measures distance with the haversine formula', () => {
    expect(distanceM(30, 104, 31, 104)).toBeCloseTo(111_195, -1);
  });

  it('starts parked at the depot', () => {
    const route = new RouteModel();
    expect(route.state.parked_at).toBe('depot');
    expect(route.state.speed_kmh).toBe(0);
  });

  it('opens the doors only while parked', () => {
    const states = drive(new RouteModel(), 6 * 3600);
    const open = states.filter((s) => s.door_open);
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((s) => s.parked_at !== null && s.speed_kmh === 0)).toBe(true);
  });

  it('visits every stop of the round', () => {
    const states = drive(new RouteModel(), 8 * 3600);
    const visited = new Set(states.map((s) => s.parked_at).filter((name) => name !== null));
    expect([...visited].sort()).toEqual(COUNTY_ROUTE.map((stop) => stop.name).sort());
  });

  it('varies speed within road limits', () => {
    const speeds = drive(new RouteModel(), 3 * 3600).map((s) => s.speed_kmh);
    expect(Math.max(...speeds)).toBeLessThanOrEqual(70);
    expect(new Set(speeds.map((v) => Math.round(v))).size).toBeGreaterThan(10);
  });

  it('stays near the county town', () => {
    const states = drive(new RouteModel(), 8 * 3600);
    const depot = COUNTY_ROUTE[0]!;
    expect(states.every((s) => distanceM(depot.lat, depot.lon, s.lat, s.lon) < 20_000)).toBe(true);
  });

  it('starts at the given stop', () => {
    expect(new RouteModel(COUNTY_ROUTE, { start_stop: 2 }).state.parked_at).toBe('village-east');
  });
});
