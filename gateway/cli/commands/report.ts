/**
 * `coldpool report`: temperature report of one asset over a window, or over one shipment, as PDF or CSV,
 * from the local readings store and the records store (alarms, audit trail, calibrations).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { remindDaysSchema } from '../../alarms/alarm-config.js';
import { AlarmStore } from '../../alarms/alarm-store.js';
import { AuditTrail } from '../../audit/audit-trail.js';
import { openRecordsDatabase } from '../../audit/records-database.js';
import { LocalStore } from '../../outputs/local-store.js';
import { resolveStoredAsset } from '../../reports/report-asset-check.js';
import { reportCsv } from '../../reports/report-csv.js';
import { buildReport, type ReportData } from '../../reports/report-data.js';
import { parseTime } from '../../reports/report-format.js';
import { renderReportPdf } from '../../reports/report-pdf.js';
import { reportProfile } from '../../reports/report-profile.js';
import { checkReportSeries, storedCompartment } from '../../reports/report-series-check.js';
import { checkReportWindow, MAX_WINDOW_DAYS } from '../../reports/report-window.js';
import { findShipment } from '../../reports/shipment.js';
import { type CommandIo, processIo } from './audit.js';
import { numberOption } from './number-option.js';
import { checkProfileOptions, DEFAULT_REPORT_CLASS } from './report-profile-options.js';

interface ReportCommandOptions {
  asset?: string;
  from?: string;
  to?: string;
  shipment?: string;
  format: string;
  store: string;
  records?: string;
  out?: string;
  config?: string;
  /** Undefined when not given, so that a report with `--config` can reject it. */
  class?: string;
  kind?: string;
  deltaHOverRK: string;
  maxGapS?: string;
  remindDays: number;
  font?: string;
}

/** Report formats whose output is binary data that a terminal cannot display as text. */
const BINARY_FORMATS: ReadonlySet<string> = new Set(['pdf']);

/** Exit status of a report that `coldpool report` does not write because stdout is a terminal. */
export const TERMINAL_OUTPUT_EXIT_CODE = 2;

function parsePositive(text: string, option: string): number {
  const value = Number(text);
  if (!(value > 0)) throw new Error(`${option} ${text} is invalid: use a positive number`);
  return value;
}

/**
 * Returns the message, with the path and the fix, for a failed write of the `--out` file. Only a missing
 * folder, a permission error and a folder given as the file have one, so other errors return undefined.
 */
export function outFileErrorMessage(path: string, error: NodeJS.ErrnoException): string | undefined {
  switch (error.code) {
    case 'ENOENT':
      return `--out ${path}: folder ${dirname(path)} does not exist; create it or choose another path`;
    case 'EACCES':
    case 'EPERM':
      return `--out ${path}: permission denied; choose a path you can write to, or change the permissions of ${path} or ${dirname(path)}`;
    case 'EISDIR':
      return `--out ${path} is a folder; give the path of a file inside it`;
    default:
      return undefined;
  }
}

function writeOutFile(path: string, output: Buffer): void {
  try {
    writeFileSync(path, output);
  } catch (error) {
    const message = outFileErrorMessage(path, error as NodeJS.ErrnoException);
    throw message === undefined ? error : new Error(message, { cause: error });
  }
}

function openRecords(path: string | undefined) {
  if (path === undefined) return undefined;
  if (!existsSync(path)) throw new Error(`records store ${path} not found; pass the gateway's alarms.store_path`);
  const db = openRecordsDatabase(path);
  return { db, alarms: new AlarmStore(db), trail: new AuditTrail(db) };
}

