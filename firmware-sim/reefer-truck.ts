import { MqttDevice, type MqttDeviceOptions } from './mqtt-device.js';
import { ColdRoomModel } from './physics/cold-room-model.js';
import {
  type ColdRoomParams,
  REEFER_CHILLED_COMPARTMENT,
  REEFER_FROZEN_COMPARTMENT,
} from './physics/cold-room-params.js';
import { deriveSeed, Prng } from './physics/prng.js';
import { COUNTY_ROUTE, RouteModel, type RouteStop } from './physics/route.js';
import { ProbeDrift } from './probe-drift.js';
import { type CompartmentMeasurement, encodeTruckPayload, type TruckMeasurement } from './truck-payload.js';

/** One temperature zone of the reefer box. */
export interface CompartmentConfig {
  /** Compartment id sent in the payload (`front`, `rear`). */
  id: string;
  /** Thermal model parameters of the compartment. */
  params: ColdRoomParams;
}

/** Default box: frozen front at −18 °C, chilled rear at +3 °C. */
export const DEFAULT_COMPARTMENTS: readonly CompartmentConfig[] = [
  { id: 'front', params: REEFER_FROZEN_COMPARTMENT },
  { id: 'rear', params: REEFER_CHILLED_COMPARTMENT },
];

export interface ReeferTruckOptions extends MqttDeviceOptions {
  /** Compartments, one thermal model each. Default `DEFAULT_COMPARTMENTS`. */
  compartments?: readonly CompartmentConfig[];
  /** Delivery round. Default `COUNTY_ROUTE`. */
  route?: readonly RouteStop[];
  /** Seed of the route's speed changes and the probe noise. Default 1. */
  seed?: number;
  /** Index of the route stop where the truck starts. Default 0. */
  start_stop?: number;
  /** Mean cruising speed, km/h. Default 45. */
  cruise_kmh?: number;
}

/**
 * Reefer truck telematics unit that publishes position, speed, door and compartment temperatures to
 * `sim/trucks/<device_id>/telemetry`. The unit's door switch stops refrigeration while the doors are open.
 */
export class ReeferTruck extends MqttDevice {
  readonly route: RouteModel;
  readonly compartments: { id: string; model: ColdRoomModel }[];
  /** Drift of every compartment probe at once (they share one logger and its reference). */
  readonly drift = new ProbeDrift();
  private readonly noise: Prng;
  private frozen_temps_c: number[] | undefined;

  constructor(options: ReeferTruckOptions) {
    super(options, `sim/trucks/${options.device_id}/telemetry`);
    const seed = options.seed ?? 1;
    this.noise = new Prng(deriveSeed(seed, 1000));
    this.route = new RouteModel(options.route ?? COUNTY_ROUTE, {
      seed,
      start_stop: options.start_stop,
      cruise_kmh: options.cruise_kmh,
    });
    const start_ms = this.clock.nowMs();
    this.compartments = (options.compartments ?? DEFAULT_COMPARTMENTS).map((config, index) => ({
      id: config.id,
      model: new ColdRoomModel(config.params, { seed: deriveSeed(seed, index), start_ms }),
    }));
  }

  /** Measurement the next payload would carry, before the fault applies. */
  measure(): TruckMeasurement {
    const live_c = this.compartments.map(
      ({ model }) =>
        model.state.air_c +
        this.drift.offsetK(model.state.time_ms) +
        this.noise.gaussian(0, model.params.probe_noise_k),
    );
    if (this.fault !== 'stuck') this.frozen_temps_c = undefined;
    else this.frozen_temps_c ??= live_c;
    const temps_c = this.frozen_temps_c ?? live_c;
    const compartments: CompartmentMeasurement[] = this.compartments.map(({ id, model }, index) => ({
      id,
      temp_c: temps_c[index]!,
      setpoint_c: model.params.setpoint_c,
    }));
    const route = this.route.state;
    return { unit_on: !route.door_open, route, compartments };
  }

  /** Moves the truck and the compartments together, one second at a time, so door openings line up. */
  protected advance(_now_ms: number, dt_s: number): void {
    let remaining_s = dt_s;
    while (remaining_s > 1e-9) {
      const h = Math.min(1, remaining_s);
      const { door_open, ambient_offset_k } = this.route.state;
      for (const { model } of this.compartments) {
        model.setAmbientOffset(ambient_offset_k);
        model.setRefrigerationEnabled(!door_open);
        if (door_open) model.openDoor(h);
        model.step(h);
      }
      this.route.step(h);
      remaining_s -= h;
    }
  }

  protected encodePayload(seq: number, now_ms: number): string {
    return encodeTruckPayload(seq, now_ms, this.measure(), this.fault);
  }
}
