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

  /** Requests the CSV of room-a with `query` and returns the status and the error body. */
  async function rejection(query: string) {
    const response = await fetch(`${api}/api/v1/reports/room-a/csv?${query}`);
    const body = (await response.json()) as { error: { code: string; message: string } };
    return { status: response.status, ...body.error };
  }

  it('rejects a reversed window', async () => {
    const error = await rejection('from_ms=2000&to_ms=1000');
    expect(error.status).toBe(422);
    expect(error.code).toBe('API_REQUEST_REJECTED');
    expect(error.message).toBe(
      'report window ends before it starts: to_ms 1000 (1970-01-01 00:00:01 UTC) is earlier than ' +
        'from_ms 2000 (1970-01-01 00:00:02 UTC); swap from_ms and to_ms',
    );
  });

  it('rejects an empty window', async () => {
    const error = await rejection('from_ms=2000&to_ms=2000');
    expect(error.status).toBe(422);
    expect(error.code).toBe('API_REQUEST_REJECTED');
    expect(error.message).toBe(
      'report window is empty: from_ms 2000 (1970-01-01 00:00:02 UTC) equals to_ms 2000 (1970-01-01 00:00:02 UTC); ' +
        'the end must be later than the start, so pass a to_ms later than from_ms',
    );
  });

  it('bounds the window at 400 days', async () => {
    await completeCsv();
    const now_ms = Date.now();
    const query = `from_ms=${now_ms - 400 * 86_400_000}&to_ms=${now_ms}`;
    const accepted = await fetch(`${api}/api/v1/reports/room-a/csv?${query}`);
    expect(accepted.status).toBe(200);
    expect(dataRows(await accepted.text())).toHaveLength(TEMPERATURES.length + 1);
    const to_ms = Date.UTC(2027, 1, 5, 12);
    const error = await rejection(`from_ms=${Date.UTC(2026, 0, 1)}&to_ms=${to_ms}`);
    expect(error.status).toBe(422);
    expect(error.code).toBe('API_REQUEST_REJECTED');
    expect(error.message).toBe(
      'report window from from_ms 1767225600000 (2026-01-01 00:00:00 UTC) to to_ms 1801828800000 ' +
        '(2027-02-05 12:00:00 UTC) spans 400.5 days (34603200000 ms), longer than the maximum of 400 days ' +
        '(34560000000 ms); split the report into windows of at most 400 days',
    );
  });

  it('names the default end of a long window', async () => {
    const error = await rejection('from_ms=1000');
    expect(error.status).toBe(422);
    expect(error.message).toContain(' to to_ms (default: now) ');
    expect(error.message).toContain('longer than the maximum of 400 days');
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
