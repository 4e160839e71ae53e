/**
 * The ingest ceiling: writes cold-room points straight to InfluxDB 1.x as line protocol, in batches of
 * `batch_lines` over `connections` keep-alive HTTP connections, as fast as InfluxDB accepts them. The
 * lines are those the gateway writes for the load publisher's readings: the same series key, the same five
 * fields (`seq` included) and millisecond precision.
 */
import { Agent, request } from 'node:http';
import { type CpuShares, cpuShares, readCpuTimes } from './machine-cpu.js';

/** Result of one ceiling run. */
export interface DirectWriteResult {
  points: number;
  elapsed_ms: number;
  /** CPU time of this process during the run, milliseconds (building and sending the batches). */
  cpu_ms: number;
  /** Idle and stolen shares of the machine's CPU during the run. */
  machine_cpu: CpuShares;
}

function buildBatch(first: number, lines: number, devices: number, base_ms: number): string {
  const parts: string[] = new Array(lines);
  for (let i = 0; i < lines; i++) {
    const n = first + i;
    const device = `room-${String((n % devices) + 1).padStart(5, '0')}`;
    const temp = 2 + (n % 40) / 10;
    parts[i] =
      `cold_room,asset=${device},device=${device},site=bench ` +
      `air_temp_c=${temp},humidity_pct=85.1,door_open=false,battery_pct=92,seq=${n}i ${base_ms + Math.floor(n / devices)}`;
  }
  return parts.join('\n');
}

function post(agent: Agent, url: URL, database: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: `/write?db=${encodeURIComponent(database)}&precision=ms`,
        headers: { 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () =>
          response.statusCode === 204 ? resolve() : reject(new Error(`write HTTP ${response.statusCode}: ${text}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Writes for `duration_s` seconds into `database` (created first) and returns the points written. */
export async function writeDirect(
  influx_url: string,
  database: string,
  options: { duration_s: number; batch_lines: number; connections: number; devices: number },
): Promise<DirectWriteResult> {
  const url = new URL(influx_url);
  await fetch(`${influx_url}/query?q=${encodeURIComponent(`CREATE DATABASE "${database}"`)}`, { method: 'POST' });
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const cpuStart = process.cpuUsage();
  const machineStart = readCpuTimes();
  const started = Date.now();
  const end = started + options.duration_s * 1000;
  // Timestamps start a day back so these points never mix with the gateway's in time.
  const base_ms = started - 86_400_000;
  let next = 0;
  let points = 0;
  const worker = async (): Promise<void> => {
    while (Date.now() < end) {
      const first = next;
      next += options.batch_lines;
      await post(agent, url, database, buildBatch(first, options.batch_lines, options.devices, base_ms));
      points += options.batch_lines;
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  const elapsed_ms = Date.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  const machine_cpu = cpuShares(machineStart, readCpuTimes());
  agent.destroy();
  return { points, elapsed_ms, cpu_ms: (cpu.user + cpu.system) / 1000, machine_cpu };
}
