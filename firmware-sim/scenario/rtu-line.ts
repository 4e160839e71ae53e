/**
 * Modbus RTU controllers of a scenario on one simulated RS-485 line: a pair of linked ptys made by
 * socat (the gateway opens one end, firmware-sim/rtu's `RtuControllerSim` the other), with each unit
 * serving its room's model through the generic-tenths-c register map. socat must be installed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TemperatureAlarms } from '../controller-alarms.js';
import type { Fault } from '../faults.js';
import type { Clock } from '../physics/clock.js';
import type { ColdRoomModel } from '../physics/cold-room-model.js';
import { ProbeDrift } from '../probe-drift.js';
import type { ControllerValues } from '../rtu/controller-values.js';
import { RtuControllerSim } from '../rtu/rtu-controller-sim.js';

/** Air temperature the generic-tenths-c map decodes from word 0x7FFF (probe fault) and 0x8000 (no probe), °C. */
const PROBE_FAULT_TENTHS_C = 3276.7;
const PROBE_DISCONNECTED_TENTHS_C = -3276.8;

function tenths(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * One RTU controller on the line. It has the controller interface the timeline drives (`injectFault`,
 * `clearFault`, `drift`), while the line owns the serial port.
 */
export class RtuUnit extends EventEmitter {
  readonly drift = new ProbeDrift();
  private readonly alarms = new TemperatureAlarms();
  private fault: Fault | null = null;
  private stuck_c: number | undefined;
  /** Called when the unit's faults change, so the line can make it silent or not. */
  onFaultChange: () => void = () => {};

  constructor(
    readonly device_id: string,
    readonly unit_id: number,
    readonly noise_bytes: number,
    readonly corrupt_share: number,
    private readonly model: ColdRoomModel,
    private readonly clock: Clock,
  ) {
    super();
  }

  /** True while the unit must not reply (a `disconnect` fault, a power cut). */
  get silent(): boolean {
    return this.fault === 'disconnect';
  }

  /** The line starts the port; a unit has nothing of its own to start. */
  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  injectFault(fault: Fault): void {
    this.fault = fault;
    this.stuck_c = fault === 'stuck' ? this.measuredAirC() : undefined;
    this.onFaultChange();
  }

  clearFault(): void {
    this.fault = null;
    this.stuck_c = undefined;
    this.onFaultChange();
  }

  private measuredAirC(): number {
    const state = this.model.state;
    return state.air_c + this.drift.offsetK(state.time_ms);
  }

  /** Values the unit serves now: the room model at the run's simulated time, with the active probe fault. */
  values(): ControllerValues {
    this.model.advanceTo(this.clock.nowMs());
    const state = this.model.state;
    this.alarms.update(state, this.model.params.setpoint_c);
    let air_c = tenths(this.stuck_c ?? this.measuredAirC());
    if (this.fault === 'probe_fault') air_c = PROBE_FAULT_TENTHS_C;
    if (this.fault === 'probe_disconnected') air_c = PROBE_DISCONNECTED_TENTHS_C;
    return {
      air_temp_c: air_c,
      evap_temp_c: tenths(state.evaporator_c),
      product_temp_c: tenths(state.product_c),
      compressor_power_kw: Math.fround(state.compressor_power_kw),
      compressor_run_s: Math.floor(state.compressor_run_s),
      setpoint_c: tenths(this.model.params.setpoint_c),
      differential_c: tenths(this.model.params.differential_k),
      compressor_on: state.compressor_on,
      defrost_on: state.phase === 'defrost',
      fans_on: state.fans_on,
      door_open: state.door_open,
      high_temp_alarm: this.alarms.high,
      low_temp_alarm: this.alarms.low,
      probe_alarm: this.fault === 'probe_fault' || this.fault === 'probe_disconnected',
    };
  }
}

/** A running line: the pty path the gateway opens, and how to stop it. */
export interface RtuLine {
  gateway_path: string;
  stop(): Promise<void>;
}

/** Starts socat with two linked raw ptys in a fresh folder and waits until both links exist. */
async function startPtyPair(): Promise<{
  folder: string;
  gateway_path: string;
  device_path: string;
  socat: ChildProcess;
}> {
  const folder = mkdtempSync(join(tmpdir(), 'coldpool-rs485-'));
  const gateway_path = join(folder, 'gateway');
  const device_path = join(folder, 'device');
  const socat = spawn('socat', [`pty,raw,echo=0,link=${gateway_path}`, `pty,raw,echo=0,link=${device_path}`], {
    stdio: 'ignore',
  });
  const deadline = Date.now() + 5000;
  while (!(existsSync(gateway_path) && existsSync(device_path))) {
    if (Date.now() > deadline || socat.exitCode !== null) {
      socat.kill();
      rmSync(folder, { recursive: true, force: true });
      throw new Error(
        `socat did not create the RS-485 ptys ${gateway_path} and ${device_path} within 5 s; check that socat is installed`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { folder, gateway_path, device_path, socat };
}

/** Starts the line and the simulator that replies for every unit on it, at 9600 baud, no parity. */
export async function startRtuLine(units: readonly RtuUnit[], seed: number): Promise<RtuLine> {
  const pty = await startPtyPair();
  const by_unit = new Map(units.map((unit) => [unit.unit_id, unit]));
  const sim = new RtuControllerSim({
    path: pty.device_path,
    units: units.map((unit) => unit.unit_id),
    baud_rate: 9600,
    parity: 'none',
    seed,
    values: (unit_id) => by_unit.get(unit_id)!.values(),
  });
  const applyFaults = (unit: RtuUnit) =>
    sim.setFaults(unit.unit_id, {
      silent: unit.silent,
      noise_bytes: unit.noise_bytes,
      corrupt_share: unit.corrupt_share,
    });
  for (const unit of units) {
    unit.onFaultChange = () => applyFaults(unit);
    applyFaults(unit);
  }
  await sim.start();
  return {
    gateway_path: pty.gateway_path,
    stop: async () => {
      await sim.stop();
      if (pty.socat.exitCode === null && pty.socat.pid !== undefined) {
        const exited = new Promise((resolve) => pty.socat.once('exit', resolve));
        process.kill(pty.socat.pid, 'SIGTERM');
        await exited;
      }
      rmSync(pty.folder, { recursive: true, force: true });
    },
  };
}
