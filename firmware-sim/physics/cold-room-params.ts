/**
 * Parameters of the lumped thermal model of a refrigerated space, with SI units in every name.
 * Default sets cover a small county cold room (60 m³, chilled or frozen) and the two compartments of a
 * 4.2 m reefer truck box. Values are engineering estimates for typical equipment, not a measured room.
 * docs/simulation.md explains how each was chosen.
 */
export interface ColdRoomParams {
  /** Thermostat setpoint, °C. */
  setpoint_c: number;
  /** Thermostat differential, K: the compressor starts at setpoint + half of it and stops at setpoint − half. */
  differential_k: number;
  /** Overall wall, ceiling and floor conductance U·A, W/K. */
  wall_ua_w_per_k: number;
  /** Constant internal load from lights, people and product respiration, W. */
  internal_load_w: number;
  /** Heat capacity of the air node (air, shelving and inner panel skins), J/K. */
  air_capacity_j_per_k: number;
  /** Heat capacity of the stored product, J/K. */
  product_capacity_j_per_k: number;
  /** Conductance between air and product, W/K. */
  product_ua_w_per_k: number;
  /** Heat capacity of the evaporator coil with its refrigerant, J/K. */
  evaporator_capacity_j_per_k: number;
  /** Conductance between air and evaporator coil with the fans running, W/K. */
  evaporator_ua_w_per_k: number;
  /** Share of `evaporator_ua_w_per_k` that remains with the fans stopped (natural convection), 0..1. */
  evaporator_natural_share: number;
  /** Heat the fan motors add to the air while they run, W. */
  fan_power_w: number;
  /** Refrigerating capacity at `rated_ambient_c`, W. */
  rated_capacity_w: number;
  /** Ambient (condenser air) temperature at which `rated_capacity_w` and `rated_cop` apply, °C. */
  rated_ambient_c: number;
  /** Fraction of capacity lost per kelvin of ambient above `rated_ambient_c` (gained below it), 1/K. */
  capacity_loss_per_k: number;
  /** Coefficient of performance (refrigerating capacity / electrical input) at `rated_ambient_c`. */
  rated_cop: number;
  /** Fraction of COP lost per kelvin of ambient above `rated_ambient_c`, 1/K. */
  cop_loss_per_k: number;
  /** Minimum compressor off time (anti-short-cycle delay), s. */
  min_off_s: number;
  /** Time between the starts of two defrosts, s. 0 disables defrost. */
  defrost_interval_s: number;
  /** Defrost heater power, W. */
  defrost_heater_w: number;
  /** Share of the heater power that reaches the air directly instead of the coil, 0..1. */
  defrost_heater_to_air_share: number;
  /** Defrost ends when the coil reaches this temperature, °C. */
  defrost_end_evaporator_c: number;
  /** Maximum defrost duration, s. The heater stops then even if the coil is still cold. */
  defrost_max_s: number;
  /** Drip time after the heater stops, with compressor and fans off, s. */
  drip_s: number;
  /** Frost latent heat collected on the coil per hour of compressor run time, J/h. */
  frost_j_per_run_h: number;
  /** Door width, m. */
  door_width_m: number;
  /** Door height, m. */
  door_height_m: number;
  /** Flow factor of the door's protection (1 none, about 0.6 strip curtain), 0..1. */
  door_flow_factor: number;
  /** Mean rate of random door openings, per hour. 0 leaves the door to `openDoor()`. */
  door_openings_per_h: number;
  /** Minimum duration of a random door opening, s. */
  door_open_min_s: number;
  /** Maximum duration of a random door opening, s. */
  door_open_max_s: number;
  /** Daily mean ambient temperature, °C. */
  ambient_mean_c: number;
  /** Half the daily ambient swing, K. */
  ambient_amplitude_k: number;
  /** Local hour of the daily ambient maximum, 0..24. */
  ambient_peak_hour: number;
  /** Offset of local time from UTC, h (8 for China Standard Time). */
  utc_offset_h: number;
  /** Relative humidity with the compressor off and the door shut, %. */
  rh_idle_pct: number;
  /** Drop in relative humidity while the coil dehumidifies (compressor running), percentage points. */
  rh_cooling_drop_pct: number;
  /** Standard deviation of the probe noise, K. */
  probe_noise_k: number;
}