/** Builds the report data the options ask for. */
export function reportFromOptions(options: ReportCommandOptions, now_ms: number): ReportData {
  checkProfileOptions(options);
  if (!existsSync(options.store))
    throw new Error(`readings store ${options.store} not found; pass the local store file`);
  const records = openRecords(options.records);
  const readings = new LocalStore({ path: options.store });
  try {
    let window: { asset: string; from_ms: number; to_ms: number; title?: string; shipment_id?: string };
    if (options.shipment !== undefined) {
      if (!records) throw new Error('--shipment needs --records, the store where shipments are recorded');
      const shipment = findShipment(records.trail, options.shipment);
      const name = `shipment ${shipment.shipment_id}`;
      checkReportWindow(shipment.start_ms, shipment.end_ms ?? now_ms, {
        from: `${name} start`,
        to: shipment.end_ms === null ? `${name} end (in transit, now)` : `${name} end`,
        split: `report asset ${shipment.asset} with --asset, --from and --to in windows of at most ${MAX_WINDOW_DAYS} days`,
      });
      window = {
        asset: shipment.asset,
        from_ms: shipment.start_ms,
        to_ms: shipment.end_ms ?? now_ms,
        title: `Shipment ${shipment.shipment_id} (${shipment.end_ms === null ? 'in transit' : 'delivered'})`,
        shipment_id: shipment.shipment_id,
      };
    } else {
      if (!options.asset || !options.from || !options.to) {
        throw new Error('pass --asset, --from and --to, or --shipment with --records');
      }
      window = {
        asset: options.asset,
        from_ms: parseTime(options.from, '--from'),
        to_ms: parseTime(options.to, '--to'),
      };
      checkReportWindow(window.from_ms, window.to_ms, { from: '--from', to: '--to' });
    }
    const lookup = { asset_id: window.asset, store_path: options.store, shipment_id: window.shipment_id };
    const match = options.config === undefined ? storedCompartment(readings, window.asset) : undefined;
    const fallback = { class: options.class ?? DEFAULT_REPORT_CLASS, kind: options.kind, match };
    const profile = resolveStoredAsset(readings, lookup, () => reportProfile(window.asset, options.config, fallback));
    checkReportSeries(readings, profile, { ...lookup, config_path: options.config });
    return buildReport({ readings, alarms: records?.alarms, trail: records?.trail }, profile, {
      from_ms: window.from_ms,
      to_ms: window.to_ms,
      title: window.title,
      delta_h_over_r_k: parsePositive(options.deltaHOverRK, '--delta-h-over-r-k'),
      max_gap_ms: options.maxGapS === undefined ? undefined : parsePositive(options.maxGapS, '--max-gap-s') * 1000,
      remind_days: options.remindDays,
      now_ms,
    });
  } finally {
    readings.close();
    records?.db.close();
  }
}

/** Adds `report` to `program`. */
export function registerReportCommand(program: Command, io: CommandIo = processIo): void {
  program
    .command('report')
    .description('temperature report of an asset: statistics, MKT, excursions, alarms, gaps, calibration, chart')
    .option(
      '--asset <id>',
      'asset id, as under alarms.assets; without --config, <asset>/<compartment> for a truck compartment',
    )
    .option('--from <time>', 'window start, ISO 8601 (UTC unless an offset is given) or epoch ms')
    .option(
      '--to <time>',
      `window end, ISO 8601 (UTC unless an offset is given) or epoch ms; later than --from, by at most ${MAX_WINDOW_DAYS} days`,
    )
    .option('--shipment <id>', 'report one shipment from loading to delivery instead of --asset/--from/--to')
    .option('--format <format>', 'pdf or csv', 'pdf')
    .requiredOption('--store <file>', 'local readings store (SQLite) written by the gateway')
    .option('--records <file>', 'records store (SQLite) with alarms, audit trail and calibrations')
    .option('--out <file>', 'output file; default: standard output, which must not be a terminal for pdf')
    .option('--config <file>', 'gateway configuration (YAML) whose alarms section defines the asset')
    .option(
      '--class <class>',
      `temperature class when no --config: frozen, chilled, pharma, ambient; default ${DEFAULT_REPORT_CLASS}. A custom class comes from --config`,
    )
    .option(
      '--kind <kind>',
      'asset kind when no --config: cold_room, room_zone, truck_compartment; default truck_compartment for an <asset>/<compartment> id, else cold_room',
    )
    .option('--delta-h-over-r-k <kelvin>', 'activation energy over the gas constant for MKT, K', '10000')
    .option('--max-gap-s <seconds>', 'longest interval between readings that is not a gap, s; default 3 intervals')
    .option(
      '--remind-days <days>',
      'days before a calibration is due at which it shows as due soon',
      numberOption(remindDaysSchema, '30'),
      30,
    )
    .option('--font <file>', 'TrueType font for PDF text outside Latin-1, such as Chinese comments')
    .action(async (options: ReportCommandOptions) => {
      if (options.format !== 'pdf' && options.format !== 'csv') {
        throw new Error(`--format ${options.format} is invalid: use pdf or csv`);
      }
      if (options.out === undefined && BINARY_FORMATS.has(options.format) && io.stdout.isTTY === true) {
        io.stderr.write(
          `coldpool: --format ${options.format} is binary and standard output is a terminal; ` +
            `pass --out FILE, such as --out report.${options.format}, or redirect standard output to a file\n`,
        );
        io.setExitCode(TERMINAL_OUTPUT_EXIT_CODE);
        return;
      }
      const data = reportFromOptions(options, io.now());
      const output =
        options.format === 'pdf'
          ? await renderReportPdf(data, { font_path: options.font })
          : Buffer.from(reportCsv(data), 'utf8');
      if (options.out) {
        writeOutFile(options.out, output);
        io.stderr.write(`report written to ${options.out} (data SHA-256 ${data.data_sha256})\n`);
      } else {
        io.stdout.write(output);
      }
    });
}
