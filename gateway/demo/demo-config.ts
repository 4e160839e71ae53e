import { dirname, join } from 'node:path';

/** Simulated device as the demo needs it to configure the gateway. */
export interface DemoDevice {
  id: string;
  kind: 'room_node' | 'controller' | 'truck';
  protocol: 'mqtt' | 'modbus_tcp';
  dialect?: 'celsius' | 'fahrenheit';
  topic?: string;
  host?: string;
  port?: number;
  unit_id?: number;
  /** Setpoint of each simulated space, °C, by device id (rooms) or compartment id (trucks). */
  setpoints_c: Record<string, number>;
}

export interface DemoConfigOptions {
  broker_url: string;
  store_path: string;
  /** Alarm and audit store. Default: `records.db` beside the local store. */
  records_path?: string;
  influx_url?: string;
  poll_interval_s: number;
  /** Serve the HTTP API and dashboard here. */
  http?: { host: string; port: number };
}

function deviceEntry(device: DemoDevice, pollIntervalS: number): Record<string, unknown> {
  if (device.protocol === 'modbus_tcp') {
    return {
      id: device.id,
      protocol: 'modbus_tcp',
      host: device.host,
      port: device.port,
      unit_id: device.unit_id ?? 1,
      poll_interval_s: pollIntervalS,
      timeout_ms: 1000,
      backoff_max_s: 10,
      profile: 'generic-tenths-c',
    };
  }
  const profile =
    device.kind === 'truck'
      ? 'coldpool-reefer'
      : device.dialect === 'fahrenheit'
        ? 'coldpool-room-fahrenheit'
        : 'coldpool-room-celsius';
  return { id: device.id, protocol: 'mqtt', topic: device.topic, profile };
}

function temperatureClass(setpointC: number): 'frozen' | 'chilled' {
  return setpointC <= -10 ? 'frozen' : 'chilled';
}

/** Builds one monitored asset per room and per truck compartment, classed by the simulator's setpoint. */
function alarmAssets(devices: readonly DemoDevice[]): Array<Record<string, unknown>> {
  return devices.flatMap((device) => {
    if (device.kind !== 'truck') {
      const setpoint = device.setpoints_c[device.id] ?? 2;
      return [{ id: device.id, kind: 'cold_room', class: temperatureClass(setpoint) }];
    }
    return Object.entries(device.setpoints_c).map(([compartment, setpoint]) => ({
      id: `${device.id}/${compartment}`,
      kind: 'truck_compartment',
      class: temperatureClass(setpoint),
      match: { asset: device.id, compartment },
    }));
  });
}

/**
 * Builds the demo's configuration as plain data, so it goes through the same validation as a file.
 * The demo owns its broker, so the gateway connects to it as an external one.
 */
export function demoConfig(devices: readonly DemoDevice[], options: DemoConfigOptions): Record<string, unknown> {
  return {
    version: 1,
    site: 'demo-county',
    mqtt: {
      url: options.broker_url,
      broker: { enabled: false },
      client_id: 'coldpool-demo',
      republish: { enabled: true },
    },
    devices: devices.map((device) => deviceEntry(device, options.poll_interval_s)),
    alarms: {
      store_path: options.records_path ?? join(dirname(options.store_path), 'records.db'),
      assets: alarmAssets(devices),
    },
    ...(options.http ? { http: { enabled: true, host: options.http.host, port: options.http.port } } : {}),
    outputs: {
      local_store: { enabled: true, path: options.store_path },
      ...(options.influx_url ? { influx: { url: options.influx_url, flush_interval_ms: 1000 } } : {}),
    },
  };
}
