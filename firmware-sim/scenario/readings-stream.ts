import type { ScenarioRun } from './run-scenario.js';

/** One reading of the canonical stream: device, time and values, with field keys sorted. */
export interface StreamReading {
  device: string;
  compartment?: string;
  time_ms: number;
  fields: Record<string, number | boolean | string>;
}

/**
 * Returns the readings of the run's MQTT devices sorted by device, compartment and time, with field keys
 * sorted, so two runs can be compared line by line. Only readings that carry the payload's `seq` count.
 * Modbus readings and the gateway's own device-health readings are left out, because the gateway stamps
 * them with its wall clock, which differs from run to run.
 */
export function readingsStream(run: ScenarioRun): StreamReading[] {
  const mqtt = new Set(run.devices.filter((d) => d.spec.protocol === 'mqtt').map((d) => d.spec.id));
  const stream = run.readings
    .filter((reading) => mqtt.has(reading.tags.device ?? '') && typeof reading.fields.seq === 'number')
    .map((reading) => {
      const fields = Object.fromEntries(Object.entries(reading.fields).sort(([a], [b]) => a.localeCompare(b)));
      const compartment = reading.tags.compartment;
      return {
        device: reading.tags.device!,
        ...(compartment ? { compartment } : {}),
        time_ms: reading.time_ms,
        fields,
      };
    });
  const key = (r: StreamReading) => `${r.device}\u0000${r.compartment ?? ''}`;
  return stream.sort((a, b) => key(a).localeCompare(key(b)) || a.time_ms - b.time_ms);
}
