/** What the demo needs to know of each simulated device to configure the gateway for it. */
export interface DemoDevice {
  id: string;
  kind: 'room_node' | 'controller' | 'truck';
  protocol: 'mqtt' | 'modbus_tcp';
  dialect?: 'celsius' | 'fahrenheit';
  topic?: string;
  host?: string;
  port?: number;
  unit_id?: number;
}

export interface DemoConfigOptions {
  broker_url: string;
  store_path: string;
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
    ...(options.http ? { http: { enabled: true, host: options.http.host, port: options.http.port } } : {}),
    outputs: {
      local_store: { enabled: true, path: options.store_path },
      ...(options.influx_url ? { influx: { url: options.influx_url, flush_interval_ms: 1000 } } : {}),
    },
  };
}
