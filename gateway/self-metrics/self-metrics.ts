/**
 * The gateway's own counters in one snapshot, for the terminal summary, and as readings under
 * `gateway_`-prefixed measurements for InfluxDB.
 */
import type { QueueConsumerStatsEntry } from '../output-set.js';
import type { QueueStats } from '../queue/durable-queue.js';
import type { Reading } from '../reading.js';
import type { GatewayStats } from '../stats.js';
import type { DevicePollCounts } from './device-poll-counts.js';

/** Sources of the numbers in a snapshot. */
export interface SelfMetricsSources {
  gateway(): GatewayStats;
  queue(now_ms: number): QueueStats;
  outputs(): QueueConsumerStatsEntry[];
  devices(): DevicePollCounts[];
  /** Ids of the devices in the config's `devices` list. */
  configured_devices(): readonly string[];
}

/** Totals over the pipeline, the queue and every output, at one instant. */
export interface SelfMetricsSnapshot {
  time_ms: number;
  /** Readings the pipeline produced (before the queue's overflow policy). */
  received: number;
  /** Points committed to the durable queue. */
  queued: number;
  /** Points written, summed over outputs. */
  written: number;
  /** Points rejected by a destination, summed over outputs. */
  rejected: number;
  /** Points dropped by the queue's overflow policy, a failed commit, or an output. */
  dropped: number;
  /** Rejected points stored as dead letters, summed over outputs. */
  dead_lettered: number;
  /** Failed write attempts, summed over outputs; those points stay queued and are retried. */
  write_errors: number;
  queue: QueueStats;
  outputs: QueueConsumerStatsEntry[];
  devices: Array<DevicePollCounts & { readings: number; field_errors: number }>;
}

/** Collects a snapshot. */
export function collectSelfMetrics(sources: SelfMetricsSources, now_ms: number = Date.now()): SelfMetricsSnapshot {
  const gateway = sources.gateway();
  const queue = sources.queue(now_ms);
  const outputs = sources.outputs();
  const sum = (key: 'written' | 'rejected' | 'dropped' | 'dead_lettered' | 'write_errors'): number =>
    outputs.reduce((total, entry) => total + entry.stats[key], 0);
  const queueDropped = queue.dropped_oldest + queue.dropped_newest + queue.dropped_full + queue.commit_failed;
  const polled = new Map(sources.devices().map((entry) => [entry.device_id, entry]));
  // Devices that only a wildcard subscription names are left out: a fleet of thousands would add
  // thousands of points per interval. Their reading and field error counts stay in `GatewayStats`.
  const deviceIds = new Set([...sources.configured_devices(), ...polled.keys()]);
  const devices = [...deviceIds].sort().map((device_id) => ({
    ...(polled.get(device_id) ?? { device_id, poll_errors: 0, up: true }),
    readings: gateway.readings_by_device.get(device_id) ?? 0,
    field_errors: gateway.field_errors_by_device.get(device_id) ?? 0,
  }));
  return {
    time_ms: now_ms,
    received: gateway.readings,
    queued: queue.accepted,
    written: sum('written'),
    rejected: sum('rejected'),
    dropped: queueDropped + sum('dropped'),
    dead_lettered: sum('dead_lettered'),
    write_errors: sum('write_errors'),
    queue,
    outputs,
    devices,
  };
}

/** Tags every self-metrics reading carries. */
export interface SelfMetricsIdentity {
  site: string;
  /** Name of this gateway, stored as the `gateway` tag. */
  gateway: string;
}

function point(
  measurement: string,
  tags: Record<string, string>,
  fields: Record<string, number | boolean>,
  time_ms: number,
): Reading {
  const integer_fields = new Set(Object.keys(fields).filter((key) => typeof fields[key] === 'number'));
  return { measurement, tags, fields, integer_fields, time_ms, time_source: 'receive' };
}

/**
 * Turns a snapshot into readings: `gateway_pipeline`, `gateway_queue`, one `gateway_output` per output
 * and one `gateway_device` per device. Counters are integer fields; they restart at 0 with the gateway.
 */
export function selfMetricsReadings(snapshot: SelfMetricsSnapshot, identity: SelfMetricsIdentity): Reading[] {
  const base = { site: identity.site, asset: 'gateway', device: identity.gateway, gateway: identity.gateway };
  const { queue, time_ms } = snapshot;
  const readings = [
    point(
      'gateway_pipeline',
      base,
      {
        received: snapshot.received,
        queued: snapshot.queued,
        written: snapshot.written,
        rejected: snapshot.rejected,
        dropped: snapshot.dropped,
        dead_lettered: snapshot.dead_lettered,
        write_errors: snapshot.write_errors,
      },
      time_ms,
    ),
    point(
      'gateway_queue',
      base,
      {
        depth_points: queue.depth_points,
        depth_bytes: queue.depth_bytes,
        oldest_age_ms: queue.oldest_age_ms,
        dropped_oldest: queue.dropped_oldest,
        dropped_newest: queue.dropped_newest,
        dropped_full: queue.dropped_full,
        commit_failed: queue.commit_failed,
        full: queue.full,
      },
      time_ms,
    ),
  ];
  for (const { name, stats } of snapshot.outputs) {
    readings.push(point('gateway_output', { ...base, output: name }, { ...stats }, time_ms));
  }
  for (const device of snapshot.devices) {
    readings.push(
      point(
        'gateway_device',
        { ...base, device: device.device_id },
        {
          readings: device.readings,
          poll_errors: device.poll_errors,
          field_errors: device.field_errors,
          up: device.up,
        },
        time_ms,
      ),
    );
  }
  return readings;
}
