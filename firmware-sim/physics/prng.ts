/**
 * Seeded pseudo-random numbers, so that a simulation run with the same seed produces the same curves.
 * The generator is mulberry32 (32-bit state, period 2^32), which is fast and good enough for physics noise
 * and event timing. It is not suitable for cryptography.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Returns a float uniformly distributed in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Returns a float uniformly distributed in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Returns a normally distributed float (Box-Muller transform). */
  gaussian(mean = 0, std_dev = 1): number {
    const u1 = 1 - this.next();
    const u2 = this.next();
    return mean + std_dev * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Returns an exponentially distributed waiting time for events that occur at `rate` per unit time. */
  exponential(rate: number): number {
    return -Math.log(1 - this.next()) / rate;
  }
}

/** Derives a well-mixed child seed, so that devices of one fleet seed get unrelated noise. */
export function deriveSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
