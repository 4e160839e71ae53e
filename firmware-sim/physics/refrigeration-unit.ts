import type { ColdRoomParams } from './cold-room-params.js';

/** Lowest share of rated capacity and COP the linear derating may fall to, so hot days never give zero or less. */
const MIN_DERATING = 0.3;

/** Computes the refrigerating capacity at `ambient_c`, W: it falls linearly as the condenser air warms. */
export function capacityW(params: ColdRoomParams, ambient_c: number): number {
  const factor = 1 - params.capacity_loss_per_k * (ambient_c - params.rated_ambient_c);
  return params.rated_capacity_w * Math.max(MIN_DERATING, factor);
}

/** Computes the compressor's electrical input at `ambient_c`, W: capacity over a COP that falls with ambient. */
export function compressorPowerW(params: ColdRoomParams, ambient_c: number): number {
  const cop =
    params.rated_cop * Math.max(MIN_DERATING, 1 - params.cop_loss_per_k * (ambient_c - params.rated_ambient_c));
  return capacityW(params, ambient_c) / cop;
}
