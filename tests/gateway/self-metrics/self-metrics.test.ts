import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../gateway/events.js';
import type { QueueStats } from '../../../gateway/queue/durable-queue.js';
import { DevicePollCounter } from '../../../gateway/self-metrics/device-poll-counts.js';
import { collectSelfMetrics, selfMetricsReadings } from '../../../gateway/self-metrics/self-metrics.js';
import { createStats } from '../../../gateway/stats.js';

const queueStats: QueueStats = {
  accepted: 10,
  dropped_oldest: 2,
  dropped_newest: 0,
  dropped_full: 1,
  commit_failed: 0,
  depth_points: 4,
  depth_bytes: 400,
  oldest_age_ms: 1500,
  full: false,
};

function sources(bus = new EventBus()) {
  const stats = createStats();
  stats.readings = 12;
  stats.readings_by_device.set('room-1', 12);
  stats.readings_by_device.set('wild-7', 3);
  const counter = new DevicePollCounter(bus);
  return {
    counter,
    sources: {
      gateway: () => stats,
      queue: () => queueStats,
      outputs: () => [
        {
          name: 'influx',
          stats: { written: 6, rejected: 1, dropped: 1, dead_lettered: 1, write_errors: 3, pending: 4 },
        },
      ],
      devices: () => counter.counts(),
      configured_devices: () => ['room-1'],
    },
  };
}

describe('self-metrics', () => {
  it('sums drops of queue and outputs', () => {
    const snapshot = collectSelfMetrics(sources().sources, 1000);
    expect(snapshot.dropped).toBe(4);
    expect(snapshot.received).toBe(12);
    expect(snapshot.written).toBe(6);
    expect(snapshot.write_errors).toBe(3);
  });

  it('counts poll errors per device', () => {
    const bus = new EventBus();
    const { sources: withBus } = sources(bus);
    bus.emit('input_problem', { source: 'modbus', code: 'MODBUS_TIMEOUT', message: 'timed out', device_id: 'ctrl-1' });
    bus.emit('device_state', { device_id: 'ctrl-1', up: false, consecutive_failures: 3 });
    const ctrl = collectSelfMetrics(withBus, 1000).devices.find((device) => device.device_id === 'ctrl-1');
    expect(ctrl?.poll_errors).toBe(1);
    expect(ctrl?.up).toBe(false);
    expect(ctrl?.readings).toBe(0);
  });

  it('leaves out wildcard-only devices', () => {
    const ids = collectSelfMetrics(sources().sources, 1000).devices.map((device) => device.device_id);
    expect(ids).toEqual(['room-1']);
    const room = collectSelfMetrics(sources().sources, 1000).devices[0];
    expect(room?.readings).toBe(12);
  });

  it('writes gateway_ measurements', () => {
    const readings = selfMetricsReadings(collectSelfMetrics(sources().sources, 1000), { site: 's', gateway: 'gw-1' });
    expect(readings.map((reading) => reading.measurement)).toEqual([
      'gateway_pipeline',
      'gateway_queue',
      'gateway_output',
      'gateway_device',
    ]);
    const queue = readings[1];
    expect(queue?.fields.oldest_age_ms).toBe(1500);
    expect(queue?.integer_fields.has('depth_points')).toBe(true);
    expect(queue?.integer_fields.has('full')).toBe(false);
    expect(readings[2]?.tags.output).toBe('influx');
    expect(readings[0]?.time_ms).toBe(1000);
  });
});
