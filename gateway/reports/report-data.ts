/**
 * Gathers everything a temperature report shows for one asset and window: readings from the local
 * store, statistics and MKT, excursions, gaps, alarms with their acknowledgements and corrective actions,
 * corrections and the calibration status of the asset's probes. Works from SQLite files only, so reports
 * need no database server.
 */
import { type Alarm, SITE_ASSET } from '../alarms/alarm.js';
import type { AlarmStore } from '../alarms/alarm-store.js';
import { type AssetProfile, matchesAsset } from '../alarms/asset-profile.js';
import { ALARM_LEVELS, type AlarmLevel } from '../alarms/rule-schemas.js';
import type { AuditEntry } from '../audit/audit-entry.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import { type CalibrationStatus, calibrationRegister, calibrationStatus } from '../calibration/calibration-register.js';
import type { LocalStore } from '../outputs/local-store.js';
import {
  beyondAnyRule,
  type Excursion,
  findExcursions,
  isOutOfRange,
  timeBeyond,
  truePeriods,
  unionOfPeriods,
} from './excursions.js';
import { meanKineticTemperature } from './mkt.js';
import { readingsSha256 } from './report-csv.js';
import { checkReportWindow } from './report-window.js';
import { type Gap, type SeriesPoint, toStepSeries } from './step-series.js';

/** Measurements the gateway itself writes under an asset's tags; their series name no probe device. */
export const NON_DEVICE_MEASUREMENTS = new Set(['alarm', 'sensor_fault']);

/** Largest number of points read per device and field. */
const HISTORY_LIMIT = 5_000_000;

export interface ReportOptions {
  from_ms: number;
  to_ms: number;
  /** ΔH/R of the MKT, K. Default 10 000. */
  delta_h_over_r_k?: number;
  /** Maximum interval between readings that is not a gap, ms. Default: three times the median interval. */
  max_gap_ms?: number;
  /** Days before a calibration is due at which it shows as due soon. Default 30. */
  remind_days?: number;
  /** Time the report is generated, ms. Default `Date.now()`. */
  now_ms?: number;
  /** Report title. Default `Temperature report <asset>`. */
  title?: string;
}

export interface ReportSources {
  readings: LocalStore;
  alarms?: AlarmStore;
  trail?: AuditTrail;
}

export interface ProbeCalibration {
  probe: string;
  certificate: string | null;
  due_on: string | null;
  offset_c: number | null;
  status: CalibrationStatus | 'missing';
}

export interface ReportData {
  title: string;
  asset: string;
  class: string;
  kind: string;
  field: string;
  devices: string[];
  from_ms: number;
  to_ms: number;
  /**
   * End of the time the statistics, gaps and door and defrost periods cover: `to_ms`, or the time the
   * report was generated when the window ends after it (never before `from_ms`). Time that has not
   * happened yet is neither covered by readings nor a gap.
   */
  statistics_to_ms: number;
  generated_ms: number;
  delta_h_over_r_k: number;
  low_c: number | null;
  high_c: number | null;
  thresholds: Array<{ level: AlarmLevel; direction: 'high' | 'low'; threshold_c: number }>;
  readings: SeriesPoint[];
  min_c: number;
  max_c: number;
  mean_c: number;
  mkt_c: number;
  mkt_complete: boolean;
  covered_ms: number;
  /** Time outside the class range, and beyond any threshold of each alarm level, ms. */
  out_of_range_ms: Record<'range' | AlarmLevel, number>;
  excursions: Excursion[];
  gaps: Gap[];
  alarms: Alarm[];
  corrections: AuditEntry[];
  calibrations: ProbeCalibration[];
  defrost_periods: Array<{ start_ms: number; end_ms: number }>;
  door_periods: Array<{ start_ms: number; end_ms: number }>;
  /** SHA-256 of the readings as the CSV data section (see `readingsCsv`), hex. */
  data_sha256: string;
}

/** Returns the ids of the devices whose series belong to the asset, and the sites they report from. */
function assetDevices(store: LocalStore, profile: AssetProfile): { devices: string[]; sites: string[] } {
  const devices = new Set<string>();
  const sites = new Set<string>();
  for (const series of store.latest()) {
    if (NON_DEVICE_MEASUREMENTS.has(series.measurement)) continue;
    if (!matchesAsset(profile, series.tags) || !series.tags.device) continue;
    devices.add(series.tags.device);
    if (series.tags.site) sites.add(series.tags.site);
  }
  return { devices: [...devices].sort(), sites: [...sites].sort() };
}

/**
 * Returns the alarms of the asset, the offline alarms of its devices (raised under the `asset` tag) and
 * the power failures of its sites, oldest first.
 */
function alarmsOf(
  store: AlarmStore | undefined,
  profile: AssetProfile,
  devices: string[],
  sites: string[],
  options: ReportOptions,
) {
  if (!store) return [];
  const window = { from_ms: options.from_ms, to_ms: options.to_ms };
  const own = store.alarms({ ...window, asset: profile.id });
  const offline = profile.match.asset === profile.id ? [] : store.alarms({ ...window, asset: profile.match.asset });
  const power = store.alarms({ ...window, asset: SITE_ASSET }).filter((alarm) => sites.includes(alarm.site));
  const byId = new Map<string, Alarm>();
  for (const alarm of [...own, ...offline.filter((alarm) => devices.includes(alarm.device ?? '')), ...power]) {
    byId.set(alarm.id, alarm);
  }
  return [...byId.values()].sort((left, right) => left.raised_ms - right.raised_ms);
}

function fieldHistory(
  store: LocalStore,
  profile: AssetProfile,
  devices: string[],
  field: string,
  options: ReportOptions,
) {
  return devices.flatMap((device) =>
    store
      .history({ device, field, from_ms: options.from_ms, to_ms: options.to_ms, limit: HISTORY_LIMIT })
      .filter((point) => matchesAsset(profile, point.tags)),
  );
}

