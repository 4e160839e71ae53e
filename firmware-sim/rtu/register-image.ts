/**
 * The generic-tenths-c register map of the simulated controller, encoded here from engineering values
 * with the simulator's own encoders. Addresses are zero-based protocol addresses:
 * input 0-2 air, evaporator and product temperature (int16 tenths of °C), input 3-4 compressor power
 * (float32, word order CDAB), input 5-6 compressor run seconds (uint32, ABCD); holding 100 setpoint and
 * 101 differential (int16 tenths); coils 0-2 compressor, defrost, fans; discrete inputs 0-3 door, high
 * alarm, low alarm, probe alarm.
 */
import type { ControllerValues } from './controller-values.js';

/** Register words and bits of one controller at one instant, by table. */
export interface RegisterImage {
  input: Map<number, number>;
  holding: Map<number, number>;
  coil: Map<number, boolean>;
  discrete: Map<number, boolean>;
}

/** Encodes a temperature as an int16 count of tenths, in two's complement. */
export function int16TenthsWord(value: number): number {
  const count = Math.round(value * 10);
  if (count < -32768 || count > 32767) throw new RangeError(`${value} does not fit an int16 in tenths`);
  return count < 0 ? count + 0x10000 : count;
}

/** Splits a float32 into two words, low word first (CDAB), each word big-endian. */
export function float32CdabWords(value: number): [number, number] {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value);
  return [view.getUint16(2), view.getUint16(0)];
}

/** Splits a uint32 into two words, high word first (ABCD). */
export function uint32AbcdWords(value: number): [number, number] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`${value} is not a uint32`);
  }
  return [Math.floor(value / 0x10000), value % 0x10000];
}

/** Builds the register image of `values`. */
export function registerImage(values: ControllerValues): RegisterImage {
  const [powerLow, powerHigh] = float32CdabWords(values.compressor_power_kw);
  const [runHigh, runLow] = uint32AbcdWords(values.compressor_run_s);
  return {
    input: new Map([
      [0, int16TenthsWord(values.air_temp_c)],
      [1, int16TenthsWord(values.evap_temp_c)],
      [2, int16TenthsWord(values.product_temp_c)],
      [3, powerLow],
      [4, powerHigh],
      [5, runHigh],
      [6, runLow],
    ]),
    holding: new Map([
      [100, int16TenthsWord(values.setpoint_c)],
      [101, int16TenthsWord(values.differential_c)],
    ]),
    coil: new Map([
      [0, values.compressor_on],
      [1, values.defrost_on],
      [2, values.fans_on],
    ]),
    discrete: new Map([
      [0, values.door_open],
      [1, values.high_temp_alarm],
      [2, values.low_temp_alarm],
      [3, values.probe_alarm],
    ]),
  };
}
