import { Prng } from './physics/prng.js';

/** Modbus exception 04 SERVER DEVICE FAILURE (MODBUS Application Protocol V1.1b3, section 7). */
const SERVER_DEVICE_FAILURE = { modbusErrorCode: 0x04, msg: 'Server device failure' };

/** Shares of input-register reads (FC 4) that each wire fault hits, drawn per request. */
export interface ModbusWireFaultRates {
  /** Share of reads whose response comes late, 0..1. */
  late_share: number;
  /** Delay of a late response, real ms. */
  late_ms: number;
  /** Share of reads that get exception response 04, 0..1. */
  exception_share: number;
  /** Share of reads that get no response, 0..1. */
  drop_share: number;
}

/**
 * Node-style callback of modbus-serial's callback-form service vector: an error (a `modbusErrorCode`
 * object becomes that exception response) or the value to send.
 */
export type ModbusReply<T> = (error: unknown, value?: T) => void;

/** Faults a Modbus server shows on the wire, each decision drawn from a seeded generator. */
export class ModbusWireFaults {
  private readonly prng: Prng;
  private readonly pending = new Set<NodeJS.Timeout>();

  constructor(
    private readonly rates: ModbusWireFaultRates,
    seed: number,
  ) {
    this.prng = new Prng(seed);
  }

  /**
   * Runs `read` and passes its result or error to `reply`, with a fault applied: a late response goes
   * out after `late_ms`, an exception replies 04, and a dropped request never calls `reply`, so the
   * server sends nothing. `reply` must be the callback of modbus-serial's callback form, because
   * ServerTCP 8.0.25 rejects a promise returned by `getMultipleInputRegisters` with exception 04 at once.
   */
  apply<T>(read: () => T, reply: ModbusReply<T>): void {
    const draw = this.prng.next();
    const { drop_share, exception_share, late_share, late_ms } = this.rates;
    if (draw < drop_share) return;
    if (draw < drop_share + exception_share) {
      reply(SERVER_DEVICE_FAILURE);
      return;
    }
    if (draw < drop_share + exception_share + late_share) {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        respond(read, reply);
      }, late_ms);
      this.pending.add(timer);
      return;
    }
    respond(read, reply);
  }

  /** Cancels the late responses not yet sent, so a stopped server leaves no timers behind. */
  cancel(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}

/** Passes the result of `read`, or the error it raises, to `reply`. */
export function respond<T>(read: () => T, reply: ModbusReply<T>): void {
  let value: T;
  try {
    value = read();
  } catch (error) {
    reply(error);
    return;
  }
  reply(null, value);
}
