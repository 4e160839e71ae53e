import { Prng } from './prng.js';

/** One place on a delivery round. */
export interface RouteStop {
  name: string;
  lat: number;
  lon: number;
  /** Time parked at the stop, s. */
  dwell_s: number;
  /** Time the cargo doors stay open while parked, s (at most the dwell time less two door margins). */
  door_open_s: number;
  /** Outdoor temperature here relative to the daily sine, K. Default 0. */
  ambient_offset_k?: number;
}

/**
 * Default round: a depot at the county town (30.6598 N, 104.0633 E) and four villages 6 to 13 km out.
 * The places are illustrative, not surveyed roads; legs are straight lines.
 */
export const COUNTY_ROUTE: readonly RouteStop[] = [
  { name: 'depot', lat: 30.6598, lon: 104.0633, dwell_s: 1200, door_open_s: 300 },
  { name: 'village-north', lat: 30.7421, lon: 104.0815, dwell_s: 420, door_open_s: 150 },
  { name: 'village-east', lat: 30.7012, lon: 104.1744, dwell_s: 360, door_open_s: 120 },
  { name: 'village-south', lat: 30.5903, lon: 104.1268, dwell_s: 480, door_open_s: 180 },
  { name: 'village-west', lat: 30.6237, lon: 103.9881, dwell_s: 300, door_open_s: 90 },
];

const EARTH_RADIUS_M = 6_371_000;
const ACCELERATION_M_PER_S2 = 0.6;
const BRAKING_M_PER_S2 = 1.0;
/** Time after arriving before the doors open, and the least time before leaving that they close, s. */
const DOOR_MARGIN_S = 45;
/** Time between two changes of the target speed, s. */
const SPEED_CHANGE_INTERVAL_S = 60;

/** Returns the great-circle distance between two points, m (haversine formula). */
export function distanceM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dlat = (lat2 - lat1) * rad;
  const dlon = (lon2 - lon1) * rad;
  const a = Math.sin(dlat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dlon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(a));
}

/** Position and motion of the truck at one instant. */
export interface RouteState {
  lat: number;
  lon: number;
  speed_kmh: number;
  /** Name of the stop the truck is parked at, or null while driving. */
  parked_at: string | null;
  /** True while the cargo doors are open (parked, after the first minute). */
  door_open: boolean;
  /** Outdoor temperature relative to the daily sine, K: the stop's while parked, blended between stops while driving. */
  ambient_offset_k: number;
}

export interface RouteOptions {
  /** Mean cruising speed, km/h. Default 45. */
  cruise_kmh?: number;
  /** Seed of the speed variation. Default 1. */
  seed?: number;
  /** Index of the stop where the truck starts, parked. Default 0. */
  start_stop?: number;
}

/**
 * Truck driving a closed round of stops: accelerates to a cruising speed that changes every minute,
 * brakes to stop at each place, parks for its dwell time with the doors open for part of it, then drives on.
 */
export class RouteModel {
  private readonly stops: readonly RouteStop[];
  private readonly prng: Prng;
  private readonly cruise_kmh: number;
  private leg = 0;
  private along_m = 0;
  private speed_m_per_s = 0;
  private target_m_per_s = 0;
  private next_speed_change_s = 0;
  private parked_s = 0;
  private parked = true;
  private elapsed_s = 0;

  constructor(stops: readonly RouteStop[] = COUNTY_ROUTE, options: RouteOptions = {}) {
    if (stops.length < 2) throw new RangeError(`A route needs at least 2 stops, got ${stops.length}`);
    this.stops = stops;
    this.prng = new Prng(options.seed ?? 1);
    this.cruise_kmh = options.cruise_kmh ?? 45;
    this.leg = (options.start_stop ?? 0) % stops.length;
  }

  /** Advances the truck by `dt_s` simulated seconds, in one-second sub-steps. */
  step(dt_s: number): void {
    let remaining_s = dt_s;
    while (remaining_s > 1e-9) {
      const h = Math.min(1, remaining_s);
      this.advance(h);
      remaining_s -= h;
    }
  }

  get state(): RouteState {
    const from = this.stopAt(this.leg);
    const to = this.stopAt(this.leg + 1);
    const length_m = this.legLengthM();
    const share = this.parked || length_m === 0 ? 0 : Math.min(1, this.along_m / length_m);
    const door_close_s = Math.min(DOOR_MARGIN_S + from.door_open_s, from.dwell_s - DOOR_MARGIN_S);
    const door_open = this.parked && this.parked_s >= DOOR_MARGIN_S && this.parked_s < door_close_s;
    const from_offset_k = from.ambient_offset_k ?? 0;
    return {
      lat: from.lat + (to.lat - from.lat) * share,
      lon: from.lon + (to.lon - from.lon) * share,
      speed_kmh: this.speed_m_per_s * 3.6,
      parked_at: this.parked ? from.name : null,
      door_open,
      ambient_offset_k: from_offset_k + ((to.ambient_offset_k ?? 0) - from_offset_k) * share,
    };
  }

  private stopAt(index: number): RouteStop {
    return this.stops[index % this.stops.length]!;
  }

  private legLengthM(): number {
    const from = this.stopAt(this.leg);
    const to = this.stopAt(this.leg + 1);
    return distanceM(from.lat, from.lon, to.lat, to.lon);
  }

  private advance(h: number): void {
    this.elapsed_s += h;
    if (this.parked) {
      this.parked_s += h;
      if (this.parked_s >= this.stopAt(this.leg).dwell_s) this.parked = false;
      return;
    }
    if (this.elapsed_s >= this.next_speed_change_s) {
      const kmh = Math.min(70, Math.max(20, this.prng.gaussian(this.cruise_kmh, 8)));
      this.target_m_per_s = kmh / 3.6;
      this.next_speed_change_s = this.elapsed_s + SPEED_CHANGE_INTERVAL_S;
    }
    const remaining_m = this.legLengthM() - this.along_m;
    const braking_limit = Math.sqrt(2 * BRAKING_M_PER_S2 * Math.max(0, remaining_m));
    const wanted = Math.min(this.target_m_per_s, braking_limit);
    const change = Math.max(-BRAKING_M_PER_S2 * h, Math.min(ACCELERATION_M_PER_S2 * h, wanted - this.speed_m_per_s));
    this.speed_m_per_s = Math.max(0, this.speed_m_per_s + change);
    this.along_m += Math.max(this.speed_m_per_s * h, remaining_m < 2 ? remaining_m : 0);
    if (this.along_m >= this.legLengthM() - 0.5) this.arrive();
  }

  private arrive(): void {
    this.leg = (this.leg + 1) % this.stops.length;
    this.along_m = 0;
    this.speed_m_per_s = 0;
    this.parked = true;
    this.parked_s = 0;
  }
}
