import { EventEmitter } from 'node:events';
import ModbusRTU from 'modbus-serial';
import { TemperatureAlarms } from './controller-alarms.js';
import {
  encodeCoils,
  encodeDiscreteInputs,
  encodeInputRegisters,
  HOLDING_REGISTER,
  INPUT_REGISTER_COUNT,
} from './controller-registers.js';
import { type Fault, FaultNotSupportedError } from './faults.js';
import { findFreePort } from './free-port.js';
import { type ModbusReply, type ModbusWireFaultRates, ModbusWireFaults, respond } from './modbus-wire-faults.js';
import { decodeInt16Tenths, encodeInt16Tenths } from './modbus-words.js';
import { type Clock, ScaledClock } from './physics/clock.js';
import { ColdRoomModel } from './physics/cold-room-model.js';
import { CHILLED_ROOM, type ColdRoomParams } from './physics/cold-room-params.js';
import { ModbusPortInUseError } from './port-in-use-error.js';
import { ProbeDrift } from './probe-drift.js';

type ServerTcp = InstanceType<typeof ModbusRTU.ServerTCP>;

/** Modbus exception 02 ILLEGAL DATA ADDRESS (MODBUS Application Protocol V1.1b3, section 7). */
const ILLEGAL_DATA_ADDRESS = { modbusErrorCode: 0x02, msg: 'Illegal data address' };
/** Modbus exception 03 ILLEGAL DATA VALUE (same section). */
const ILLEGAL_DATA_VALUE = { modbusErrorCode: 0x03, msg: 'Illegal data value' };
/** Setpoints a write to holding register 100 may set, °C. */
const SETPOINT_RANGE_C = { min: -40, max: 20 } as const;
/** Differentials a write to holding register 101 may set, K. */
const DIFFERENTIAL_RANGE_K = { min: 0.1, max: 10 } as const;
/** Longest simulated time between two alarm checks, ms, so that alarm delays hold when time runs fast. */
const ALARM_CHECK_MS = 10_000;
/**
 * Callback of modbus-serial's callback-form service vector as its typings declare it. ServerTCP 8.0.25
 * also accepts an object with `modbusErrorCode` as the error and sends that exception code.
 */
type LibraryCallback<T> = (error: Error | null, value: T) => void;

/** Adapts `callback` to a `ModbusReply`, sending `empty` as the value alongside an error. */
function libraryReply<T>(callback: LibraryCallback<T>, empty: T): ModbusReply<T> {
  return (error, value) => callback(error as Error | null, value ?? empty);
}

/** Times a bind is retried when another process took the port found free. */
const BIND_ATTEMPTS = 5;

export interface ModbusControllerOptions {
  /** Device id, used in errors. */
  device_id: string;
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string;
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /**
   * Setting that gave a fixed `port`, such as `--modbus-port 5020`, which a `ModbusPortInUseError` names.
   * Default `the port option`.
   */
  port_origin?: string;
  /** Modbus unit id the server responds to. Requests for other ids get no reply. Default 1. */
  unit_id?: number;
  /** Thermal model parameters. Default `CHILLED_ROOM`. */
  params?: ColdRoomParams;
  /** Seed of the model's door openings. Default 1. */
  seed?: number;
  /** Source of simulated time. Default: the wall clock. */
  clock?: Clock;
  /** Wall-clock time between model updates, ms. Default 1000. */
  interval_ms?: number;
  /** Model of the room, shared with other devices that watch it. Default: a model of its own from `params`. */
  model?: ColdRoomModel;
  /** Wire faults on input-register reads. Default: none. */
  wire_faults?: ModbusWireFaultRates;
}

/**
 * Cold-room controller that serves its state over Modbus TCP (register map in `controller-registers.ts`).
 * The model advances on a timer and before every request, so replies are always current. Emits
 * `device_error` with the error when listening again after `disconnect` fails or the server reports one.
 */
export class ModbusController extends EventEmitter {
  readonly device_id: string;
  readonly host: string;
  readonly unit_id: number;
  readonly model: ColdRoomModel;
  readonly drift = new ProbeDrift();
  private readonly alarms = new TemperatureAlarms();
  private readonly wire_faults: ModbusWireFaults | undefined;
  private readonly clock: Clock;
  private readonly interval_ms: number;
  private requested_port: number;
  private readonly fixed_port: boolean;
  private readonly port_origin: string;
  private server: ServerTcp | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private fault: Fault | null = null;
  private stuck_air_word: number | undefined;
  private last_ms: number;

