import type { Fault } from './faults.js';
import { encodeFloat32Cdab, encodeInt16Tenths, encodeUint32Abcd } from './modbus-words.js';
import type { ColdRoomState } from './physics/cold-room-model.js';

/** Input register (FC 4) addresses of the simulated controller. */
export const INPUT_REGISTER = {
  /** Air temperature, int16 tenths of °C. */
  air_temp: 0,
  /** Evaporator coil temperature, int16 tenths of °C. */
  evaporator_temp: 1,
  /** Product (simulated core probe) temperature, int16 tenths of °C. */
  product_temp: 2,
  /** Compressor electrical power, float32 kW in word order CDAB (registers 3-4). */
  compressor_power: 3,
  /** Compressor run time, uint32 s in word order ABCD (registers 5-6). */
  compressor_run_time: 5,
} as const;

/** Number of input registers, 0 to 6. */
export const INPUT_REGISTER_COUNT = 7;

/** Holding register (FC 3, 6, 16) addresses. */
export const HOLDING_REGISTER = {
  /** Thermostat setpoint, int16 tenths of °C; writes change the model's setpoint. */
  setpoint: 100,
  /** Thermostat differential, int16 tenths of K; writes change the model's differential. */
  differential: 101,
} as const;

/** Coil (FC 1) addresses: 0 compressor on, 1 defrost on, 2 evaporator fans on. */
export const COIL = { compressor: 0, defrost: 1, fans: 2 } as const;

/** Discrete input (FC 2) addresses. */
export const DISCRETE_INPUT = { door_open: 0, high_temp_alarm: 1, low_temp_alarm: 2, probe_alarm: 3 } as const;

/** Air temperature word while the probe reports a fault. */
export const PROBE_FAULT_WORD = 0x7fff;
/** Air temperature word while the probe is disconnected. */
export const PROBE_DISCONNECTED_WORD = 0x8000;

/** Encodes the input registers from the model state; `stuck_air_word` replaces the air word while stuck. */
export function encodeInputRegisters(state: ColdRoomState, fault: Fault | null, stuck_air_word?: number): number[] {
  let air_word = encodeInt16Tenths(state.air_c);
  if (fault === 'probe_fault') air_word = PROBE_FAULT_WORD;
  if (fault === 'probe_disconnected') air_word = PROBE_DISCONNECTED_WORD;
  if (fault === 'stuck' && stuck_air_word !== undefined) air_word = stuck_air_word;
  return [
    air_word,
    encodeInt16Tenths(state.evaporator_c),
    encodeInt16Tenths(state.product_c),
    ...encodeFloat32Cdab(state.compressor_power_kw),
    ...encodeUint32Abcd(state.compressor_run_s),
  ];
}

/** Encodes the coils from the model state. */
export function encodeCoils(state: ColdRoomState): boolean[] {
  return [state.compressor_on, state.phase === 'defrost', state.fans_on];
}

/** Alarm and door bits for the discrete inputs. */
export interface DiscreteInputBits {
  door_open: boolean;
  high_temp_alarm: boolean;
  low_temp_alarm: boolean;
  probe_alarm: boolean;
}

/** Encodes the discrete inputs in address order. */
export function encodeDiscreteInputs(bits: DiscreteInputBits): boolean[] {
  return [bits.door_open, bits.high_temp_alarm, bits.low_temp_alarm, bits.probe_alarm];
}
