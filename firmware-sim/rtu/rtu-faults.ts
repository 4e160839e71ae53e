/** Faults the simulated RTU controllers can inject, per unit. Every field is off by default. */
export interface UnitFaults {
  /** Never reply, as a powered-off unit or a broken wire does. */
  silent?: boolean;
  /** Send the request back before the reply, as a two-wire adapter without echo suppression does. */
  echo?: boolean;
  /** Send each reply in three pieces with a few milliseconds between them. */
  fragment?: boolean;
  /** Random bytes sent before each reply, as line noise. */
  noise_bytes?: number;
  /** Share of replies, 0 to 1, with one bit flipped so the CRC fails. */
  corrupt_share?: number;
  /** Reply to every request with this exception code (6 busy, 11 gateway target failed, ...). */
  exception?: number;
  /** Extra wait before each reply, in milliseconds. */
  delay_ms?: number;
}

/** A small seeded generator (mulberry32) so injected noise is repeatable. */
export class NoiseSource {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Returns a float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let value = this.state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  }

  /** Returns `count` random bytes. */
  bytes(count: number): Buffer {
    return Buffer.from(Array.from({ length: count }, () => Math.floor(this.next() * 256)));
  }
}
