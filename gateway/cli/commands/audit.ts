/**
 * `coldpool audit ...`: checks the hash chain of the records store, lists entries, corrects a record,
 * and keeps the calibration register.
 */

import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { remindDaysSchema } from '../../alarms/alarm-config.js';
import { AuditTrail } from '../../audit/audit-trail.js';
import { verifyAuditFile } from '../../audit/audit-verify.js';
import { correctRecord } from '../../audit/reading-recorder.js';
import { openRecordsDatabase } from '../../audit/records-database.js';
import { calibrationRegister, calibrationStatus, registerCalibration } from '../../calibration/calibration-register.js';
import { parseTime } from '../../reports/report-format.js';
import { endShipment, startShipment } from '../../reports/shipment.js';
import { numberOption } from './number-option.js';

/** Output streams, exit status and clock of a command; tests pass their own. */
export interface CommandIo {
  /** Standard output; `isTTY` is true when it is a terminal, as on `process.stdout`. */
  stdout: { write(text: string | Uint8Array): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  setExitCode(code: number): void;
  /** Current time, ms since the epoch. */
  now(): number;
}

export const processIo: CommandIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  setExitCode: (code) => {
    process.exitCode = code;
  },
  now: Date.now,
};

/** Throws when `store` does not exist, so a mistyped path is not created as a new, empty records store. */
function requireStore(store: string): void {
  if (!existsSync(store)) {
    throw new Error(
      `records store ${store} not found; pass the gateway's records store (alarms.store_path, default data/records.db)`,
    );
  }
}

/**
 * Opens the trail, runs `work` and closes the database again. Only commands that record something new
 * (`create`) may open a store that does not exist yet, as on a box where the gateway has not run.
 */
function withTrail<T>(store: string, work: (trail: AuditTrail) => T, create = false): T {
  if (!create) requireStore(store);
  const db = openRecordsDatabase(store);
  try {
    return work(new AuditTrail(db));
  } finally {
    db.close();
  }
}

function parseNumber(text: string, option: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new Error(`${option} ${text} is not a number`);
  return value;
}

function registerVerify(audit: Command, io: CommandIo): void {
  audit
    .command('verify')
    .description('check the hash chain of the audit trail; exit 1 naming the first changed or deleted entry')
    .requiredOption('--store <file>', 'records store (SQLite) of the gateway')
    .action((options: { store: string }) => {
      requireStore(options.store);
      const result = verifyAuditFile(options.store);
      if (result.ok) {
        io.stdout.write(`audit trail valid: ${result.checked} entries, head ${result.head_hash}\n`);
        return;
      }
      io.stderr.write(
        `audit trail broken at entry ${result.broken?.seq}: ${result.broken?.reason}; ` +
          `${result.checked} entries before it are valid\n`,
      );
      io.setExitCode(1);
    });
}

function registerList(audit: Command, io: CommandIo): void {
  audit
    .command('list')
    .description('print audit entries as JSON lines, oldest first')
    .requiredOption('--store <file>', 'records store (SQLite) of the gateway')
    .option('--kind <kind>', 'only entries of this kind, such as alarm_acknowledged or calibration')
    .option('--subject <id>', 'only entries about this asset, alarm or probe')
    .action((options: { store: string; kind?: string; subject?: string }) => {
      withTrail(options.store, (trail) => {
        const query = { kind: options.kind as never, subject: options.subject };
        for (const entry of trail.entries(query)) io.stdout.write(`${JSON.stringify(entry)}\n`);
      });
    });
}

function registerCorrect(audit: Command, io: CommandIo): void {
  audit
    .command('correct')
    .description('append a correction of a temperature record; the record itself is never changed')
    .requiredOption('--store <file>', 'records store (SQLite) of the gateway')
    .requiredOption('--seq <n>', 'seq of the record entry to correct')
    .option('--value-c <celsius>', 'corrected value, °C; leave out to withdraw the record')
    .requiredOption('--reason <text>', 'why the record is wrong')
    .requiredOption('--by <name>', 'person making the correction')
    .action((options: { store: string; seq: string; valueC?: string; reason: string; by: string }) => {
      withTrail(options.store, (trail) => {
        const entry = correctRecord(trail, {
          corrects_seq: parseNumber(options.seq, '--seq'),
          value_c: options.valueC === undefined ? null : parseNumber(options.valueC, '--value-c'),
          reason: options.reason,
          actor: options.by,
          time_ms: io.now(),
        });
        io.stdout.write(`correction appended as entry ${entry.seq}\n`);
      });
    });
}

