import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxHttpClient } from '../../../gateway/outputs/influx-http.js';
import { InfluxOutput, type InfluxOutputOptions } from '../../../gateway/outputs/influx-output.js';
import { classifyWriteResponse } from '../../../gateway/outputs/influx-response.js';
import { parseInfluxUrl } from '../../../gateway/outputs/influx-url.js';
import type { FieldConflictCount } from '../../../gateway/outputs/removed-field-letters.js';
import type { Reading } from '../../../gateway/reading.js';
import { type Influxd, startInfluxd } from '../../harness/influxd.js';

const BASE_TIME_MS = 1_700_000_000_000;

function reading(fields: Reading['fields'], time_ms: number, overrides: Partial<Reading> = {}): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 'dock', asset: 'room-1', device: 'probe-1' },
    fields,
    integer_fields: new Set<string>(),
    time_ms,
    time_source: 'source',
    ...overrides,
  };
}

/** Returns the rows of the first series of a /query result as objects keyed by column. */
// biome-ignore lint/suspicious/noExplicitAny: /query JSON.
function rows(result: any): Record<string, unknown>[] {
  const series = result.results?.[0]?.series?.[0];
  if (series === undefined) return [];
  return series.values.map((values: unknown[]) =>
    Object.fromEntries(series.columns.map((column: string, index: number) => [column, values[index]])),
  );
}

/** Number of HTTP write requests influxd has served, from SHOW STATS. */
async function writeRequests(influxd: Influxd): Promise<number> {
  const result = await influxd.query(`SHOW STATS FOR 'httpd'`);
  const [row] = rows(result);
  return Number(row?.writeReq ?? 0);
}

