import type { ControllerValues } from '../../../firmware-sim/rtu/controller-values.js';

/**
 * Values whose register words are known without the simulator: -2 °C is 0xFFEC, 38.7 °C is 0x0183, and
 * 77.51460266113281 as float32 CDAB, like 125452955 as uint32 ABCD, is [0x077A, 0x429B].
 */
export const KNOWN_VALUES: ControllerValues = {
  air_temp_c: -2,
  evap_temp_c: 38.7,
  product_temp_c: 0,
  compressor_power_kw: 77.51460266113281,
  compressor_run_s: 125452955,
  setpoint_c: -18,
  differential_c: 2,
  compressor_on: true,
  defrost_on: false,
  fans_on: true,
  door_open: false,
  high_temp_alarm: true,
  low_temp_alarm: false,
  probe_alarm: true,
};