function registerCalibrationCommands(audit: Command, io: CommandIo): void {
  const calibration = audit.command('calibration').description('probe calibration register');
  calibration
    .command('add')
    .description('record a probe calibration certificate')
    .requiredOption('--store <file>', 'records store (SQLite) of the gateway')
    .requiredOption('--probe <id>', 'probe as <device>/<field>, such as ctl-1/air_temp_c')
    .requiredOption('--certificate <number>', 'certificate number')
    .requiredOption('--calibrated-on <date>', 'calibration date, YYYY-MM-DD')
    .requiredOption('--due-on <date>', 'next calibration due date, YYYY-MM-DD')
    .requiredOption('--offset-c <kelvin>', 'correction to add to the reading, K')
    .requiredOption('--by <name>', 'person entering the record')
    .option('--laboratory <name>', 'calibration laboratory')
    .action((options: Record<string, string>) => {
      withTrail(
        options.store ?? '',
        (trail) => {
          const entry = registerCalibration(
            trail,
            {
              probe: options.probe,
              certificate: options.certificate,
              calibrated_on: options.calibratedOn,
              due_on: options.dueOn,
              offset_c: parseNumber(options.offsetC ?? '', '--offset-c'),
              by: options.by,
              ...(options.laboratory ? { laboratory: options.laboratory } : {}),
            },
            io.now(),
          );
          io.stdout.write(`calibration of ${entry.subject} recorded as entry ${entry.seq}\n`);
        },
        true,
      );
    });
  calibration
    .command('list')
    .description('print each probe with its certificate, due date and status (valid, due_soon, overdue)')
    .requiredOption('--store <file>', 'records store (SQLite) of the gateway')
    .option(
      '--remind-days <days>',
      'days before the due date at which a probe is due soon',
      numberOption(remindDaysSchema, '30'),
      30,
    )
    .action((options: { store: string; remindDays: number }) => {
      const remind = options.remindDays;
      withTrail(options.store, (trail) => {
        for (const record of calibrationRegister(trail).values()) {
          const status = calibrationStatus(record, io.now(), remind);
          io.stdout.write(`${record.probe}\t${record.certificate}\t${record.due_on}\t${record.offset_c}\t${status}\n`);
        }
      });
    });
}

function registerShipmentCommands(audit: Command, io: CommandIo): void {
  const shipment = audit.command('shipment').description('record the loading and delivery of a truck shipment');
  shipment
    .command('start')
    .description('record the loading of a shipment into a compartment')
    .requiredOption('--store <file>', 'records store (SQLite) of the gateway')
    .requiredOption('--id <shipment>', 'shipment id, unique')
    .requiredOption('--asset <id>', 'asset id of the compartment, as under alarms.assets')
    .requiredOption('--by <name>', 'person recording the loading')
    .option('--at <time>', 'loading time, ISO 8601 (UTC unless an offset is given) or epoch ms; default now')
    .action((options: { store: string; id: string; asset: string; by: string; at?: string }) => {
      withTrail(
        options.store,
        (trail) => {
          const time_ms = options.at === undefined ? io.now() : parseTime(options.at, '--at');
          startShipment(trail, { shipment_id: options.id, asset: options.asset, by: options.by, time_ms });
          io.stdout.write(`shipment ${options.id} loaded into ${options.asset}\n`);
        },
        true,
      );
    });
  shipment
    .command('end')
    .description('record the delivery of a shipment')
    .requiredOption('--store <file>', 'records store (SQLite) of the gateway')
    .requiredOption('--id <shipment>', 'shipment id')
    .requiredOption('--by <name>', 'person recording the delivery')
    .option('--at <time>', 'delivery time, ISO 8601 (UTC unless an offset is given) or epoch ms; default now')
    .action((options: { store: string; id: string; by: string; at?: string }) => {
      withTrail(options.store, (trail) => {
        const time_ms = options.at === undefined ? io.now() : parseTime(options.at, '--at');
        endShipment(trail, { shipment_id: options.id, by: options.by, time_ms });
        io.stdout.write(`shipment ${options.id} delivered\n`);
      });
    });
}

/** Adds `audit` and its subcommands to `program`. */
export function registerAuditCommand(program: Command, io: CommandIo = processIo): void {
  const audit = program.command('audit').description('audit trail, record corrections and calibration register');
  registerVerify(audit, io);
  registerList(audit, io);
  registerCorrect(audit, io);
  registerCalibrationCommands(audit, io);
  registerShipmentCommands(audit, io);
}
