/**
 * CSV form of a report. Comment lines starting with `#` carry the summary, with temperatures rounded as
 * in the PDF, and the rest is the data section with one row per reading, its value as stored. The PDF
 * prints the SHA-256 of the data section, so a copy of either can be checked against the store by
 * hashing the bytes left after removing the `#` lines.
 */
import { createHash } from 'node:crypto';
import { describeActor } from '../alarms/alarm.js';
import type { ReportData } from './report-data.js';
import { formatCelsius, formatCelsiusValue, formatUtc } from './report-format.js';
import type { SeriesPoint } from './step-series.js';

/** Builds the data section: header and one `time_utc,time_ms,value_c` row per reading, LF line ends. */
export function readingsCsv(readings: readonly SeriesPoint[]): string {
  const rows = readings.map((point) => `${formatUtc(point.time_ms)},${point.time_ms},${point.value}`);
  return `time_utc,time_ms,value_c\n${rows.map((row) => `${row}\n`).join('')}`;
}

/** Computes the SHA-256 of the data section, hex. */
export function readingsSha256(readings: readonly SeriesPoint[]): string {
  return createHash('sha256').update(readingsCsv(readings)).digest('hex');
}

function comment(key: string, value: string | number | boolean | null): string {
  return `# ${key}: ${value === null ? 'n/a' : String(value).replace(/\n/g, ' ')}\n`;
}

/** Builds the whole CSV report: summary comments, then the data section. */
export function reportCsv(data: ReportData): string {
  const lines = [
    comment('title', data.title),
    comment('asset', data.asset),
    comment('class', data.class),
    comment('field', data.field),
    comment('from_utc', formatUtc(data.from_ms)),
    comment('to_utc', formatUtc(data.to_ms)),
    comment('statistics_to_utc', formatUtc(data.statistics_to_ms)),
    comment('low_c', formatCelsiusValue(data.low_c)),
    comment('high_c', formatCelsiusValue(data.high_c)),
    comment('readings', data.readings.length),
    comment('min_c', formatCelsiusValue(data.min_c)),
    comment('max_c', formatCelsiusValue(data.max_c)),
    comment('mean_c', formatCelsiusValue(data.mean_c)),
    comment('mkt_c', formatCelsiusValue(data.mkt_c)),
    comment('mkt_complete', data.mkt_complete),
    comment('delta_h_over_r_k', data.delta_h_over_r_k),
    comment('out_of_range_s', data.out_of_range_ms.range / 1000),
    comment('beyond_warning_s', data.out_of_range_ms.warning / 1000),
    comment('beyond_alarm_s', data.out_of_range_ms.alarm / 1000),
    comment('beyond_critical_s', data.out_of_range_ms.critical / 1000),
    ...data.excursions.map((excursion, index) =>
      comment(
        `excursion_${index + 1}`,
        `${excursion.direction} ${formatUtc(excursion.start_ms)} to ${formatUtc(excursion.end_ms)}, ` +
          `peak ${formatCelsius(excursion.peak_c)}, ${excursion.duration_ms / 1000} s`,
      ),
    ),
    ...data.gaps.map((gap, index) =>
      comment(`gap_${index + 1}`, `${formatUtc(gap.start_ms)} to ${formatUtc(gap.end_ms)}`),
    ),
    ...data.alarms.flatMap((alarm) => [
      comment(
        `alarm ${alarm.id}`,
        `${alarm.level} ${alarm.message}; acknowledged by ${alarm.acknowledgement ? describeActor(alarm.acknowledgement) : 'nobody'}; ` +
          `closed by ${alarm.closure ? describeActor(alarm.closure) : 'nobody'}; ` +
          `corrective action: ${alarm.closure?.corrective_action ?? 'none yet'}`,
      ),
      // The comments, as the PDF lists them under the alarm.
      ...alarm.comments.map((note, index) =>
        comment(
          `alarm ${alarm.id} comment_${index + 1}`,
          `by ${describeActor(note)} at ${formatUtc(note.time_ms)}: ${note.comment}`,
        ),
      ),
    ]),
    ...data.calibrations.map((probe) =>
      comment(
        `calibration ${probe.probe}`,
        `${probe.status}, certificate ${probe.certificate ?? 'none'}, due ${probe.due_on ?? 'n/a'}`,
      ),
    ),
    comment('data_sha256', data.data_sha256),
  ];
  return `${lines.join('')}${readingsCsv(data.readings)}`;
}