describe('influx-output', () => {
  let influxd: Influxd;
  let databaseCount = 0;

  beforeAll(async () => {
    influxd = await startInfluxd();
  });

  afterAll(async () => {
    await influxd.stop();
  });

  async function startOutput(
    options: Partial<InfluxOutputOptions> = {},
  ): Promise<{ output: InfluxOutput; db: string }> {
    databaseCount += 1;
    const db = `coldpool_test_${databaseCount}`;
    const output = new InfluxOutput({ url: `${influxd.url}/${db}`, flush_interval_ms: 50, ...options });
    await output.start();
    return { output, db };
  }

  it('creates missing database', async () => {
    const { output, db } = await startOutput();
    const result = await influxd.query('SHOW DATABASES');
    await output.stop();
    expect(JSON.stringify(result)).toContain(db);
  });

  it('writes points that query back', async () => {
    const { output, db } = await startOutput();
    const tags = { site: 'Dock A,Bay=3', asset: 'room 1', device: 'probe=1' };
    output.write([
      reading({ temp_c: -18.5, note: 'door "B" open\\' }, BASE_TIME_MS, { measurement: 'cold room 1', tags }),
      reading({ temp_c: 21.0, battery_pct: 74 }, BASE_TIME_MS + 1000, {
        measurement: 'cold room 1',
        tags,
        integer_fields: new Set(['battery_pct']),
      }),
      reading({ temp_c: 21.5 }, BASE_TIME_MS + 2000, { measurement: 'cold room 1', tags }),
    ]);
    await output.stop();
    const result = rows(await influxd.query('SELECT * FROM "cold room 1" ORDER BY time', db));
    expect(output.stats().written).toBe(3);
    expect(result.map((row) => row.temp_c)).toEqual([-18.5, 21, 21.5]);
    expect(result[0]?.note).toBe('door "B" open\\');
    expect(result[0]?.site).toBe('Dock A,Bay=3');
    expect(result[0]?.device).toBe('probe=1');
    expect(result[1]?.battery_pct).toBe(74);
    expect(Date.parse(String(result[0]?.time))).toBe(BASE_TIME_MS);
  });

  it('keeps float type for whole numbers', async () => {
    const { output, db } = await startOutput();
    output.write([reading({ temp_c: 21.0 }, BASE_TIME_MS)]);
    await output.flush();
    output.write([reading({ temp_c: 21.5 }, BASE_TIME_MS + 1000)]);
    await output.stop();
    const keys = rows(await influxd.query('SHOW FIELD KEYS FROM cold_room', db));
    expect(keys).toEqual([{ fieldKey: 'temp_c', fieldType: 'float' }]);
    expect(output.stats().written).toBe(2);
    expect(output.stats().rejected).toBe(0);
  });

  it('stores exponent and unicode values', async () => {
    const { output, db } = await startOutput();
    const values = [1e21, 1e-7, -0, Number.MAX_VALUE, 5e-324];
    output.write(
      values.map((value, index) => reading({ x: value }, BASE_TIME_MS + index, { tags: { site: 'Kühlhaus Süd' } })),
    );
    await output.stop();
    const result = rows(await influxd.query('SELECT * FROM cold_room ORDER BY time', db));
    expect(output.stats().written).toBe(values.length);
    expect(result.map((row) => row.x)).toEqual([1e21, 1e-7, 0, Number.MAX_VALUE, 5e-324]);
    expect(result[0]?.site).toBe('Kühlhaus Süd');
  });

  it('writes ms and ns timestamps exactly', async () => {
    const ms = await startOutput({ precision: 'ms' });
    ms.output.write([reading({ temp_c: 1 }, 1479224298038)]);
    await ms.output.stop();
    const ns = await startOutput({ precision: 'ns' });
    ns.output.write([reading({ temp_c: 1 }, 1570620038253)]);
    await ns.output.stop();
    const [msRow] = rows(await influxd.query('SELECT * FROM cold_room', ms.db));
    const [nsRow] = rows(await influxd.query('SELECT * FROM cold_room', ns.db));
    expect(msRow?.time).toBe('2016-11-15T15:38:18.038Z');
    expect(nsRow?.time).toBe('2019-10-09T11:20:38.253Z');
  });

  it('counts field type conflict without retry', async () => {
    const { output, db } = await startOutput();
    const rejections: { count: number; reason: string }[] = [];
    output.on('rejected', (event) => rejections.push(event));
    output.write([reading({ temp_c: 20 }, BASE_TIME_MS, { integer_fields: new Set(['temp_c']) })]);
    await output.flush();
    const requestsBefore = await writeRequests(influxd);
    output.write([reading({ temp_c: 20.5 }, BASE_TIME_MS + 1000)]);
    await output.flush();
    const requestsAfter = await writeRequests(influxd);
    await output.stop();
    expect(output.stats().rejected).toBe(1);
    expect(output.stats().written).toBe(1);
    expect(output.stats().write_errors).toBe(0);
    expect(requestsAfter - requestsBefore).toBe(1);
    expect(rejections[0]?.reason).toContain('field type conflict');
    expect(rows(await influxd.query('SELECT count(temp_c) FROM cold_room', db))[0]?.count).toBe(1);
  });

  it('writes point without conflicting field', async () => {
    const { output, db } = await startOutput();
    const conflicts: FieldConflictCount[] = [];
    output.on('field_type_conflict', (conflict: FieldConflictCount) => conflicts.push(conflict));
    output.write([reading({ temp_c: 20 }, BASE_TIME_MS, { integer_fields: new Set(['temp_c']) })]);
    await output.flush();
    output.write([reading({ temp_c: 20.5, rh_pct: 60 }, BASE_TIME_MS + 1000)]);
    await output.flush();
    await output.stop();
    expect(output.stats().written).toBe(2);
    expect(output.stats().rejected).toBe(0);
    expect(conflicts).toEqual([
      { measurement: 'cold_room', field: 'temp_c', input_type: 'float', existing_type: 'integer', count: 1 },
    ]);
    expect(rows(await influxd.query('SELECT count(rh_pct) FROM cold_room', db))[0]?.count).toBe(1);
  });

  it('counts partial write in batch', async () => {
    const { output, db } = await startOutput();
    output.write([reading({ level: 1 }, BASE_TIME_MS, { integer_fields: new Set(['level']) })]);
    await output.flush();
    output.write([
      reading({ level: 2 }, BASE_TIME_MS + 1000, { integer_fields: new Set(['level']) }),
      reading({ level: 2.5 }, BASE_TIME_MS + 2000),
      reading({ level: 3 }, BASE_TIME_MS + 3000, { integer_fields: new Set(['level']) }),
    ]);
    await output.stop();
    expect(output.stats().written).toBe(3);
    expect(output.stats().rejected).toBe(1);
    expect(rows(await influxd.query('SELECT count(level) FROM cold_room', db))[0]?.count).toBe(3);
  });

  it('keeps lines around unparsable line', async () => {
    const { output, db } = await startOutput();
    await output.stop();
    const target = parseInfluxUrl(`${influxd.url}/${db}`);
    const client = new InfluxHttpClient(target, 5000);
    const lines = [
      'cold_room temp_c=1 1700000000000',
      'cold_room temp_c=oops 1700000001000',
      'cold_room temp_c=3 1700000002000',
    ];
    const requestsBefore = await writeRequests(influxd);
    const response = await client.write(lines.join('\n'), 'ms');
    client.close();
    const outcome = classifyWriteResponse(response, lines.length, target.display_url);
    expect(response.status).toBe(400);
    expect(outcome.kind).toBe('partial');
    expect(outcome.kind === 'partial' ? outcome.rejected : undefined).toBe(1);
    expect(outcome.kind === 'partial' ? outcome.reason : '').toContain('unable to parse');
    expect(await writeRequests(influxd)).toBe(requestsBefore + 1);
    expect(rows(await influxd.query('SELECT count(temp_c) FROM cold_room', db))[0]?.count).toBe(2);
  });

  it('splits batch above max body size', async () => {
    const small = await startInfluxd({ max_body_size: 2000 });
    const output = new InfluxOutput({ url: `${small.url}/split`, flush_interval_ms: 50 });
    await output.start();
    const readings = Array.from({ length: 200 }, (_, index) => reading({ temp_c: index + 0.5 }, BASE_TIME_MS + index));
    output.write(readings);
    await output.stop();
    const count = rows(await small.query('SELECT count(temp_c) FROM cold_room', 'split'))[0]?.count;
    await small.stop();
    expect(output.stats().written).toBe(200);
    expect(output.stats().rejected).toBe(0);
    expect(count).toBe(200);
  });

  it('retries until influxd returns', async () => {
    const outage = await startInfluxd();
    const output = new InfluxOutput({
      url: `${outage.url}/outage`,
      flush_interval_ms: 50,
      retry_initial_ms: 50,
      retry_max_ms: 200,
      timeout_ms: 1000,
    });
    await output.start();
    await outage.kill();
    const errors: unknown[] = [];
    output.on('write_error', (event) => errors.push(event));
    output.write([reading({ temp_c: 4.5 }, BASE_TIME_MS), reading({ temp_c: 4.75 }, BASE_TIME_MS + 10_000)]);
    while (errors.length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(output.stats().pending).toBe(2);
    await outage.restart();
    await output.flush();
    const count = rows(await outage.query('SELECT count(temp_c) FROM cold_room', 'outage'))[0]?.count;
    await output.stop();
    await outage.stop();
    expect(output.stats().written).toBe(2);
    expect(output.stats().write_errors).toBeGreaterThanOrEqual(3);
    expect(count).toBe(2);
  });

  it('drops pending points after stop timeout', async () => {
    const outage = await startInfluxd();
    const output = new InfluxOutput({
      url: `${outage.url}/gone`,
      retry_initial_ms: 20,
      retry_max_ms: 50,
      stop_timeout_ms: 300,
    });
    await output.start();
    await outage.stop();
    output.write([reading({ temp_c: 1 }, BASE_TIME_MS)]);
    await output.stop();
    expect(output.stats().dropped).toBe(1);
    expect(output.stats().pending).toBe(0);
  });

  it('keeps credentials out of errors', async () => {
    const secured = await startInfluxd({ auth_enabled: true });
    await secured.query("CREATE USER admin WITH PASSWORD 'admin-pw' WITH ALL PRIVILEGES");
    const output = new InfluxOutput({
      url: `http://admin:wrong-s3cret@127.0.0.1:${secured.port}/secured`,
      retry_initial_ms: 20,
      retry_max_ms: 50,
      stop_timeout_ms: 300,
    });
    const events: { error: Error; attempt: number }[] = [];
    output.on('write_error', (event) => events.push(event));
    await output.start();
    output.write([reading({ temp_c: 1 }, BASE_TIME_MS)]);
    await output.stop();
    await secured.stop();
    const codes = new Set(events.map((event) => (event.error as { code?: string }).code));
    const text = events.map((event) => `${event.error.message} ${JSON.stringify(event)}`).join('\n');
    expect(codes.has('INFLUX_AUTH_FAILED')).toBe(true);
    expect(text).not.toContain('wrong-s3cret');
    expect(output.stats().dropped).toBe(1);
  });

  it('writes with valid credentials', async () => {
    const secured = await startInfluxd({ auth_enabled: true });
    await secured.query("CREATE USER admin WITH PASSWORD 'admin-pw' WITH ALL PRIVILEGES");
    const output = new InfluxOutput({
      url: `http://127.0.0.1:${secured.port}/secured`,
      username: 'admin',
      password: 'admin-pw',
    });
    await output.start();
    output.write([reading({ temp_c: 1 }, BASE_TIME_MS)]);
    await output.stop();
    await secured.stop();
    expect(output.stats().written).toBe(1);
    expect(output.stats().write_errors).toBe(0);
  });
});