/** Chilled 60 m³ room (5 × 4 × 3 m, 94 m² of 100 mm PUR panel) holding 5 t of produce at 2 °C. */
export const CHILLED_ROOM: ColdRoomParams = {
  setpoint_c: 2,
  differential_k: 0.6,
  wall_ua_w_per_k: 94 * 0.22,
  internal_load_w: 250,
  air_capacity_j_per_k: 900_000,
  product_capacity_j_per_k: 5000 * 3600,
  product_ua_w_per_k: 300,
  evaporator_capacity_j_per_k: 25_000,
  evaporator_ua_w_per_k: 350,
  evaporator_natural_share: 0.1,
  fan_power_w: 120,
  rated_capacity_w: 2800,
  rated_ambient_c: 32,
  capacity_loss_per_k: 0.015,
  rated_cop: 2.4,
  cop_loss_per_k: 0.02,
  min_off_s: 180,
  defrost_interval_s: 6 * 3600,
  defrost_heater_w: 2500,
  defrost_heater_to_air_share: 0.5,
  defrost_end_evaporator_c: 25,
  defrost_max_s: 1800,
  drip_s: 180,
  frost_j_per_run_h: 150_000,
  door_width_m: 1.0,
  door_height_m: 2.0,
  door_flow_factor: 1,
  door_openings_per_h: 2,
  door_open_min_s: 15,
  door_open_max_s: 90,
  ambient_mean_c: 24,
  ambient_amplitude_k: 5,
  ambient_peak_hour: 15,
  utc_offset_h: 8,
  rh_idle_pct: 90,
  rh_cooling_drop_pct: 6,
  probe_noise_k: 0.03,
};

/** Frozen 60 m³ room (150 mm PUR panel) holding 3 t of frozen food at −18 °C. */
export const FROZEN_ROOM: ColdRoomParams = {
  ...CHILLED_ROOM,
  setpoint_c: -18,
  differential_k: 1.0,
  wall_ua_w_per_k: 94 * 0.15,
  product_capacity_j_per_k: 3000 * 1800,
  rated_capacity_w: 3200,
  rated_cop: 1.4,
  evaporator_ua_w_per_k: 450,
  defrost_heater_w: 2500,
  defrost_end_evaporator_c: 12,
  defrost_heater_to_air_share: 0.4,
  frost_j_per_run_h: 250_000,
  door_openings_per_h: 1,
  door_open_max_s: 60,
  rh_idle_pct: 80,
  rh_cooling_drop_pct: 4,
};

/**
 * Parameters both compartments of a 4.2 m reefer box share. Each is about 8 m³ of the 16 m³ box, with
 * K value 0.4 W/m²K on 24 m² of wall, a 1.2 × 1.7 m door with a strip curtain, and a 4-hourly defrost.
 * The route opens the doors, so random openings are off.
 */
const REEFER_COMPARTMENT = {
  wall_ua_w_per_k: 24 * 0.4,
  air_capacity_j_per_k: 250_000,
  product_ua_w_per_k: 40,
  evaporator_capacity_j_per_k: 8000,
  evaporator_ua_w_per_k: 200,
  fan_power_w: 60,
  defrost_interval_s: 4 * 3600,
  defrost_max_s: 1200,
  frost_j_per_run_h: 100_000,
  door_width_m: 1.2,
  door_height_m: 1.7,
  door_flow_factor: 0.6,
  door_openings_per_h: 0,
} satisfies Partial<ColdRoomParams>;

/** Frozen front compartment of the reefer box, with 600 kg of frozen load at −18 °C. */
export const REEFER_FROZEN_COMPARTMENT: ColdRoomParams = {
  ...FROZEN_ROOM,
  ...REEFER_COMPARTMENT,
  internal_load_w: 0,
  product_capacity_j_per_k: 600 * 1800,
  rated_capacity_w: 1500,
  defrost_heater_w: 1200,
};

/** Chilled rear compartment of the same reefer box, with 800 kg of produce at 3 °C. */
export const REEFER_CHILLED_COMPARTMENT: ColdRoomParams = {
  ...CHILLED_ROOM,
  ...REEFER_COMPARTMENT,
  setpoint_c: 3,
  internal_load_w: 30,
  product_capacity_j_per_k: 800 * 3600,
  rated_capacity_w: 1300,
  defrost_heater_w: 1000,
};
