/**
 * Runs every InfluxQL query of the Grafana board in examples/grafana against a real influxd 1.6. The
 * points come from the gateway's own line-protocol serialiser. A renamed field or measurement, or a query
 * InfluxDB rejects, fails here instead of leaving an empty panel.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toLine } from '../../gateway/outputs/line-protocol.js';
import type { FieldValue, Reading } from '../../gateway/reading.js';
import { type Influxd, startInfluxd } from '../harness/influxd.js';

interface Target {
  query: string;
  refId: string;
}

interface Panel {
  title: string;
  type: string;
  targets?: Target[];
}

interface Board {
  panels: Panel[];
  templating: { list: Array<{ name: string; query: string }> };
  annotations: { list: Array<{ name: string; query: string }> };
}

const BOARD: Board = JSON.parse(
  readFileSync(new URL('../../examples/grafana/coldpool-dashboard.json', import.meta.url), 'utf8'),
);
const DATABASE = 'coldpool';
const NOW_MS = Math.floor(Date.now() / 1000) * 1000;
const MINUTE_MS = 60_000;

function reading(
  measurement: string,
  tags: Record<string, string>,
  fields: Record<string, FieldValue>,
  time_ms: number,
  integers: string[] = [],
): Reading {
  return {
    measurement,
    tags: { site: 'north-hub', ...tags },
    fields,
    integer_fields: new Set(integers),
    time_ms,
    time_source: 'source',
  };
}

/** Twenty minutes of every measurement the board reads, one point a minute. */
function samplePoints(): Reading[] {
  const points: Reading[] = [];
  for (let i = 0; i < 20; i++) {
    const time = NOW_MS - (20 - i) * MINUTE_MS;
    points.push(
      reading(
        'cold_room',
        { asset: 'room-1', device: 'room-1' },
        { air_temp_c: 3 + i / 10, humidity_pct: 80, door_open: i === 5, battery_pct: 90 },
        time,
      ),
    );
    points.push(
      reading(
        'cold_room',
        { asset: 'ctrl-1', device: 'ctrl-1' },
        {
          air_temp_c: -18,
          product_temp_c: -17.5,
          compressor_power_kw: 2.4,
          compressor_on: i % 2 === 0,
          defrost_on: i === 10,
          door_open: false,
          compressor_run_s: 100 * i,
        },
        time,
        ['compressor_run_s'],
      ),
    );
    for (const [compartment, temp] of [
      ['front', -18],
      ['rear', 4],
    ] as const) {
      points.push(
        reading(
          'reefer',
          { asset: 'truck-1', device: 'truck-1', compartment },
          {
            box_temp_c: temp,
            setpoint_c: temp,
            unit_on: true,
            door_open: i === 3,
            lat_deg: 30.1,
            lon_deg: 120.2,
            speed_kmh: 40,
          },
          time,
        ),
      );
    }
    points.push(
      reading(
        'device_health',
        { asset: 'ctrl-1', device: 'ctrl-1' },
        { up: i !== 7, consecutive_failures: i === 7 ? 1 : 0, last_rtt_ms: 12.5, polls_ok: i, polls_failed: 1 },
        time,
        ['consecutive_failures', 'polls_ok', 'polls_failed'],
      ),
    );
    points.push(
      reading(
        'gateway_stats',
        {},
        { readings: 100 * i, payload_errors: i, poll_errors: 0, sensor_faults: 2 * i },
        time,
        ['readings', 'payload_errors', 'poll_errors', 'sensor_faults'],
      ),
    );
    points.push(
      reading('gateway_output', { output: 'influx' }, { written: 90 * i, rejected: 0, dropped: i, pending: 5 }, time, [
        'written',
        'rejected',
        'dropped',
        'pending',
      ]),
    );
  }
  points.push(
    reading(
      'sensor_fault',
      { asset: 'room-1', device: 'room-1', field: 'air_temp_c' },
      { code: 'SENSOR_SENTINEL', raw_value: '-127' },
      NOW_MS - 3 * MINUTE_MS,
    ),
  );
  points.push(
    reading(
      'alarm',
      { asset: 'room-1', device: 'room-1', rule: 'high', kind: 'high_temp', level: 'warning' },
      {
        alarm_id: 'a1',
        status: 'raised',
        active: true,
        message: 'air 9 °C above 8 °C',
        raised_ms: NOW_MS - 4 * MINUTE_MS,
        value: 9,
        threshold: 8,
      },
      NOW_MS - 4 * MINUTE_MS,
      ['raised_ms'],
    ),
  );
  points.push(
    reading(
      'alarm',
      { asset: 'room-1', device: 'room-1', rule: 'high', kind: 'high_temp', level: 'warning' },
      {
        alarm_id: 'a1',
        status: 'closed',
        active: false,
        message: 'air 9 °C above 8 °C',
        raised_ms: NOW_MS - 4 * MINUTE_MS,
        acknowledged_by: 'wang',
        corrective_action: 'closed door',
      },
      NOW_MS - MINUTE_MS,
      ['raised_ms'],
    ),
  );
  return points;
}

