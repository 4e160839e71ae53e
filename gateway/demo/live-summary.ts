import type { EventBus } from '../events.js';
import type { FieldValue, Reading } from '../reading.js';
import type { SelfMetricsSnapshot } from '../self-metrics/self-metrics.js';

/** Fields shown per device in the summary, first match wins. */
const headlineFields = [
  'air_temp_c',
  'box_temp_c',
  'evap_temp_c',
  'humidity_pct',
  'door_open',
  'compressor_on',
  'defrost_on',
];

interface DeviceLine {
  readings: number;
  last: Reading;
  faults: number;
}

/**
 * Formats a field value for the summary. A float field always shows one decimal (`2.0`, `3.5`), so a
 * whole-number reading looks like its neighbours, and an integer field shows none.
 */
function show(value: FieldValue, integer: boolean): string {
  if (typeof value === 'number') return integer ? String(value) : value.toFixed(1);
  return String(value);
}

/** Collects the latest reading of each device from the bus and renders a short table for the terminal. */
export class LiveSummary {
  private readonly devices = new Map<string, DeviceLine>();
  private readonly down = new Set<string>();

  constructor(bus: EventBus) {
    bus.on('reading', (reading) => {
      const key = reading.tags.compartment
        ? `${reading.tags.device}/${reading.tags.compartment}`
        : (reading.tags.device ?? '?');
      const line = this.devices.get(key);
      if (line) {
        line.readings++;
        line.last = reading;
      } else {
        this.devices.set(key, { readings: 1, last: reading, faults: 0 });
      }
    });
    bus.on('sensor_fault', (fault) => {
      const line = this.devices.get(fault.device_id);
      if (line) line.faults++;
    });
    bus.on('device_state', (state) => {
      if (state.up) this.down.delete(state.device_id);
      else this.down.add(state.device_id);
    });
  }

  /** Number of distinct devices that have delivered at least one reading. */
  deviceCount(): number {
    return new Set([...this.devices.values()].map((line) => line.last.tags.device)).size;
  }

  /** One line of the gateway's own counters: what came in, what was stored, what waits in the queue. */
  static metricsLine(metrics: SelfMetricsSnapshot): string {
    const oldest = metrics.queue.depth_points === 0 ? '-' : `${Math.round(metrics.queue.oldest_age_ms / 1000)}s`;
    const full = metrics.queue.full ? ' FULL' : '';
    return (
      `received ${metrics.received}  written (sum over outputs) ${metrics.written}  rejected ${metrics.rejected}  ` +
      `dead-lettered ${metrics.dead_lettered}  dropped ${metrics.dropped}  write errors ${metrics.write_errors}  ` +
      `queue ${metrics.queue.depth_points} points (oldest ${oldest})${full}`
    );
  }

  render(now: number, header: string): string {
    const rows = [...this.devices.entries()].sort(([a], [b]) => a.localeCompare(b));
    const lines = [header, `${'device'.padEnd(16)} ${'readings'.padStart(8)}  ${'age'.padStart(5)}  latest`];
    for (const [key, line] of rows) {
      const fields = headlineFields
        .filter((name) => line.last.fields[name] !== undefined)
        .map((name) => `${name}=${show(line.last.fields[name]!, line.last.integer_fields.has(name))}`)
        .join(' ');
      const age = `${Math.max(0, Math.round((now - line.last.time_ms) / 1000))}s`;
      const state = this.down.has(line.last.tags.device ?? '') ? ' DOWN' : '';
      const faults = line.faults > 0 ? ` faults=${line.faults}` : '';
      lines.push(
        `${key.padEnd(16)} ${String(line.readings).padStart(8)}  ${age.padStart(5)}  ${fields}${faults}${state}`,
      );
    }
    for (const id of this.down) {
      if (![...this.devices.values()].some((line) => line.last.tags.device === id)) lines.push(`${id.padEnd(16)} DOWN`);
    }
    return `${lines.join('\n')}\n`;
  }
}
