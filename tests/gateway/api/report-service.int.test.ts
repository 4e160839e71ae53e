import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../gateway/config/load.js';
import { Gateway } from '../../../gateway/gateway.js';
import { freePort } from '../../harness/free-port.js';

const TOPIC = 'test/room-a/state';
const STEP_MS = 60_000;
/** Temperatures fed in, one a minute, ending two minutes before the test starts. */
const TEMPERATURES = [3.5, 4, 4.25, 5, 4.5];

async function until<T>(read: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for the report API`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function roomPayload(seq: number, ts: number, temp_c: number): string {
  return JSON.stringify({ seq, ts, temp_c, rh_pct: 80, door_open: false, battery_pct: 90 });
}

function dataRows(csv: string): string[] {
  return csv.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

describe('report API of a running gateway', () => {
  let gateway: Gateway;
  let client: MqttClient;
  let api: string;
  const times: number[] = [];

  beforeAll(async () => {
    const port = await freePort();
    const directory = mkdtempSync(join(tmpdir(), 'coldpool-reports-'));
    const config = validateConfig({
      site: 'test-site',
      mqtt: { broker: { port }, republish: { enabled: false } },
      http: { enabled: true, port: await freePort() },
      devices: [{ id: 'room-a', protocol: 'mqtt', topic: TOPIC, profile: 'coldpool-room-celsius' }],
      alarms: {
        store_path: join(directory, 'records.db'),
        assets: [
          { id: 'room-a', class: 'chilled' },
          { id: 'room-b', class: 'frozen' },
          { id: 'room-a/probe', kind: 'room_zone', class: 'chilled', match: { asset: 'room-a', device: 'room-a' } },
        ],
      },
      outputs: { local_store: { path: join(directory, 'store.db') } },
    });
    gateway = new Gateway(config, pino({ level: 'silent' }));
    await gateway.start();
    api = gateway.apiUrl() ?? '';
    client = await connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'test-publisher' });
    const first_ms = Math.floor(Date.now() / 1000) * 1000 - (TEMPERATURES.length + 1) * STEP_MS;
    for (const [index, temp_c] of TEMPERATURES.entries()) {
      times.push(first_ms + index * STEP_MS);
      await client.publishAsync(TOPIC, roomPayload(index + 1, first_ms + index * STEP_MS, temp_c), { qos: 1 });
    }
  });

  afterAll(async () => {
    await client?.endAsync();
    await gateway?.stop();
  });

  /** Downloads the CSV once the local store contains every reading fed in. */
  async function completeCsv(): Promise<Response> {
    return until(async () => {
      const response = await fetch(`${api}/api/v1/reports/room-a/csv`);
      if (response.status !== 200) return undefined;
      const rows = dataRows(await response.clone().text());
      return rows.length === TEMPERATURES.length + 1 ? response : undefined;
    });
  }

  it('lists the configured asset', async () => {
    const list = await until(async () => {
      const body = (await (await fetch(`${api}/api/v1/reports`)).json()) as Array<Record<string, unknown>>;
      return body.length > 1 ? body : undefined;
    });
    expect(list.map((report) => report.id)).toEqual(['room-a', 'room-a/probe']);
    expect(list[0]?.title).toBe('Temperature report room-a');
    expect(list[0]?.formats).toEqual(['pdf', 'csv']);
  });

  it('downloads an id with a slash', async () => {
    await completeCsv();
    const response = await fetch(`${api}/api/v1/reports/room-a%2Fprobe/csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="room-a_probe_\d{8}T/);
    const csv = await response.text();
    expect(csv).toContain('# asset: room-a/probe\n');
    expect(dataRows(csv)).toHaveLength(TEMPERATURES.length + 1);
  });

  it('downloads the CSV rows', async () => {
    const response = await completeCsv();
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="room-a_\d{8}T\d{6}Z_\d{8}T\d{6}Z\.csv"$/,
    );
    const csv = await response.text();
    expect(csv).toContain('# asset: room-a\n');
    expect(csv).toContain('# readings: 5\n');
    expect(csv).toContain('# max_c: 5.00\n');
    const rows = dataRows(csv);
    expect(rows[0]).toBe('time_utc,time_ms,value_c');
    expect(rows.slice(1).map((row) => row.split(',').slice(1))).toEqual(
      TEMPERATURES.map((temp_c, index) => [String(times[index]), String(temp_c)]),
    );
  });

  it('downloads the PDF', async () => {
    await completeCsv();
    const response = await fetch(`${api}/api/v1/reports/room-a/pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(body.length).toBeGreaterThan(1000);
  });

  it('limits the CSV to from_ms and to_ms', async () => {
    await completeCsv();
    const from_ms = times[1] ?? 0;
    const to_ms = times[3] ?? 0;
    const response = await fetch(`${api}/api/v1/reports/room-a/csv?from_ms=${from_ms}&to_ms=${to_ms}`);
    expect(response.status).toBe(200);
    const values = dataRows(await response.text())
      .slice(1)
      .map((row) => Number(row.split(',')[2]));
    expect(values).toEqual(TEMPERATURES.slice(1, 4));
  });

  it('rejects an empty window', async () => {
    const response = await fetch(`${api}/api/v1/reports/room-a/csv?from_ms=2000&to_ms=1000`);
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('API_REQUEST_REJECTED');
    expect(body.error.message).toContain('from_ms 2000 to to_ms 1000');
  });

  it('returns 404 for an asset without readings', async () => {
    const response = await fetch(`${api}/api/v1/reports/room-b/csv`);
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('API_REPORT_NOT_FOUND');
    expect(body.error.message).toMatch(/^asset room-b has no readings in the local store .*store\.db yet; /);
  });

  it('returns 404 for an asset not configured', async () => {
    const response = await fetch(`${api}/api/v1/reports/room-z/pdf`);
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { code: string } };
    expect(body.error.code).toBe('API_REPORT_NOT_FOUND');
  });
});

describe('report API without the local store', () => {
  let gateway: Gateway;
  let api: string;

  beforeAll(async () => {
    const directory = mkdtempSync(join(tmpdir(), 'coldpool-no-reports-'));
    const config = validateConfig({
      site: 'test-site',
      mqtt: { broker: { port: await freePort() } },
      http: { enabled: true, port: await freePort() },
      alarms: { store_path: join(directory, 'records.db'), assets: [{ id: 'room-a', class: 'chilled' }] },
      outputs: { local_store: { enabled: false, path: join(directory, 'store.db') } },
    });
    gateway = new Gateway(config, pino({ level: 'silent' }));
    await gateway.start();
    api = gateway.apiUrl() ?? '';
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('names the settings in the 503', async () => {
    const response = await fetch(`${api}/api/v1/reports`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('API_SERVICE_UNAVAILABLE');
    expect(body.error.message).toBe(
      'the report service is not configured in this gateway; set alarms.enabled and outputs.local_store.enabled to true',
    );
  });
});
