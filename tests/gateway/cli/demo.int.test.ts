import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Influxd, startInfluxd } from '../../harness/influxd.js';
import { type CliResult, runCli } from './run-cli.js';

type Series = { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] };

function seriesOf(body: { results: Array<{ series?: Series[]; error?: string }> }): Series[] {
  const result = body.results[0];
  if (result?.error) throw new Error(result.error);
  return result?.series ?? [];
}

describe('coldpool demo with influx', () => {
  let influxd: Influxd;
  let run: CliResult;

  beforeAll(async () => {
    influxd = await startInfluxd();
    const store = join(mkdtempSync(join(tmpdir(), 'coldpool-demo-')), 'demo.db');
    run = await runCli(
      [
        'demo',
        '--influx',
        `${influxd.url}/coldpool`,
        '--duration',
        '20',
        '--mqtt-port',
        '0',
        '--store',
        store,
        '--interval-ms',
        '1000',
      ],
      { timeout_ms: 90_000 },
    );
  }, 120_000);

  afterAll(async () => {
    await influxd?.stop();
  });

  it('exits 0', () => {
    expect(run.stderr).not.toMatch(/"level":(50|60)/);
    expect(run.code).toBe(0);
  });

  it('stores readings from all seven devices', async () => {
    const rooms = seriesOf(await influxd.query('SHOW TAG VALUES FROM "cold_room" WITH KEY = "device"', 'coldpool'));
    const trucks = seriesOf(await influxd.query('SHOW TAG VALUES FROM "reefer" WITH KEY = "device"', 'coldpool'));
    const devices = [...(rooms[0]?.values ?? []), ...(trucks[0]?.values ?? [])].map((row) => row[1]);
    expect(devices.sort()).toEqual(['ctrl-1', 'ctrl-2', 'room-1', 'room-2', 'room-3', 'truck-1', 'truck-2']);
  });

  it('keeps cold-room temperatures plausible', async () => {
    const rows = seriesOf(
      await influxd.query(
        'SELECT min("air_temp_c"), max("air_temp_c"), count("air_temp_c") FROM "cold_room" GROUP BY "device"',
        'coldpool',
      ),
    );
    expect(rows.length).toBe(5);
    for (const series of rows) {
      const [, min, max, count] = series.values[0] as [string, number, number, number];
      expect(min, `${series.tags?.device} min`).toBeGreaterThan(-30);
      expect(max, `${series.tags?.device} max`).toBeLessThan(15);
      expect(count, `${series.tags?.device} count`).toBeGreaterThan(5);
    }
  });

  it('keeps reefer box temperatures plausible', async () => {
    const rows = seriesOf(
      await influxd.query(
        'SELECT min("box_temp_c"), max("box_temp_c") FROM "reefer" GROUP BY "device", "compartment"',
        'coldpool',
      ),
    );
    expect(rows.length).toBe(4);
    for (const series of rows) {
      const [, min, max] = series.values[0] as [string, number, number];
      expect(min).toBeGreaterThan(-30);
      expect(max).toBeLessThan(20);
    }
  });

  it('declares each field with one type', async () => {
    const fields = seriesOf(await influxd.query('SHOW FIELD KEYS', 'coldpool'));
    for (const series of fields) {
      const names = series.values.map((row) => row[0]);
      expect(new Set(names).size, series.name).toBe(names.length);
    }
    expect(run.stderr).not.toContain('field type conflict');
  });

  it('prints the live summary', () => {
    expect(run.stdout).toContain('coldpool demo');
    expect(run.stdout).toContain('room-1');
  });
});
