import { Prng } from './physics/prng.js';

/** Shares of MQTT messages that each wire fault hits, drawn per message. */
export interface MqttWireFaultRates {
  /** Share of messages held back before publishing, 0..1. */
  late_share: number;
  /** Hold-back time of a late message, simulated s. */
  late_s: number;
  /** Share of messages cut short at a random byte, 0..1. */
  fragment_share: number;
  /** Share of messages replaced by random bytes, 0..1. */
  noise_share: number;
  /** Share of messages with a bare `NaN` in place of their last number, 0..1. */
  malformed_share: number;
}

/** Kind of wire fault applied to one message. */
export type WireFault = 'late' | 'fragment' | 'noise' | 'malformed';

/** One message as it goes on the wire. */
export interface WireMessage {
  payload: string | Buffer;
  /** Simulated time to hold the message back before publishing, ms. */
  delay_ms: number;
  /** Fault applied, if any. */
  fault?: WireFault;
}

/** Number at the end of a JSON member (`"key":-12.5`), to break the last one into a bare NaN. */
const LAST_NUMBER = /("[^"]+":)-?\d+(\.\d+)?(?!.*"[^"]+":-?\d)/s;

/**
 * Corrupts or delays a share of messages, each decision drawn from a seeded generator so a run repeats.
 * One fault at most hits a message; they are tried in the order late, fragment, noise, malformed.
 */
export class MqttWireFaults {
  private readonly prng: Prng;

  constructor(
    private readonly rates: MqttWireFaultRates,
    seed: number,
  ) {
    this.prng = new Prng(seed);
  }

  /** Returns `payload` as the wire carries it. */
  apply(payload: string): WireMessage {
    const draw = this.prng.next();
    const { late_share, fragment_share, noise_share, malformed_share } = this.rates;
    const detail = this.prng.next();
    if (draw < late_share) return { payload, delay_ms: this.rates.late_s * 1000, fault: 'late' };
    if (draw < late_share + fragment_share) {
      const cut = 1 + Math.floor(detail * (payload.length - 1));
      return { payload: payload.slice(0, cut), delay_ms: 0, fault: 'fragment' };
    }
    if (draw < late_share + fragment_share + noise_share) {
      const bytes = Buffer.alloc(8 + Math.floor(detail * 56));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(this.prng.next() * 256);
      return { payload: bytes, delay_ms: 0, fault: 'noise' };
    }
    if (draw < late_share + fragment_share + noise_share + malformed_share && LAST_NUMBER.test(payload)) {
      return { payload: payload.replace(LAST_NUMBER, '$1NaN'), delay_ms: 0, fault: 'malformed' };
    }
    return { payload, delay_ms: 0 };
  }
}
