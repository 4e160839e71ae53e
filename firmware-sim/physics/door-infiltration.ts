import type { ColdRoomParams } from './cold-room-params.js';

const GRAVITY_M_PER_S2 = 9.81;
const AIR_GAS_CONSTANT_J_PER_KG_K = 287.05;
const SEA_LEVEL_PRESSURE_PA = 101_325;
const AIR_SPECIFIC_HEAT_J_PER_KG_K = 1005;
const KELVIN_OFFSET = 273.15;

/** Density of dry air at sea-level pressure, kg/m³. */
export function airDensityKgPerM3(temperature_c: number): number {
  return SEA_LEVEL_PRESSURE_PA / (AIR_GAS_CONSTANT_J_PER_KG_K * (temperature_c + KELVIN_OFFSET));
}

/**
 * Computes the sensible heat that enters through an open door, W, from the density-driven exchange flow
 * of Gosney and Olama (1975): ṁ = 0.4·F·B·√(2·g·ρr·ρa·(ρr − ρa)·(ρr^⅓ + ρa^⅓)^−3·H³), where B and H are
 * the door width and height and ρr, ρa the room and ambient air densities. Latent heat (moisture that
 * freezes on the coil) is left out, so the load is an underestimate for humid ambient air.
 */
export function doorInfiltrationW(params: ColdRoomParams, air_c: number, ambient_c: number): number {
  const room_density = airDensityKgPerM3(air_c);
  const ambient_density = airDensityKgPerM3(ambient_c);
  const density_difference = Math.abs(room_density - ambient_density);
  const cube_root_sum = Math.cbrt(room_density) + Math.cbrt(ambient_density);
  const under_root =
    (2 * GRAVITY_M_PER_S2 * room_density * ambient_density * density_difference * params.door_height_m ** 3) /
    cube_root_sum ** 3;
  const mass_flow_kg_per_s = 0.4 * params.door_flow_factor * params.door_width_m * Math.sqrt(under_root);
  return mass_flow_kg_per_s * AIR_SPECIFIC_HEAT_J_PER_KG_K * (ambient_c - air_c);
}