/** Variable values inside the board's regexes: `.*` (the board's allValue) for All, and escaped alternatives for a selection. */
const VARIABLE_CASES: Array<{ name: string; values: Record<string, string> }> = [
  { name: 'all sites and assets', values: { site: '.*', asset: '.*' } },
  { name: 'one site and asset', values: { site: 'north\\-hub', asset: '(room\\-1|ctrl\\-1|truck\\-1)' } },
];

/** Replaces the Grafana macros the board uses; the time filter covers the last hour. */
function substitute(query: string, values: Record<string, string>): string {
  return query
    .replaceAll('$timeFilter', `time >= ${NOW_MS - 60 * MINUTE_MS}ms and time <= ${NOW_MS}ms`)
    .replaceAll('$__interval', '1m')
    .replace(/\$(site|asset)\b/g, (_, name: string) => values[name] ?? '');
}

const panelQueries = BOARD.panels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => ({ panel: panel.title, refId: target.refId, query: target.query })),
);

describe('grafana board', () => {
  let influxd: Influxd;

  beforeAll(async () => {
    influxd = await startInfluxd();
    await influxd.query(`CREATE DATABASE ${DATABASE}`);
    const body = samplePoints()
      .map((point) => toLine(point, 'ms').line)
      .join('\n');
    const response = await fetch(`${influxd.url}/write?db=${DATABASE}&precision=ms`, { method: 'POST', body });
    expect(response.status).toBe(204);
  });

  afterAll(async () => {
    await influxd?.stop();
  });

  it('has a query in every panel', () => {
    const empty = BOARD.panels
      .filter((panel) => panel.type !== 'row' && (panel.targets ?? []).length === 0)
      .map((panel) => panel.title);
    expect(empty).toEqual([]);
  });

  for (const { name, values } of VARIABLE_CASES) {
    describe(name, () => {
      for (const { panel, refId, query } of panelQueries) {
        it(`returns data for ${panel} ${refId}`, async () => {
          const text = substitute(query, values);
          expect(text).not.toMatch(/\$[A-Za-z_]/);
          const body = await influxd.query(text, DATABASE);
          expect(body.results[0].error).toBeUndefined();
          expect(body.results[0].series?.length ?? 0).toBeGreaterThan(0);
        });
      }
    });
  }

  for (const variable of BOARD.templating.list) {
    it(`lists values of variable ${variable.name}`, async () => {
      const body = await influxd.query(substitute(variable.query, { site: '.*', asset: '.*' }), DATABASE);
      const listed =
        body.results[0].series?.flatMap((series: { values: string[][] }) => series.values.map((row) => row[1])) ?? [];
      expect(listed.length).toBeGreaterThan(0);
    });
  }

  for (const annotation of BOARD.annotations.list) {
    it(`returns points for annotation ${annotation.name}`, async () => {
      const body = await influxd.query(substitute(annotation.query, { site: '.*', asset: '.*' }), DATABASE);
      expect(body.results[0].error).toBeUndefined();
      expect(body.results[0].series?.[0]?.values).toHaveLength(1);
    });
  }
});
