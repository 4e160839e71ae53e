import { describe, expect, it } from 'vitest';
import type { Alarm } from '../../../gateway/alarms/alarm.js';
import { alarmConfigSchema } from '../../../gateway/alarms/alarm-config.js';
import { resolveAssetProfiles } from '../../../gateway/alarms/asset-profile.js';
import { LocalStore } from '../../../gateway/outputs/local-store.js';
import type { Reading } from '../../../gateway/reading.js';
import { reportCsv } from '../../../gateway/reports/report-csv.js';
import { buildReport, type ReportData } from '../../../gateway/reports/report-data.js';
import { formatCelsius, formatCelsiusValue } from '../../../gateway/reports/report-format.js';

const START = Date.UTC(2026, 11, 1);
const MIN = 60_000;
/** Time the reports are generated: after every window of these tests. */
const GENERATED_MS = START + 7 * 1440 * MIN;

function reading(minute: number, air_temp_c: number): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 's', asset: 'room-1', device: 'ctl-1' },
    fields: { air_temp_c },
    integer_fields: new Set(),
    time_ms: START + minute * MIN,
    time_source: 'source',
  };
}

/** Builds the report of a chilled room with one reading per minute of `values`, up to `to_minute`. */
function report(values: number[], to_minute: number): ReportData {
  const store = new LocalStore({ path: ':memory:', retention_days: 3650 });
  store.write(values.map((value, minute) => reading(minute, value)));
  const [profile] = resolveAssetProfiles(alarmConfigSchema.parse({ assets: [{ id: 'room-1', class: 'chilled' }] }));
  if (!profile) throw new Error('no profile');
  const data = buildReport({ readings: store }, profile, {
    from_ms: START,
    to_ms: START + to_minute * MIN,
    now_ms: GENERATED_MS,
  });
  store.close();
  return data;
}

/** Builds an alarm that `otto` acknowledged and then closed on behalf of Li Wei. */
function closedAlarm(): Alarm {
  return {
    id: `room-1:high_alarm:${START}`,
    kind: 'high',
    level: 'alarm',
    rule: 'high_alarm',
    site: 's',
    asset: 'room-1',
    message: 'room-1 above 8 °C',
    raised_ms: START,
    active: false,
    cleared_ms: START + 10 * MIN,
    acknowledgement: { by: 'otto', time_ms: START + MIN, comment: 'checking' },
    closure: { by: 'otto', on_behalf_of: 'Li Wei', time_ms: START + 20 * MIN, corrective_action: 'product moved' },
    comments: [],
    last_notified_ms: START,
    escalation_step: 0,
    notifications: 1,
  };
}

/** Returns the value of the `# key: value` comment line of a CSV report. */
function commentValue(csv: string, key: string): string | undefined {
  const prefix = `# ${key}: `;
  return csv
    .split('\n')
    .find((line) => line.startsWith(prefix))
    ?.slice(prefix.length);
}

