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

/** Faults a Modbus server shows on the wire, each decision drawn from a seeded generator. */
export class ModbusWireFaults {
  private readonly prng: Prng;

  constructor(
    private readonly rates: ModbusWireFaultRates,
    seed: number,
  ) {
    this.prng = new Prng(seed);
  }

  /**
   * Runs `read` with a fault applied: a late response resolves after `late_ms`, an exception raises 04, and
   * a dropped request gets a promise that never settles, so modbus-serial sends no reply.
   */
  apply(read: () => number[]): number[] | Promise<number[]> {
    const draw = this.prng.next();
    const { drop_share, exception_share, late_share, late_ms } = this.rates;
    if (draw < drop_share) return new Promise<number[]>(() => {});
    if (draw < drop_share + exception_share) throw SERVER_DEVICE_FAILURE;
    if (draw < drop_share + exception_share + late_share) {
      return new Promise((resolve) => setTimeout(() => resolve(read()), late_ms));
    }
    return read();
  }
}
