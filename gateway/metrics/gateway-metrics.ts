/**
 * Prometheus metrics (prom-client 15) of the gateway's own health. Values are read from the gateway's
 * counters when Prometheus scrapes, so nothing is counted twice; counters are reset and set on every
 * scrape, which keeps them monotonic because the gateway's own counters only grow.
 */
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { RtuLineStats } from '../../devices/modbus/rtu-transport.js';
import type { OutputStats } from '../outputs/output.js';
import type { PlanningCounters } from '../planning/planner.js';
import type { GatewayStats } from '../stats.js';

/** What the metrics read at scrape time. */
export interface MetricsSource {
  stats: GatewayStats;
  outputStats(): Array<{ name: string; stats: OutputStats }>;
  /** Device ids with whether each is up. */
  deviceHealth(): Array<{ device: string; up: boolean }>;
  /** Clients connected to the live feed. */
  liveClients(): number;
  /** Line counters of each Modbus RTU bus, by bus id. */
  rtuLines(): Array<{ bus: string; stats: RtuLineStats }>;
  /**
   * Counters of the planner that runs on this node, or undefined while none runs, such as on a cluster
   * follower. Without this function the planning metrics are not registered.
   */
  planning?: () => PlanningCounters | undefined;
}

type CounterKey =
  | 'alarm_readings'
  | 'sensor_faults'
  | 'payload_errors'
  | 'poll_errors'
  | 'unknown_topics'
  | 'retained_skipped'
  | 'untrusted_times';

const GATEWAY_COUNTERS: Array<[CounterKey, string]> = [
  ['alarm_readings', 'Alarm readings of alarm transitions queued for the outputs, not counted as readings'],
  ['sensor_faults', 'Field values rejected as sensor faults (sentinel, out of range, wrong type)'],
  ['payload_errors', 'MQTT payloads that could not be decoded'],
  ['poll_errors', 'Failed Modbus polls, and Modbus read requests that got an exception reply'],
  ['unknown_topics', 'MQTT messages on topics that map to no device'],
  ['retained_skipped', 'Retained MQTT messages skipped because they carried no timestamp'],
  ['untrusted_times', 'Readings stored at the receive time because the device time was implausible'],
];

const RTU_LINE_COUNTERS: Array<[keyof RtuLineStats, string]> = [
  ['requests', 'Requests written to a Modbus RTU line'],
  ['replies', 'Valid replies received on a Modbus RTU line'],
  ['timeouts', 'Requests on a Modbus RTU line that got no valid reply within their timeout'],
  ['crc_errors', 'Reply candidates on a Modbus RTU line whose CRC did not match: wiring, termination or baud rate'],
  ['bytes_discarded', 'Bytes dropped on a Modbus RTU line as noise, late replies or leftovers'],
  ['echoes_ignored', 'Copies of a request that an adapter without echo suppression sent back'],
];

const OUTPUT_COUNTERS: Array<[keyof OutputStats, string]> = [
  ['written', 'Points the output destination accepted'],
  ['rejected', 'Points the destination or the serialiser rejected as invalid'],
  ['dropped', 'Points dropped before reaching the destination'],
  ['write_errors', 'Failed write attempts, retried'],
];

const PLANNING_COUNTERS: Array<[keyof PlanningCounters, string]> = [
  ['orders_received', 'Orders received over MQTT or the API and added to the next planning round'],
  ['orders_dropped', 'Open orders deleted unplanned because planning.max_pending_orders was reached'],
  ['orders_invalid', 'Order messages rejected because they could not be read or failed validation'],
  ['rounds', 'Planning rounds whose plan was stored'],
  ['rounds_skipped', 'Scheduled planning rounds skipped because the previous round was still running'],
];

function setCounter(counter: Counter<string>, value: number, labels: Record<string, string> = {}): void {
  counter.remove(labels);
  counter.inc(labels, value);
}

/** Creates a registry with the gateway metrics and Node's default process metrics. */
export function createGatewayMetrics(source: MetricsSource): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Counter({
    name: 'coldpool_readings_total',
    help: 'Readings of the inputs (MQTT, Modbus) accepted by the pipeline, per device',
    labelNames: ['device'],
    registers: [registry],
    collect() {
      for (const [device, count] of source.stats.readings_by_device) setCounter(this, count, { device });
    },
  });
  new Counter({
    name: 'coldpool_field_errors_total',
    help: 'Fields a device sent that could not be read (wrong type, missing path), per device',
    labelNames: ['device'],
    registers: [registry],
    collect() {
      for (const [device, count] of source.stats.field_errors_by_device) setCounter(this, count, { device });
    },
  });
  new Counter({
    name: 'coldpool_timestamp_collisions_total',
    help: 'Readings that overwrote the previous reading of their series (same timestamp, other values), per device',
    labelNames: ['device'],
    registers: [registry],
    collect() {
      for (const [device, count] of source.stats.timestamp_collisions_by_device) setCounter(this, count, { device });
    },
  });
  for (const [key, help] of GATEWAY_COUNTERS) {
    new Counter({
      name: `coldpool_${key}_total`,
      help,
      registers: [registry],
      collect() {
        setCounter(this, source.stats[key]);
      },
    });
  }
  for (const [key, help] of OUTPUT_COUNTERS) {
    new Counter({
      name: `coldpool_output_${key === 'write_errors' ? 'write_errors' : `points_${key}`}_total`,
      help,
      labelNames: ['output'],
      registers: [registry],
      collect() {
        for (const { name, stats } of source.outputStats()) setCounter(this, stats[key], { output: name });
      },
    });
  }
  new Gauge({
    name: 'coldpool_output_points_pending',
    help: 'Points buffered or in flight in an output',
    labelNames: ['output'],
    registers: [registry],
    collect() {
      for (const { name, stats } of source.outputStats()) this.set({ output: name }, stats.pending);
    },
  });
  new Gauge({
    name: 'coldpool_device_up',
    help: '1 when the device reported within its stale time and its input does not mark it down, else 0',
    labelNames: ['device'],
    registers: [registry],
    collect() {
      for (const { device, up } of source.deviceHealth()) this.set({ device }, up ? 1 : 0);
    },
  });
  for (const [key, help] of RTU_LINE_COUNTERS) {
    new Counter({
      name: `coldpool_modbus_rtu_${key}_total`,
      help,
      labelNames: ['bus'],
      registers: [registry],
      collect() {
        for (const { bus, stats } of source.rtuLines()) setCounter(this, stats[key], { bus });
      },
    });
  }
  const planning = source.planning;
  if (planning !== undefined) {
    for (const [key, help] of PLANNING_COUNTERS) {
      new Counter({
        name: `coldpool_planning_${key}_total`,
        help,
        registers: [registry],
        collect() {
          // A node without a running planner reports 0. A new planner, such as after a leader election,
          // starts again from 0, which Prometheus reads as a counter reset.
          setCounter(this, planning()?.[key] ?? 0);
        },
      });
    }
  }
  new Gauge({
    name: 'coldpool_live_clients',
    help: 'Clients connected to the live feed',
    registers: [registry],
    collect() {
      this.set(source.liveClients());
    },
  });
  return registry;
}
