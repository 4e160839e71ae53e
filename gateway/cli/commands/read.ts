/**
 * `coldpool read`: reads one Modbus device once and prints every field with its raw register words and
 * decoded value, to check a register map against a device during commissioning. The device is given by
 * address and profile (`--host` or `--serial`, `--unit`, `--profile`) or by its entry in a config file
 * (`--device`, `--config`). Exit status: 0 when every field was read, 2 when some were, and 1 when none
 * was or the command failed before reading (an invalid option, no connection).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { RegisterField } from '../../../devices/modbus/register-field.js';
import {
  dumpFields,
  type FieldDumpRow,
  openRtuReader,
  openTcpReader,
  type RegisterReader,
} from '../../../devices/modbus/register-reader.js';
import type { Parity } from '../../../devices/modbus/rtu-line.js';
import { countText } from '../../../scheduler/common/count-text.js';
import { builtInProfiles, parseConfig } from '../../config/load.js';
import type { TextOutput } from './decode.js';

/** Options of `coldpool read`, as commander passes them (text, parsed by the command). */
export interface ReadOptions {
  /** Modbus TCP host; with `port`, the TCP target. */
  host?: string;
  /** Modbus TCP port. Default 502. */
  port: string;
  /** Serial device path; with the line settings, the RTU target. */
  serial?: string;
  /** Serial bits per second. Default 9600. */
  baud: string;
  /** Serial parity: none, even or odd. Default none. */
  parity: string;
  /** Serial stop bits, 1 or 2. Default 1. */
  stopBits: string;
  /** Unit id, 0 to 255 (1 to 247 on a serial bus). Default 1. */
  unit: string;
  /** Built-in profile that supplies the register map. */
  profile?: string;
  /** Device id to take from `config` in place of the options above. */
  device?: string;
  /** Gateway config file that defines `device`. */
  config?: string;
  /** Time to wait for each reply, in milliseconds. Default 1000. */
  timeoutMs: string;
}

/** Exit status of `coldpool read` when some fields were read and others failed. */
export const READ_EXIT_PARTIAL = 2;
/** Exit status of `coldpool read` when no field could be read, as for any other failed command. */
export const READ_EXIT_NONE = 1;

/** Result of one read: the table to print, the failed rows and the exit status. */
export interface ReadResult {
  text: string;
  /** Number of fields in the register map. */
  field_count: number;
  failed: FieldDumpRow[];
  /** 0 when every field was read, `READ_EXIT_PARTIAL` when some were, `READ_EXIT_NONE` when none was. */
  exit_code: number;
}

/** Reader factory and register map of the device to read, resolved from the options. */
interface ReadTarget {
  open(): Promise<RegisterReader>;
  fields: RegisterField[];
  max_gap: number;
}

/**
 * Adds `read` to `program`. The command writes the table to `output` and the failed fields to `errors`,
 * standard output and standard error by default, and sets `process.exitCode` (see `ReadResult`).
 */
export function registerReadCommand(
  program: Command,
  output: TextOutput = process.stdout,
  errors: TextOutput = process.stderr,
): void {
  program
    .command('read')
    .description('read one Modbus device once and print each field with its raw words and decoded value')
    .option('--host <host>', 'Modbus TCP host of the device or gateway')
    .option('--port <port>', 'Modbus TCP port', '502')
    .option('--serial <path>', 'serial device of an RS-485 bus, such as /dev/ttyUSB0')
    .option('--baud <rate>', 'serial bits per second', '9600')
    .option('--parity <parity>', 'serial parity: none, even or odd', 'none')
    .option('--stop-bits <n>', 'serial stop bits, 1 or 2', '1')
    .option('--unit <id>', 'unit id (slave address)', '1')
    .option('--profile <name>', 'built-in profile with the register map, such as generic-tenths-c')
    .option('--device <id>', 'device id in the file given with --config')
    .option('--config <file>', 'gateway config file that defines --device')
    .option('--timeout-ms <ms>', 'time to wait for each reply, in milliseconds', '1000')
    .action(async (options: ReadOptions) => {
      const result = await readCommand(options);
      output.write(result.text);
      if (result.failed.length > 0) errors.write(formatFailures(result));
      process.exitCode = result.exit_code;
    });
}

/** Reads the device and returns the table the command prints. */
export async function readCommandText(options: ReadOptions): Promise<string> {
  return (await readCommand(options)).text;
}

/** Reads the device and returns the table, the fields that failed and the exit status. */
export async function readCommand(options: ReadOptions): Promise<ReadResult> {
  const target = resolveTarget(options);
  const reader = await target.open();
  let rows: FieldDumpRow[];
  try {
    rows = await dumpFields(reader, target.fields, { max_gap: target.max_gap });
  } finally {
    await reader.close();
  }
  const failed = rows.filter((row) => row.error !== undefined);
  let exit_code = 0;
  if (failed.length === rows.length && rows.length > 0) exit_code = READ_EXIT_NONE;
  else if (failed.length > 0) exit_code = READ_EXIT_PARTIAL;
  return { text: formatRows(rows), field_count: rows.length, failed, exit_code };
}

