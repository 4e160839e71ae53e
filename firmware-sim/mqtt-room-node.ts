import { type LorawanIdentity, lorawanTopic } from './lorawan-payloads.js';
import { MqttDevice, type MqttDeviceOptions } from './mqtt-device.js';
import { ColdRoomModel } from './physics/cold-room-model.js';
import { CHILLED_ROOM, type ColdRoomParams } from './physics/cold-room-params.js';
import { deriveSeed, Prng } from './physics/prng.js';
import { ProbeDrift } from './probe-drift.js';
import { encodeRoomPayload, type RoomDialect, type RoomMeasurement } from './room-payloads.js';

/** Battery drain of a coin-cell sensor node, percentage points per simulated day. */
const BATTERY_DRAIN_PCT_PER_DAY = 0.2;

export interface MqttRoomNodeOptions extends MqttDeviceOptions {
  /** Payload dialect. Default `celsius`. */
  dialect?: RoomDialect;
  /** Thermal model parameters of the room. Default `CHILLED_ROOM`. */
  params?: ColdRoomParams;
  /** Seed of the model's door openings and the probe noise. Default 1. */
  seed?: number;
  /** Model of the room, shared with other devices that watch it. Default: a model of its own from `params`. */
  model?: ColdRoomModel;
  /** Network server identity, for the `chirpstack_v4` and `tts_v3` dialects. */
  lorawan?: LorawanIdentity;
  /** Topic override. Default: `sim/rooms/<device_id>/state`, or the network server's uplink topic. */
  topic?: string;
}

function roomTopic(options: MqttRoomNodeOptions): string {
  if (options.topic !== undefined) return options.topic;
  const dialect = options.dialect ?? 'celsius';
  if (dialect === 'chirpstack_v4' || dialect === 'tts_v3')
    return lorawanTopic(dialect, options.device_id, options.lorawan);
  return `sim/rooms/${options.device_id}/state`;
}

/**
 * Battery-powered cold-room sensor node that publishes its room's air temperature, humidity and door
 * state as JSON to `sim/rooms/<device_id>/state`, or as a LoRaWAN uplink the way a network server
 * forwards it. `seq` (the frame counter on LoRaWAN) starts at 1 and grows by one per publish.
 */
export class MqttRoomNode extends MqttDevice {
  readonly dialect: RoomDialect;
  readonly model: ColdRoomModel;
  readonly drift = new ProbeDrift();
  private readonly noise: Prng;
  private readonly lorawan: LorawanIdentity | undefined;
  private battery_pct: number;
  private frozen: RoomMeasurement | undefined;

  constructor(options: MqttRoomNodeOptions) {
    super(options, roomTopic(options));
    this.dialect = options.dialect ?? 'celsius';
    this.lorawan = options.lorawan;
    const seed = options.seed ?? 1;
    this.noise = new Prng(deriveSeed(seed, 1000));
    this.model =
      options.model ?? new ColdRoomModel(options.params ?? CHILLED_ROOM, { seed, start_ms: this.clock.nowMs() });
    this.battery_pct = this.noise.uniform(85, 100);
  }

  /** Measurement the next payload would carry, before the fault and the dialect apply. */
  measure(): RoomMeasurement {
    const state = this.model.state;
    const measurement: RoomMeasurement = {
      temp_c: state.air_c + this.drift.offsetK(state.time_ms) + this.noise.gaussian(0, this.model.params.probe_noise_k),
      rh_pct: Math.min(100, state.rh_pct + this.noise.gaussian(0, 0.3)),
      door_open: state.door_open,
      battery_pct: this.battery_pct,
    };
    if (this.fault !== 'stuck') {
      this.frozen = undefined;
      return measurement;
    }
    this.frozen ??= measurement;
    return { ...measurement, temp_c: this.frozen.temp_c, rh_pct: this.frozen.rh_pct };
  }

  protected advance(now_ms: number, dt_s: number): void {
    this.model.advanceTo(now_ms);
    this.battery_pct = Math.max(0, this.battery_pct - (BATTERY_DRAIN_PCT_PER_DAY * dt_s) / 86_400);
  }

  protected encodePayload(seq: number, now_ms: number): string {
    return encodeRoomPayload(this.dialect, seq, now_ms, this.measure(), this.fault, {
      device_id: this.device_id,
      ...this.lorawan,
    });
  }
}
