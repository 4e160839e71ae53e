import {
  CHILLED_ROOM,
  type ColdRoomParams,
  FROZEN_ROOM,
  REEFER_CHILLED_COMPARTMENT,
  REEFER_FROZEN_COMPARTMENT,
} from '../physics/cold-room-params.js';
import { COUNTY_ROUTE, type RouteStop } from '../physics/route.js';
import type { RoomSpec, SiteSpec, TruckSpec } from './site-schema.js';

/** Volume of the default parameter sets, m³. */
const DEFAULT_VOLUME_M3 = 60;
/** Specific heat of unfrozen produce and of frozen food, J/(kg·K). */
const PRODUCE_J_PER_KGK = 3600;
const FROZEN_J_PER_KGK = 1800;
/** Default loads: 5 t of produce in a chilled room, 3 t in a frozen one. */
const DEFAULT_PRODUCT_KG = { chilled: 5000, frozen: 3000 } as const;
/** Default panel thickness, mm: 100 mm PUR for chilled rooms, 150 mm for frozen ones. */
const DEFAULT_PANEL_MM = { chilled: 100, frozen: 150 } as const;
/** Default compartment loads of the reefer, kg. */
const DEFAULT_COMPARTMENT_KG = { chilled: 800, frozen: 600 } as const;

/** Returns the surface of a room with a square floor, m²: two floors plus four walls. */
export function roomSurfaceM2(volume_m3: number, height_m: number): number {
  const side_m = Math.sqrt(volume_m3 / height_m);
  return 2 * side_m * side_m + 4 * side_m * height_m;
}

/** Copies the site's outdoor climate into a parameter set. */
function withClimate(params: ColdRoomParams, site: SiteSpec): ColdRoomParams {
  return {
    ...params,
    ambient_mean_c: site.ambient.mean_c,
    ambient_amplitude_k: site.ambient.amplitude_k,
    ambient_peak_hour: site.ambient.peak_hour,
    utc_offset_h: site.utc_offset_h,
  };
}

/**
 * Builds the thermal parameters of a scenario room from the default set of its kind. Surface and panel
 * give U·A. Volume-bound values (air capacity, internal load, fans, coil, heater, frost) scale with volume.
 * The rated capacity scales with the design load U·A·(32 °C − setpoint) + internal load, so a room keeps
 * the default's compressor duty whatever its size and insulation.
 */
export function roomParams(room: RoomSpec, site: SiteSpec): ColdRoomParams {
  const base = room.kind === 'frozen' ? FROZEN_ROOM : CHILLED_ROOM;
  const volume_share = room.volume_m3 / DEFAULT_VOLUME_M3;
  const panel_mm = room.insulation.panel_mm ?? DEFAULT_PANEL_MM[room.kind];
  const u_w_per_m2k = room.insulation.conductivity_w_per_mk / (panel_mm / 1000);
  const wall_ua_w_per_k = u_w_per_m2k * roomSurfaceM2(room.volume_m3, room.height_m);
  const setpoint_c = room.setpoint_c ?? base.setpoint_c;

  const design_load = (ua: number, internal_w: number, set_c: number) =>
    ua * (base.rated_ambient_c - set_c) + internal_w;
  const internal_load_w = base.internal_load_w * volume_share;
  const load_share =
    design_load(wall_ua_w_per_k, internal_load_w, setpoint_c) /
    design_load(base.wall_ua_w_per_k, base.internal_load_w, base.setpoint_c);

  const specific_heat = room.product.specific_heat_kj_per_kgk
    ? room.product.specific_heat_kj_per_kgk * 1000
    : room.kind === 'frozen'
      ? FROZEN_J_PER_KGK
      : PRODUCE_J_PER_KGK;
  const product_kg = room.product.kg ?? DEFAULT_PRODUCT_KG[room.kind] * volume_share;

  return withClimate(
    {
      ...base,
      setpoint_c,
      differential_k: room.differential_k ?? base.differential_k,
      wall_ua_w_per_k,
      internal_load_w,
      air_capacity_j_per_k: base.air_capacity_j_per_k * volume_share,
      product_capacity_j_per_k: Math.max(1000, product_kg * specific_heat),
      product_ua_w_per_k: base.product_ua_w_per_k * volume_share,
      evaporator_capacity_j_per_k: base.evaporator_capacity_j_per_k * load_share,
      evaporator_ua_w_per_k: base.evaporator_ua_w_per_k * load_share,
      fan_power_w: base.fan_power_w * load_share,
      rated_capacity_w: base.rated_capacity_w * load_share,
      defrost_heater_w: base.defrost_heater_w * load_share,
      frost_j_per_run_h: base.frost_j_per_run_h * load_share,
      door_openings_per_h: room.door_openings_per_h ?? base.door_openings_per_h,
      defrost_interval_s:
        room.defrost_interval_h === undefined ? base.defrost_interval_s : room.defrost_interval_h * 3600,
    },
    site,
  );
}

/** Builds the thermal parameters of each compartment of a scenario truck. */
export function compartmentParams(truck: TruckSpec, site: SiteSpec): { id: string; params: ColdRoomParams }[] {
  return truck.compartments.map((compartment) => {
    const base = compartment.kind === 'frozen' ? REEFER_FROZEN_COMPARTMENT : REEFER_CHILLED_COMPARTMENT;
    const specific_heat = compartment.kind === 'frozen' ? FROZEN_J_PER_KGK : PRODUCE_J_PER_KGK;
    const product_kg = compartment.product_kg ?? DEFAULT_COMPARTMENT_KG[compartment.kind];
    const params: ColdRoomParams = {
      ...base,
      setpoint_c: compartment.setpoint_c ?? base.setpoint_c,
      product_capacity_j_per_k: Math.max(1000, product_kg * specific_heat),
      rated_capacity_w: compartment.capacity_w ?? base.rated_capacity_w,
    };
    return { id: compartment.id, params: withClimate(params, site) };
  });
}

/** Builds the route of a scenario truck, or the built-in county round. */
export function truckRoute(truck: TruckSpec): readonly RouteStop[] {
  if (truck.route === undefined) return COUNTY_ROUTE;
  return truck.route.map((stop) => ({
    name: stop.name,
    lat: stop.lat,
    lon: stop.lon,
    dwell_s: stop.dwell_min * 60,
    door_open_s: stop.door_open_min * 60,
    ambient_offset_k: stop.ambient_offset_k,
  }));
}