/**
 * Returns the periods in which any device of the asset reported the boolean `field` true. Each device's
 * readings form their own series, because a device that reports the door shut, such as a controller
 * with an unwired door input, must not end a period that another device still reports open.
 */
function booleanPeriods(
  sources: ReportSources,
  profile: AssetProfile,
  devices: string[],
  field: string,
  options: ReportOptions,
) {
  const periods = devices.flatMap((device) => {
    const points = fieldHistory(sources.readings, profile, [device], field, options)
      .filter((point) => typeof point.value === 'boolean')
      .map((point) => ({ time_ms: point.time_ms, value: point.value as boolean }));
    return truePeriods(points, options.to_ms);
  });
  return unionOfPeriods(periods);
}

function calibrationsOf(sources: ReportSources, profile: AssetProfile, devices: string[], options: ReportOptions) {
  const register = sources.trail ? calibrationRegister(sources.trail) : new Map();
  return devices.map((device): ProbeCalibration => {
    const probe = `${device}/${profile.temperature_field}`;
    const record = register.get(probe);
    if (!record) return { probe, certificate: null, due_on: null, offset_c: null, status: 'missing' };
    const status = calibrationStatus(record, options.now_ms ?? Date.now(), options.remind_days ?? 30);
    return { probe, certificate: record.certificate, due_on: record.due_on, offset_c: record.offset_c, status };
  });
}

function correctionsOf(trail: AuditTrail | undefined, asset: string, options: ReportOptions): AuditEntry[] {
  if (!trail) return [];
  return trail.entries({ kind: 'correction', subject: asset }).filter((entry) => {
    const record = trail.entry((entry.payload as { corrects_seq: number }).corrects_seq);
    return record !== undefined && record.time_ms >= options.from_ms && record.time_ms <= options.to_ms;
  });
}

type SeriesStatistics = Pick<
  ReportData,
  'min_c' | 'max_c' | 'mean_c' | 'mkt_c' | 'mkt_complete' | 'covered_ms' | 'out_of_range_ms' | 'excursions' | 'gaps'
>;

/** Computes the statistics of the temperature series: extremes, mean, MKT, time beyond limits, excursions, gaps. */
function seriesStatistics(readings: SeriesPoint[], profile: AssetProfile, options: ReportOptions): SeriesStatistics {
  const step = { from_ms: options.from_ms, to_ms: options.to_ms, max_gap_ms: options.max_gap_ms };
  const series = toStepSeries(readings, step);
  const mkt = meanKineticTemperature(readings, { ...step, delta_h_over_r_k: options.delta_h_over_r_k });
  const limits = { low_c: profile.low_c, high_c: profile.high_c };
  const out_of_range_ms = {
    range: timeBeyond(series.segments, (value) => isOutOfRange(limits, value)),
  } as ReportData['out_of_range_ms'];
  for (const level of ALARM_LEVELS) {
    const rules = profile.rules.filter((rule) => rule.level === level);
    out_of_range_ms[level] = timeBeyond(series.segments, (value) => beyondAnyRule(rules, value));
  }
  const values = readings.map((point) => point.value);
  return {
    min_c: values.length ? Math.min(...values) : Number.NaN,
    max_c: values.length ? Math.max(...values) : Number.NaN,
    mean_c: mkt.mean_c,
    mkt_c: mkt.mkt_c,
    mkt_complete: mkt.complete,
    covered_ms: mkt.covered_ms,
    out_of_range_ms,
    excursions: findExcursions(series.segments, limits),
    gaps: series.gaps,
  };
}

/**
 * Builds the report of one asset over [from_ms, to_ms]. Throws a RangeError for a window that
 * `checkReportWindow` rejects.
 */
export function buildReport(sources: ReportSources, profile: AssetProfile, options: ReportOptions): ReportData {
  checkReportWindow(options.from_ms, options.to_ms, { from: 'from_ms', to: 'to_ms' });
  const generated_ms = options.now_ms ?? Date.now();
  const statistics_to_ms = Math.max(options.from_ms, Math.min(options.to_ms, generated_ms));
  const past = { ...options, to_ms: statistics_to_ms };
  const { devices, sites } = assetDevices(sources.readings, profile);
  const readings = fieldHistory(sources.readings, profile, devices, profile.temperature_field, options)
    .filter((point) => typeof point.value === 'number')
    .map((point) => ({ time_ms: point.time_ms, value: point.value as number }))
    .sort((left, right) => left.time_ms - right.time_ms);
  const statistics = seriesStatistics(readings, profile, past);
  return {
    title: options.title ?? `Temperature report ${profile.id}`,
    asset: profile.id,
    class: profile.class,
    kind: profile.kind,
    field: profile.temperature_field,
    devices,
    from_ms: options.from_ms,
    to_ms: options.to_ms,
    statistics_to_ms,
    generated_ms,
    delta_h_over_r_k: options.delta_h_over_r_k ?? 10_000,
    low_c: profile.low_c,
    high_c: profile.high_c,
    thresholds: profile.rules.map((rule) => ({
      level: rule.level,
      direction: rule.direction,
      threshold_c: rule.threshold_c,
    })),
    readings,
    ...statistics,
    alarms: alarmsOf(sources.alarms, profile, devices, sites, options),
    corrections: correctionsOf(sources.trail, profile.id, options),
    calibrations: calibrationsOf(sources, profile, devices, options),
    defrost_periods: booleanPeriods(sources, profile, devices, profile.defrost.field, past),
    door_periods: booleanPeriods(sources, profile, devices, profile.door.field, past),
    data_sha256: readingsSha256(readings),
  };
}