describe('report csv', () => {
  it('rounds the mean', () => {
    const data = report([3, 3.4, 4], 3);
    expect(data.mean_c).toBeCloseTo(3.4666666666666663, 12);
    expect(commentValue(reportCsv(data), 'mean_c')).toBe('3.47');
  });

  it('rounds the mkt', () => {
    const data = report([3, 3.4, 4], 3);
    expect(String(data.mkt_c).length).toBeGreaterThan(6);
    expect(commentValue(reportCsv(data), 'mkt_c')).toBe(data.mkt_c.toFixed(2));
  });

  it('rounds the extremes and peak', () => {
    const csv = reportCsv(report([2.004, 6.126, 3.333], 3));
    expect(commentValue(csv, 'min_c')).toBe('2.00');
    expect(commentValue(csv, 'max_c')).toBe('6.13');
    expect(commentValue(csv, 'excursion_1')).toContain('peak 6.13 °C');
  });

  it('keeps stored values in data rows', () => {
    const csv = reportCsv(report([2.004, 6.126, 3.333], 3));
    expect(csv).toContain(`,${START + MIN},6.126\n`);
    expect(csv).toContain(`,${START},2.004\n`);
  });

  it('states storage range and end', () => {
    const csv = reportCsv(report([3, 3.4, 4], 3));
    // Chilled: 0 to 5 °C.
    expect(commentValue(csv, 'low_c')).toBe('0.00');
    expect(commentValue(csv, 'high_c')).toBe('5.00');
    expect(commentValue(csv, 'statistics_to_utc')).toBe(commentValue(csv, 'to_utc'));
  });

  it('matches the pdf text', () => {
    const data = report([3, 3.4, 4], 3);
    const csv = reportCsv(data);
    expect(`${commentValue(csv, 'mean_c')} °C`).toBe(formatCelsius(data.mean_c));
    expect(`${commentValue(csv, 'mkt_c')} °C`).toBe(formatCelsius(data.mkt_c));
  });

  it('names acknowledger and closer', () => {
    const data = report([3, 3.4, 4], 3);
    const alarm = closedAlarm();
    data.alarms = [alarm];
    expect(commentValue(reportCsv(data), `alarm ${alarm.id}`)).toBe(
      'alarm room-1 above 8 °C; acknowledged by otto; closed by otto on behalf of Li Wei; ' +
        'corrective action: product moved',
    );
  });

  it('names the acknowledgement claim', () => {
    const data = report([3, 3.4, 4], 3);
    const alarm = closedAlarm();
    if (alarm.acknowledgement) alarm.acknowledgement.on_behalf_of = 'Li Wei';
    data.alarms = [alarm];
    expect(commentValue(reportCsv(data), `alarm ${alarm.id}`)).toContain(
      'acknowledged by otto on behalf of Li Wei; closed by otto on behalf of Li Wei;',
    );
  });

  it('lists alarm comments', () => {
    const alarm = {
      ...closedAlarm(),
      comments: [{ by: 'otto', on_behalf_of: 'Li Wei', time_ms: START + 5 * MIN, comment: 'door wedged open' }],
    };
    const csv = reportCsv({ ...report([3, 3.4, 4], 3), alarms: [alarm] });
    expect(commentValue(csv, `alarm ${alarm.id} comment_1`)).toBe(
      'by otto on behalf of Li Wei at 2026-12-01 00:05:00: door wedged open',
    );
  });

  it('names nobody on an open alarm', () => {
    const data = report([3, 3.4, 4], 3);
    const alarm = closedAlarm();
    delete alarm.acknowledgement;
    delete alarm.closure;
    data.alarms = [alarm];
    expect(commentValue(reportCsv(data), `alarm ${alarm.id}`)).toBe(
      'alarm room-1 above 8 °C; acknowledged by nobody; closed by nobody; corrective action: none yet',
    );
  });

  it('writes n/a without readings', () => {
    const data = report([], 3);
    const csv = reportCsv(data);
    expect(commentValue(csv, 'mean_c')).toBe('n/a');
    expect(commentValue(csv, 'mkt_c')).toBe('n/a');
    expect(commentValue(csv, 'min_c')).toBe('n/a');
    expect(commentValue(csv, 'max_c')).toBe('n/a');
  });
});

describe('celsius format', () => {
  const cases: Array<[number | null, string]> = [
    [3.4666666666666663, '3.47'],
    [5, '5.00'],
    [-18.255, (-18.255).toFixed(2)],
    [-0.001, '0.00'],
    [Number.NaN, 'n/a'],
    [Number.POSITIVE_INFINITY, 'n/a'],
    [null, 'n/a'],
  ];

  for (const [value, expected] of cases) {
    it(`formats ${value} as ${expected}`, () => {
      expect(formatCelsiusValue(value)).toBe(expected);
    });
  }

  it('adds the unit', () => {
    expect(formatCelsius(3.4666666666666663)).toBe('3.47 °C');
    expect(formatCelsius(Number.NaN)).toBe('n/a');
  });
});
