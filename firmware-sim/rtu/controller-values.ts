/**
 * Engineering values of one simulated cold-room controller, and a deterministic source of them. Values
 * are kept at the precision the register map carries (tenths of °C, float32 kW, whole seconds), so a
 * test can compare what the gateway decoded with what was served, exactly.
 */

export interface ControllerValues {
  air_temp_c: number;
  evap_temp_c: number;
  product_temp_c: number;
  /** Compressor electrical power, kW, already rounded to float32. */
  compressor_power_kw: number;
  compressor_run_s: number;
  setpoint_c: number;
  differential_c: number;
  compressor_on: boolean;
  defrost_on: boolean;
  fans_on: boolean;
  door_open: boolean;
  high_temp_alarm: boolean;
  low_temp_alarm: boolean;
  probe_alarm: boolean;
}

/** Returns the values of unit `unitId` at `timeMs`. */
export type ValueSource = (unitId: number, timeMs: number) => ControllerValues;

/** Rounds to one decimal, the resolution of an int16 in tenths. */
export function tenths(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * Smooth, unit-specific waveforms that change within a second, so a reply served to the wrong unit or at
 * the wrong time decodes to a different value. Unit n runs around a setpoint of (n − 20) °C.
 */
export const waveformValues: ValueSource = (unitId, timeMs) => {
  const seconds = timeMs / 1000;
  const setpoint = unitId - 20;
  const air = tenths(setpoint + 1.5 * Math.sin(seconds / 3 + unitId));
  const compressorOn = Math.sin(seconds / 5 + unitId) > 0;
  const defrostOn = Math.floor(seconds / 20 + unitId) % 6 === 0;
  const doorOpen = Math.floor(seconds / 2 + unitId) % 9 === 0;
  const power = compressorOn ? 1 + unitId / 10 + 0.25 * Math.cos(seconds) : 0;
  return {
    air_temp_c: air,
    evap_temp_c: tenths(air - 7 + Math.cos(seconds / 2)),
    product_temp_c: tenths(setpoint + 0.3 * Math.sin(seconds / 11)),
    compressor_power_kw: Math.fround(power),
    compressor_run_s: 3600 * unitId + Math.floor(seconds),
    setpoint_c: setpoint,
    differential_c: 2,
    compressor_on: compressorOn,
    defrost_on: defrostOn,
    fans_on: !defrostOn,
    door_open: doorOpen,
    high_temp_alarm: air > setpoint + 1.4,
    low_temp_alarm: air < setpoint - 1.4,
    probe_alarm: false,
  };
};
