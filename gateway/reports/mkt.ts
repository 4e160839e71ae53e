/**
 * Mean kinetic temperature (MKT): the single temperature that would cause the same total chemical
 * degradation as the observed series, by the Arrhenius equation:
 *
 *   MKT = (ΔH/R) / −ln( Σ wᵢ·exp(−(ΔH/R) / Tᵢ) / Σ wᵢ )   with Tᵢ in kelvin,
 *
 * where wᵢ is the time reading i applies, by the sample-and-hold convention of `toStepSeries`: each
 * reading applies until the next one. ΔH/R defaults to 10 000 K (ΔH = 83.144 kJ/mol). exp(−c/T) is
 * increasing and convex in T below c/2 (5000 K with the default), so MKT is never below the
 * time-weighted mean.
 */
import { coveredMs, type SeriesPoint, type StepOptions, toStepSeries } from './step-series.js';

export const KELVIN_OFFSET = 273.15;
/** Activation energy over the gas constant, K (ΔH = 83.144 kJ/mol, the usual default for drugs). */
export const DEFAULT_DELTA_H_OVER_R_K = 10_000;

export interface MktOptions extends StepOptions {
  /** ΔH/R, K. Default 10 000. */
  delta_h_over_r_k?: number;
}

export interface MktResult {
  /** MKT, °C and K; NaN without readings. */
  mkt_c: number;
  mkt_k: number;
  /** Time-weighted arithmetic mean with the same weights, °C. */
  mean_c: number;
  /** Time the readings cover, ms. */
  covered_ms: number;
  /** False when gaps leave part of the window without readings: the MKT then covers less than asked. */
  complete: boolean;
  gaps: Array<{ start_ms: number; end_ms: number }>;
}

/** Computes the MKT of a series over a window. */
export function meanKineticTemperature(points: readonly SeriesPoint[], options: MktOptions = {}): MktResult {
  const ratio = options.delta_h_over_r_k ?? DEFAULT_DELTA_H_OVER_R_K;
  if (!(ratio > 0)) throw new RangeError(`delta_h_over_r_k ${ratio} is invalid: use a positive number of kelvin`);
  const series = toStepSeries(points, options);
  const covered = coveredMs(series.segments);
  if (covered === 0) {
    return {
      mkt_c: Number.NaN,
      mkt_k: Number.NaN,
      mean_c: Number.NaN,
      covered_ms: 0,
      complete: false,
      gaps: series.gaps,
    };
  }
  // Factor out the largest term so that exp() of very negative exponents does not underflow.
  const exponents = series.segments.map((segment) => -ratio / (segment.value + KELVIN_OFFSET));
  const largest = Math.max(...exponents);
  let weighted = 0;
  let sum = 0;
  series.segments.forEach((segment, index) => {
    const weight = segment.end_ms - segment.start_ms;
    weighted += weight * Math.exp((exponents[index] ?? 0) - largest);
    sum += weight * segment.value;
  });
  const mkt_k = ratio / -(largest + Math.log(weighted / covered));
  return {
    mkt_k,
    mkt_c: mkt_k - KELVIN_OFFSET,
    mean_c: sum / covered,
    covered_ms: covered,
    complete: series.gaps.length === 0,
    gaps: series.gaps,
  };
}
