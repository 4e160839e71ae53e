/**
 * Mean kinetic temperature: MKT = (ΔH/R) / −ln( Σ wᵢ·e^(−ΔH/(R·Tᵢ)) / Σ wᵢ ), temperatures in kelvin. It
 * weights warm spells more than the arithmetic mean does, as product degradation does.
 */

/** ΔH/R in kelvin: an activation energy of 83.144 kJ/mol divided by the gas constant. */
export const DEFAULT_ACTIVATION_K = 10_000;

const KELVIN_OFFSET = 273.15;

export interface WeightedTemperature {
  value_c: number;
  /** Weight of the value: the number of samples it stands for, or the time it covers. */
  weight: number;
}

/** Returns the MKT in °C of the weighted temperatures, or `null` when there is no positive weight. */
export function meanKineticTemperatureC(
  values: readonly WeightedTemperature[],
  activationK: number = DEFAULT_ACTIVATION_K,
): number | null {
  let weighted = 0;
  let total = 0;
  for (const { value_c, weight } of values) {
    if (!(weight > 0) || !Number.isFinite(value_c)) continue;
    weighted += weight * Math.exp(-activationK / (value_c + KELVIN_OFFSET));
    total += weight;
  }
  if (total === 0) return null;
  return activationK / -Math.log(weighted / total) - KELVIN_OFFSET;
}
