import type { ObservedAlarm } from './alarm-message.js';
import { KitBroker } from './kit-broker.js';
import { modbusTcpPorts } from './modbus-ports.js';
import { type Arrival, type ObservedReading, Observer } from './observer.js';
import { type RoomReport, roomReport } from './room-report.js';
import { type RtuLine, RtuUnit, startRtuLine } from './rtu-line.js';
import type { Scenario } from './scenario-schema.js';
import { SimScheduler } from './sim-scheduler.js';
import { buildDevices, buildRooms, type SimDevice, type SimRoom } from './site-devices.js';
import { type EventRecord, scheduleTimeline } from './timeline.js';

/** A stretch of simulated time, ms. */
export interface TimeWindow {
  from_ms: number;
  to_ms: number;
}

/** The devices of a run once they listen and are connected, before simulated time starts. */
export interface StartedSite {
  scenario: Scenario;
  broker_url: string;
  devices: SimDevice[];
  /** Seconds a device stamp may run ahead of the wall clock in this run, for the gateway's `max_clock_skew_s`. */
  max_clock_skew_s: number;
  /** Simulated time now, ms; a gateway's time-based rules (offline after N minutes) should read it. */
  sim_now: () => number;
  /** Serial port the gateway opens for the scenario's Modbus RTU devices (9600 baud, 8N1), if it has any. */
  serial_path?: string;
}

export interface ScenarioRunOptions {
  /** Broker the devices publish to and the kit watches. Default: an aedes broker the kit starts on 127.0.0.1. */
  broker_url?: string;
  mqtt_username?: string;
  mqtt_password?: string;
  /**
   * First port of the Modbus TCP devices without a `port` key: the Nth listens on this port + N - 1.
   * Default: each picks a free port at start.
   */
  modbus_port?: number;
  /** Runs once the devices are up, before time starts (the embedded gateway starts here). */
  beforeStart?: (site: StartedSite) => Promise<void>;
  /** Runs after the last reading had time to arrive, before the devices and the broker stop. */
  beforeStop?: () => Promise<void>;
  /** Real time to wait after the end for messages in flight, ms. Default 3000, plus the longest late hold-back. */
  drain_ms?: number;
  /** Receives errors of devices and background actions. Default: they are dropped. */
  onError?: (source: string, error: unknown) => void;
}

/** Everything a run produced, for the expectation checker and the report. */
export interface ScenarioRun {
  scenario: Scenario;
  start_ms: number;
  end_ms: number;
  devices: SimDevice[];
  rooms: Map<string, SimRoom>;
  events: EventRecord[];
  /** Defrost and drip windows of each room, simulated time. */
  defrosts: Map<string, TimeWindow[]>;
  readings: ObservedReading[];
  alarms: Arrival<ObservedAlarm>[];
  orders: Arrival<string>[];
  rooms_report: RoomReport[];
  /** Converts a wall-clock arrival time into simulated time. */
  simTimeOf: (real_ms: number) => number;
}

/** Returns the real time to wait for messages in flight: 3 s, plus the longest late hold-back of any device. */
/** Real time waited after the scenario's end before the scheduler stops, in milliseconds. */
const END_MARGIN_MS = 250;

function defaultDrainMs(scenario: Scenario): number {
  const late_s = scenario.devices.map((device) =>
    device.protocol === 'mqtt' && device.wire_faults.late_share > 0 ? device.wire_faults.late_s : 0,
  );
  return 3000 + (Math.max(0, ...late_s) * 1000) / scenario.run.time_scale;
}

/** Samples every room each interval: meters, and defrost windows from phase changes. */
function scheduleSampler(scheduler: SimScheduler, rooms: Map<string, SimRoom>, end_ms: number, interval_ms: number) {
  const defrosts = new Map<string, TimeWindow[]>([...rooms.keys()].map((id) => [id, []]));
  scheduler.every(scheduler.start_ms, interval_ms, end_ms, (time_ms) => {
    for (const [id, room] of rooms) {
      room.model.advanceTo(time_ms);
      const state = room.model.state;
      room.meter.sample(state);
      const windows = defrosts.get(id)!;
      const open = windows.at(-1);
      const in_defrost = state.phase !== 'cooling';
      if (in_defrost && (open === undefined || open.to_ms < time_ms - interval_ms))
        windows.push({ from_ms: time_ms, to_ms: time_ms });
      else if (in_defrost && open) open.to_ms = time_ms;
    }
  });
  return defrosts;
}