/** Formats the failed fields for standard error: a summary line, then one line per field with its error. */
function formatFailures(result: ReadResult): string {
  const count = `${result.failed.length} of ${countText(result.field_count, 'field')}`;
  const summary =
    result.exit_code === READ_EXIT_NONE
      ? `coldpool: no field could be read (${count} failed); check the address, the unit id and the register map`
      : `coldpool: ${count} could not be read; the table shows the others`;
  const lines = result.failed.map(
    (row) => `  ${row.field.name} (${row.field.table} ${row.field.address}): ${row.error}`,
  );
  return `${[summary, ...lines].join('\n')}\n`;
}

function resolveTarget(options: ReadOptions): ReadTarget {
  const timeoutMs = parseInteger(options.timeoutMs, '--timeout-ms', 1, 60_000);
  if (options.device !== undefined || options.config !== undefined) return configTarget(options, timeoutMs);
  if (options.profile === undefined) {
    throw new Error('--profile is missing: give a profile such as generic-tenths-c, or --device with --config');
  }
  const fields = profileFields(options.profile);
  const unitId = parseInteger(options.unit, '--unit', 0, 255);
  if (options.serial !== undefined) {
    const bus = {
      path: options.serial,
      baud_rate: parseInteger(options.baud, '--baud', 300, 4_000_000),
      parity: parseParity(options.parity) as Parity,
      stop_bits: parseInteger(options.stopBits, '--stop-bits', 1, 2) as 1 | 2,
    };
    return { open: async () => openRtuReader(bus, unitId, timeoutMs), fields, max_gap: 0 };
  }
  if (options.host === undefined) throw new Error('--host or --serial is missing: say where the device is');
  const host = options.host;
  const port = parseInteger(options.port, '--port', 1, 65535);
  return { open: () => openTcpReader(host, port, unitId, timeoutMs), fields, max_gap: 0 };
}

function configTarget(options: ReadOptions, timeoutMs: number): ReadTarget {
  if (options.device === undefined || options.config === undefined) {
    throw new Error('--device and --config go together: give the device id and the config file that defines it');
  }
  const resolved = parseConfig(readFileSync(options.config, 'utf8'), options.config);
  const device = resolved.devices.find((entry) => entry.id === options.device);
  if (!device) {
    const known = resolved.devices.map((entry) => entry.id).join(', ');
    throw new Error(`device ${options.device} is not in ${options.config}; devices there: ${known}`);
  }
  if (device.protocol !== 'modbus_tcp') {
    throw new Error(`device ${device.id} uses ${device.protocol}, and read supports Modbus devices only`);
  }
  const fields = device.registers.map((field) => ({ ...field }));
  return {
    open: () => openTcpReader(device.host, device.port, device.unit_id, Math.min(timeoutMs, device.timeout_ms)),
    fields,
    max_gap: device.max_gap,
  };
}

function profileFields(name: string): RegisterField[] {
  const profiles = builtInProfiles();
  const profile = profiles[name];
  if (!profile?.registers) {
    const modbus = Object.entries(profiles)
      .filter(([, entry]) => entry.registers)
      .map(([key]) => key)
      .join(', ');
    throw new Error(`profile ${name} is not a built-in Modbus profile; use one of ${modbus}`);
  }
  return profile.registers.map((field) => ({ ...field }));
}

function formatRows(rows: FieldDumpRow[]): string {
  const lines = rows.map((row) => [
    row.field.name,
    `${row.field.table} ${row.field.address}`,
    formatRaw(row.raw),
    row.error === undefined ? formatValue(row) : `error: ${row.error}`,
  ]);
  return formatTable([['field', 'address', 'raw', 'value'], ...lines]);
}

function formatRaw(raw: number[] | boolean[]): string {
  return raw.map(formatRawItem).join(' ');
}

function formatRawItem(item: number | boolean): string {
  if (typeof item === 'boolean') return item ? '1' : '0';
  return item.toString(16).toUpperCase().padStart(4, '0');
}

function formatValue(row: FieldDumpRow): string {
  const unit = row.field.unit && row.field.unit !== 'none' ? ` ${row.field.unit}` : '';
  return `${String(row.value)}${unit}`;
}

/** Parses a whole number option, or throws an error naming the option and the range. */
export function parseInteger(text: string, option: string, min: number, max: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${option} ${text} is invalid, give a whole number from ${min} to ${max}`);
  }
  return value;
}

/** Parses a parity name; `n`, `e` and `o` are accepted as in 8N1 and 8E1. */
export function parseParity(text: string): 'none' | 'even' | 'odd' {
  const names: Record<string, 'none' | 'even' | 'odd'> = {
    none: 'none',
    n: 'none',
    even: 'even',
    e: 'even',
    odd: 'odd',
    o: 'odd',
  };
  const parity = names[text.toLowerCase()];
  if (!parity) throw new Error(`parity ${text} is invalid, use none, even or odd`);
  return parity;
}

/** Lays out rows as left-aligned columns separated by two spaces, the first row being the header. */
export function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}
