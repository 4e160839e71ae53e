/**
 * The processes of a fault test: influxd, mosquitto with persistence, a simulated fleet, an observer
 * of what the fleet sent, and the gateway as a child process configured for all of them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Fleet, type FleetOptions, startFleet } from '../../../firmware-sim/fleet.js';
import { demoConfig } from '../../../gateway/demo/demo-config.js';
import { type Influxd, type InfluxdOptions, startInfluxd } from '../../harness/influxd.js';
import { type Mosquitto, startMosquitto } from '../../harness/mosquitto.js';
import { type GatewayProcess, gatewayProcess } from './gateway-process.js';
import { storedSequences, type Tally, tally } from './influx-tally.js';
import { SeqObserver } from './seq-observer.js';

export const DATABASE = 'coldpool';

/** Options of `startRig`. */
export interface RigOptions {
  influxd?: InfluxdOptions;
  fleet?: Omit<FleetOptions, 'broker_url'>;
  /** Modbus poll interval, in seconds. Default 0.5. */
  poll_interval_s?: number;
  /** More topics for the observer, mapped to their device id (devices that `adjust` adds). */
  extra_topics?: ReadonlyMap<string, string>;
  /** Changes to the generated gateway config. */
  adjust?: (config: Record<string, unknown>) => void;
}

/** Running processes of one fault test. */
export interface Rig {
  dir: string;
  influxd: Influxd;
  broker: Mosquitto;
  fleet: Fleet;
  observer: SeqObserver;
  gateway: GatewayProcess;
  /** Stops the fleet, waits until InfluxDB contains every observed seq (or `timeout_ms`, default 45 s), and tallies. */
  settle(timeout_ms?: number): Promise<Tally>;
  /** Stops every process and removes nothing (the temp dir helps when a test fails). */
  stop(): Promise<void>;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'coldpool-fault-'));
  const influxd = await startInfluxd(options.influxd);
  const broker = await startMosquitto({ persistence: true });
  const fleet = await startFleet({ broker_url: broker.url, interval_ms: 250, ...options.fleet });
  const topics = new Map<string, string>();
  for (const device of fleet.devices) if (device.topic !== undefined) topics.set(device.topic, device.id);
  for (const [topic, device] of options.extra_topics ?? []) topics.set(topic, device);
  const observer = new SeqObserver();
  await observer.start(broker.url, topics);
  const config = demoConfig(fleet.devices, {
    broker_url: broker.url,
    store_path: join(dir, 'store.db'),
    influx_url: `${influxd.url}/${DATABASE}`,
    poll_interval_s: options.poll_interval_s ?? 0.5,
  });
  config.log_level = 'info';
  options.adjust?.(config);
  const gateway = gatewayProcess(dir, config);
  await gateway.start();
  observer.reset();

  let fleetStopped = false;
  async function stopFleet(): Promise<void> {
    if (fleetStopped) return;
    fleetStopped = true;
    await fleet.stop();
  }

  // After an outage the InfluxDB output may wait up to 30 s (its retry cap) before its next attempt, so
  // the default wait covers one such delay and the write after it.
  async function settle(timeout_ms = 45_000): Promise<Tally> {
    await stopFleet();
    await sleep(500);
    const deadline = Date.now() + timeout_ms;
    let result = tally(observer.sent, await storedSequences(influxd, DATABASE));
    while (result.missing.length > 0 && Date.now() < deadline) {
      await sleep(250);
      result = tally(observer.sent, await storedSequences(influxd, DATABASE));
    }
    return result;
  }

  async function stop(): Promise<void> {
    await stopFleet();
    await gateway.stop();
    await observer.stop();
    await broker.stop();
    await influxd.stop();
  }

  return { dir, influxd, broker, fleet, observer, gateway, settle, stop };
}

/** Prints a tally line to stdout, so a test run shows the counts. */
export function printTally(name: string, result: Tally, dropped = 0): void {
  const line = `${name}: sent ${result.sent}, stored ${result.stored}, duplicates ${result.duplicates}, dropped ${dropped}, missing ${result.missing.length}`;
  process.stdout.write(`${line}${result.missing.length > 0 ? ` (${result.missing.slice(0, 10).join(' ')})` : ''}\n`);
}