/**
 * Runs a scenario: starts (or joins) the broker, starts the devices, lets `beforeStart` start the gateway,
 * then plays the timeline in simulated time and watches what the gateway publishes.
 */
export async function runScenario(scenario: Scenario, options: ScenarioRunOptions = {}): Promise<ScenarioRun> {
  const report = options.onError ?? (() => {});
  const start_ms = Date.parse(scenario.run.start);
  const end_ms = start_ms + Math.round(scenario.run.duration_min * 60) * 1000;
  const interval_ms = scenario.run.publish_interval_s * 1000;
  const scheduler = new SimScheduler(start_ms, scenario.run.time_scale);
  // Checked before the kit broker starts, so that a port clash leaves nothing running.
  const modbus_ports = modbusTcpPorts(scenario, options.modbus_port);

  const kit_broker = options.broker_url === undefined ? new KitBroker() : undefined;
  await kit_broker?.start();
  const broker_url = options.broker_url ?? kit_broker!.url;
  const credentials = { username: options.mqtt_username, password: options.mqtt_password };
  const rooms = buildRooms(scenario, start_ms);
  const devices = buildDevices(scenario, rooms, {
    broker_url,
    scheduler,
    mqtt_username: credentials.username,
    mqtt_password: credentials.password,
    modbus_ports,
  });
  const started: SimDevice[] = [];
  let observer: Observer | undefined;
  let rtu_line: RtuLine | undefined;
  try {
    const rtu_units = devices.map((device) => device.simulator).filter((sim) => sim instanceof RtuUnit);
    if (rtu_units.length > 0) rtu_line = await startRtuLine(rtu_units, scenario.seed);
    for (const device of devices) {
      device.simulator.on('device_error', (error: unknown) => report(device.spec.id, error));
      device.simulator.on('published', (message) => device.published.push(message));
      await device.simulator.start();
      started.push(device);
    }
    const ahead_s = Math.max(0, (end_ms - Date.now()) / 1000);
    await options.beforeStart?.({
      scenario,
      broker_url,
      devices,
      max_clock_skew_s: Math.ceil(ahead_s + 86_400),
      sim_now: () => scheduler.simNowMs(),
      ...(rtu_line ? { serial_path: rtu_line.gateway_path } : {}),
    });
    observer = await Observer.connect(broker_url, credentials);

    const defrosts = scheduleSampler(scheduler, rooms, end_ms, interval_ms);
    for (const device of devices) {
      const simulator = device.simulator;
      if (!('tick' in simulator)) continue;
      scheduler.every(start_ms, interval_ms, end_ms, () => {
        simulator.tick().catch((error: unknown) => report(device.spec.id, error));
      });
    }
    const connected = observer;
    const events = scheduleTimeline({
      scenario,
      scheduler,
      rooms,
      devices,
      ...(kit_broker ? { restartBroker: (down_ms: number) => kit_broker.restart(down_ms) } : {}),
      publishOrder: (payload) => connected.publishOrder(payload),
      onError: (error) => report('timeline', error),
    });

    scheduler.start();
    // Ticks include end_ms, and their timers fire at the same real time as this wait. The margin lets
    // the last tick run before the scheduler stops, so a run does not lose it by the order of two timers.
    const untilEndMs = Math.max(0, scheduler.realTimeOf(end_ms) - Date.now());
    await new Promise((resolve) => setTimeout(resolve, untilEndMs + END_MARGIN_MS));
    scheduler.stop();
    await new Promise((resolve) => setTimeout(resolve, options.drain_ms ?? defaultDrainMs(scenario)));
    for (const windows of defrosts.values()) for (const window of windows) window.to_ms += interval_ms;
    await options.beforeStop?.();

    const real_start_ms = scheduler.realTimeOf(start_ms);
    return {
      scenario,
      start_ms,
      end_ms,
      devices,
      rooms,
      events,
      defrosts,
      readings: observer.readings,
      alarms: observer.alarms,
      orders: observer.orders,
      rooms_report: [...rooms].map(([id, room]) => roomReport(id, room, start_ms)),
      simTimeOf: (real_ms) => start_ms + Math.round((real_ms - real_start_ms) * scenario.run.time_scale),
    };
  } finally {
    scheduler.stop();
    await observer?.close();
    await Promise.allSettled(started.map((device) => device.simulator.stop()));
    await rtu_line?.stop();
    await kit_broker?.stop();
  }
}