  constructor(options: ModbusControllerOptions) {
    super();
    this.device_id = options.device_id;
    this.host = options.host ?? '127.0.0.1';
    this.requested_port = options.port ?? 0;
    this.fixed_port = this.requested_port !== 0;
    this.port_origin = options.port_origin ?? 'the port option';
    this.unit_id = options.unit_id ?? 1;
    this.clock = options.clock ?? new ScaledClock();
    this.interval_ms = options.interval_ms ?? 1000;
    this.last_ms = this.clock.nowMs();
    this.model =
      options.model ??
      new ColdRoomModel(options.params ?? CHILLED_ROOM, { seed: options.seed, start_ms: this.last_ms });
    this.wire_faults = options.wire_faults && new ModbusWireFaults(options.wire_faults, options.seed ?? 1);
  }

  /** Port the server listens on (after `start`). */
  get port(): number {
    return this.requested_port;
  }

  /**
   * Starts listening and advancing the model. Rejects with `ModbusPortInUseError` when a fixed port is
   * taken.
   */
  async start(): Promise<void> {
    this.running = true;
    try {
      await this.listen();
    } catch (error) {
      this.running = false;
      throw error;
    }
    this.timer = setInterval(() => this.advanceToNow(), this.interval_ms);
  }

  /** Stops the timer and closes the server with its sockets. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    this.timer = undefined;
    this.wire_faults?.cancel();
    await this.close();
  }

  /**
   * Starts showing `fault`, replacing any fault already shown (and listening again if that was
   * `disconnect`). `malformed` has no meaning for registers and raises `FaultNotSupportedError`.
   */
  injectFault(fault: Fault): void {
    if (fault === 'malformed') throw new FaultNotSupportedError(this.device_id, fault);
    this.advanceToNow();
    const previous = this.fault;
    this.fault = fault;
    this.stuck_air_word = fault === 'stuck' ? encodeInt16Tenths(this.measuredAirC()) : undefined;
    if (fault === 'disconnect') void this.close();
    else if (previous === 'disconnect') this.relisten();
  }

  /** Returns to normal behaviour, listening again on the same port after `disconnect`. */
  clearFault(): void {
    const previous = this.fault;
    this.fault = null;
    this.stuck_air_word = undefined;
    if (previous === 'disconnect') this.relisten();
  }

  /** Advances the model to now and returns input registers 0-6 as a read would return them. */
  inputRegisters(): number[] {
    this.advanceToNow();
    const state = this.model.state;
    return encodeInputRegisters({ ...state, air_c: this.measuredAirC() }, this.fault, this.stuck_air_word);
  }

  private measuredAirC(): number {
    const state = this.model.state;
    return state.air_c + this.drift.offsetK(state.time_ms);
  }

  /** Advances the model to the clock's time, checking the alarms at least every `ALARM_CHECK_MS`. */
  private advanceToNow(): void {
    const now_ms = this.clock.nowMs();
    while (this.last_ms < now_ms) {
      const step_ms = Math.min(ALARM_CHECK_MS, now_ms - this.last_ms);
      this.last_ms += step_ms;
      this.model.advanceTo(this.last_ms);
      this.alarms.update(this.model.state, this.model.params.setpoint_c);
    }
  }

  private holdingRegister(address: number): number {
    if (address === HOLDING_REGISTER.setpoint) return encodeInt16Tenths(this.model.params.setpoint_c);
    if (address === HOLDING_REGISTER.differential) return encodeInt16Tenths(this.model.params.differential_k);
    throw ILLEGAL_DATA_ADDRESS;
  }

  private writeHoldingRegister(address: number, word: number): void {
    const value = decodeInt16Tenths(word);
    if (address === HOLDING_REGISTER.setpoint) {
      if (value < SETPOINT_RANGE_C.min || value > SETPOINT_RANGE_C.max) throw ILLEGAL_DATA_VALUE;
      this.advanceToNow();
      this.model.setSetpoint(value);
      return;
    }
    if (address === HOLDING_REGISTER.differential) {
      if (value < DIFFERENTIAL_RANGE_K.min || value > DIFFERENTIAL_RANGE_K.max) throw ILLEGAL_DATA_VALUE;
      this.advanceToNow();
      this.model.setDifferential(value);
      return;
    }
    throw ILLEGAL_DATA_ADDRESS;
  }

