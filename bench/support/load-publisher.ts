/**
 * Lean MQTT load generator, run as a child process (`fork` with IPC) so its CPU time is its own. It sends
 * cold-room readings in the firmware-sim "celsius" JSON dialect for many device ids over a few
 * connections, at a fixed rate or as fast as the broker takes them, plus latency probes: readings of
 * one extra device stamped with the wall-clock time they were sent.
 */
import { encodePublish, RawMqttClient } from './raw-mqtt.js';

/** Load settings, sent by the parent as the first IPC message. */
export interface LoadSettings {
  host: string;
  port: number;
  /** MQTT connections the devices are spread over. */
  connections: number;
  /** Distinct device ids (`room-00001`...), published round robin. */
  devices: number;
  qos: 0 | 1;
  /** Target messages per second over all connections; 0 sends as fast as the broker takes them. */
  rate_per_s: number;
  duration_s: number;
  /** Topics are `<topic_prefix>/<device id>/state`. */
  topic_prefix: string;
  /** Device id of the latency probes; none are sent when empty. */
  probe_device: string;
  /** Interval between two probes, milliseconds. */
  probe_every_ms: number;
  /** Unacknowledged QoS 1 messages allowed per connection. */
  max_inflight: number;
}

/** Result sent back to the parent when the run ends. */
export interface LoadResult {
  sent: number;
  acked: number;
  probes: number;
  elapsed_ms: number;
  /** CPU time of this process during the run, milliseconds. */
  cpu_ms: number;
}

/** Milliseconds between two send rounds. */
const TICK_MS = 5;

/**
 * Packets are gathered per connection and written in chunks of about this many bytes. One socket write
 * per packet cost a system call per reading, and the gateway and influxd on the same machine then lacked
 * that CPU.
 */
const WRITE_CHUNK_BYTES = 65_536;

interface Connection {
  client: RawMqttClient;
  inflight: number;
  nextId: number;
  blocked: boolean;
  /** Packets encoded and not yet written. */
  pending: Buffer[];
  pending_bytes: number;
}

function deviceId(index: number): string {
  return `room-${String(index + 1).padStart(5, '0')}`;
}

function payload(seq: number, ts: number): string {
  const temp = 2 + (seq % 40) / 10;
  return `{"seq":${seq},"ts":${ts},"temp_c":${temp},"rh_pct":85.1,"door_open":false,"battery_pct":92}`;
}

async function openConnections(settings: LoadSettings, onAck: (index: number) => void): Promise<Connection[]> {
  const connections: Connection[] = [];
  for (let index = 0; index < settings.connections; index++) {
    const client = await RawMqttClient.connect(settings.host, settings.port, `bench-load-${process.pid}-${index}`, {
      onPuback: () => onAck(index),
    });
    const connection: Connection = { client, inflight: 0, nextId: 1, blocked: false, pending: [], pending_bytes: 0 };
    client.socket.on('drain', () => {
      connection.blocked = false;
    });
    connections.push(connection);
  }
  return connections;
}

async function run(settings: LoadSettings): Promise<LoadResult> {
  let acked = 0;
  const connections = await openConnections(settings, (index) => {
    acked++;
    (connections[index] as Connection).inflight--;
  });
  const topics = Array.from(
    { length: settings.devices },
    (_, index) => `${settings.topic_prefix}/${deviceId(index)}/state`,
  );
  const probeTopic = `${settings.topic_prefix}/${settings.probe_device}/state`;
  const cpuStart = process.cpuUsage();
  const started = Date.now();
  const end = started + settings.duration_s * 1000;
  let sent = 0;
  let probes = 0;
  let nextProbe = started;
  let lastTs = 0;
  let cursor = 0;

  const sendOne = (connection: Connection, topic: string, body: string): void => {
    const id = connection.nextId;
    connection.nextId = id === 65_535 ? 1 : id + 1;
    if (settings.qos === 1) connection.inflight++;
    const packet = encodePublish(topic, body, settings.qos, id);
    connection.pending.push(packet);
    connection.pending_bytes += packet.length;
    if (connection.pending_bytes >= WRITE_CHUNK_BYTES) flush(connection);
  };
  const flush = (connection: Connection): void => {
    if (connection.pending.length === 0) return;
    const chunk = Buffer.concat(connection.pending, connection.pending_bytes);
    connection.pending = [];
    connection.pending_bytes = 0;
    if (!connection.client.write(chunk)) connection.blocked = true;
  };

  while (Date.now() < end) {
    const now = Date.now();
    // Strictly rising stamps keep every point distinct in InfluxDB (series plus time is its key).
    const ts = Math.max(now, lastTs + 1);
    lastTs = ts;
    if (settings.probe_device !== '' && now >= nextProbe) {
      sendOne(connections[0] as Connection, probeTopic, payload(probes, now));
      probes++;
      nextProbe += settings.probe_every_ms;
    }
    const target =
      settings.rate_per_s > 0 ? Math.floor((settings.rate_per_s * (now - started)) / 1000) : sent + settings.devices;
    let due = Math.min(target - sent, settings.devices);
    let stalled = 0;
    while (due > 0 && stalled < connections.length) {
      const connection = connections[cursor % connections.length] as Connection;
      if (connection.blocked || (settings.qos === 1 && connection.inflight >= settings.max_inflight)) {
        stalled++;
        cursor++;
        continue;
      }
      stalled = 0;
      const device = sent % settings.devices;
      sendOne(connection, topics[device] as string, payload(sent, ts));
      sent++;
      due--;
      cursor++;
    }
    for (const connection of connections) flush(connection);
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  const elapsed_ms = Date.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  const drainDeadline = Date.now() + 10_000;
  while (settings.qos === 1 && acked < sent + probes && Date.now() < drainDeadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await Promise.all(connections.map((connection) => connection.client.close()));
  return { sent, acked, probes, elapsed_ms, cpu_ms: (cpu.user + cpu.system) / 1000 };
}

// A parent that dies without stopping this process closes the IPC channel.
process.once('disconnect', () => process.exit(1));

process.once('message', (settings: LoadSettings) => {
  run(settings).then(
    (result) => process.send?.({ type: 'done', result }, () => process.exit(0)),
    (error: Error) => {
      process.stderr.write(`load publisher failed: ${error.message}\n`);
      process.exit(1);
    },
  );
});