  private bit(bits: boolean[], address: number): boolean {
    const value = bits[address];
    if (value === undefined) throw ILLEGAL_DATA_ADDRESS;
    return value;
  }

  private discreteInputs(): boolean[] {
    this.advanceToNow();
    return encodeDiscreteInputs({
      door_open: this.model.state.door_open,
      high_temp_alarm: this.alarms.high,
      low_temp_alarm: this.alarms.low,
      probe_alarm: this.fault === 'probe_fault' || this.fault === 'probe_disconnected',
    });
  }

  /** Replies to an input-register read, through the wire faults when the controller has them. */
  private replyToRead<T>(read: () => T, reply: ModbusReply<T>): void {
    if (this.wire_faults) this.wire_faults.apply(read, reply);
    else respond(read, reply);
  }

  /**
   * Service vector of modbus-serial's ServerTCP: FC 1, 2, 3, 4, 6 and 16 (V1.1b3 sections 6.1-6.4, 6.6,
   * 6.12). The input-register reads use the callback form, because a late or dropped reply needs a
   * callback that is called late or never. ServerTCP 8.0.25 picks that form by the function's arity (3
   * and 4 parameters) and does not catch what it throws, so errors go to the callback.
   */
  private serviceVector() {
    return {
      getInputRegister: (address: number, _unit_id: number, callback: LibraryCallback<number>): void => {
        const read = () => {
          const word = this.inputRegisters()[address];
          if (word === undefined || address >= INPUT_REGISTER_COUNT) throw ILLEGAL_DATA_ADDRESS;
          return word;
        };
        this.replyToRead(read, libraryReply<number>(callback, 0));
      },
      // One snapshot per request, so that the two words of a 32-bit value come from the same instant.
      // ServerTCP reads `values[i]` even after an error, so an error goes out with an empty array.
      getMultipleInputRegisters: (
        address: number,
        length: number,
        _unit_id: number,
        callback: LibraryCallback<number[]>,
      ): void => {
        const reply = libraryReply<number[]>(callback, []);
        if (address + length > INPUT_REGISTER_COUNT) {
          reply(ILLEGAL_DATA_ADDRESS);
          return;
        }
        this.replyToRead(() => this.inputRegisters().slice(address, address + length), reply);
      },
      getHoldingRegister: (address: number): number => this.holdingRegister(address),
      getCoil: (address: number): boolean => {
        this.advanceToNow();
        return this.bit(encodeCoils(this.model.state), address);
      },
      getDiscreteInput: (address: number): boolean => this.bit(this.discreteInputs(), address),
      setRegister: (address: number, value: number): void => this.writeHoldingRegister(address, value),
      setCoil: (): void => {
        throw ILLEGAL_DATA_ADDRESS;
      },
    };
  }

  private relisten(): void {
    if (!this.running) return;
    this.listen().catch((error: unknown) => this.emit('device_error', error));
  }

  private async listen(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const port = this.requested_port === 0 ? await findFreePort(this.host) : this.requested_port;
      try {
        const server = await this.bind(port);
        this.requested_port = port;
        if (!this.running || this.fault === 'disconnect') {
          await new Promise<void>((resolve) => server.close(() => resolve()));
          return;
        }
        server.on('error', (error) => this.emit('device_error', error));
        this.server = server;
        return;
      } catch (error) {
        const in_use = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
        if (in_use && this.fixed_port)
          throw new ModbusPortInUseError(this.device_id, this.host, port, this.port_origin);
        if (!in_use || attempt >= BIND_ATTEMPTS || this.requested_port !== 0) throw error;
      }
    }
  }

  private bind(port: number): Promise<ServerTcp> {
    return new Promise((resolve, reject) => {
      const server = new ModbusRTU.ServerTCP(this.serviceVector(), { host: this.host, port, unitID: this.unit_id });
      server.on('initialized', () => resolve(server));
      server.on('serverError', (error) => reject(error));
    });
  }

  private close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}
