/**
 * `coldpool scan`: finds the unit ids that reply on a Modbus TCP gateway (`--host`) or an RS-485 bus
 * (`--serial`). On a serial bus it tries each baud rate and parity in turn, because a new site's line
 * settings are often unknown, and stops at the first setting where units reply unless `--all-settings` is given.
 */
import type { Command } from 'commander';
import type { Parity } from '../../../devices/modbus/rtu-line.js';
import { type FoundUnit, scanRtuUnits, scanTcpUnits } from '../../../devices/modbus/unit-scan.js';
import { countText } from '../../../scheduler/common/count-text.js';
import type { TextOutput } from './decode.js';
import { parseInteger, parseParity } from './read.js';

/** Options of `coldpool scan`, as commander passes them (text, parsed by the command). */
export interface ScanOptions {
  /** Modbus TCP host to scan behind. */
  host?: string;
  /** Modbus TCP port. Default 502. */
  port: string;
  /** Serial device path to scan. */
  serial?: string;
  /** Comma-separated baud rates to try. Default 9600,19200,38400. */
  baud: string;
  /** Comma-separated parities to try. Default none,even. */
  parity: string;
  /** Serial stop bits, 1 or 2. Default 1. */
  stopBits: string;
  /** Unit ids to probe, such as 1-247 or 1,2,10-20. Default 1-247. */
  units: string;
  /** Time to wait for each unit, in milliseconds. Default 100. */
  timeoutMs: string;
  /** Try every serial setting rather than stopping at the first where a unit replies. Default false. */
  allSettings?: boolean;
}

/** Adds `scan` to `program`. The command writes to `output`, standard output by default. */
export function registerScanCommand(program: Command, output: TextOutput = process.stdout): void {
  program
    .command('scan')
    .description('find the Modbus unit ids that answer on a TCP gateway or a serial bus')
    .option('--host <host>', 'Modbus TCP host of the device or gateway')
    .option('--port <port>', 'Modbus TCP port', '502')
    .option('--serial <path>', 'serial device of an RS-485 bus, such as /dev/ttyUSB0')
    .option('--baud <rates>', 'comma-separated baud rates to try on --serial', '9600,19200,38400')
    .option('--parity <parities>', 'comma-separated parities to try on --serial: none, even, odd', 'none,even')
    .option('--stop-bits <n>', 'serial stop bits, 1 or 2', '1')
    .option('--units <range>', 'unit ids to probe, such as 1-247 or 1,2,10-20', '1-247')
    .option('--timeout-ms <ms>', 'time to wait for each unit, in milliseconds', '100')
    .option('--all-settings', 'try every serial setting, not only up to the first with answers')
    .action(async (options: ScanOptions) => {
      await scanCommand(options, output);
    });
}

/** Runs the scan, writing one line per setting as it finishes. */
export async function scanCommand(options: ScanOptions, output: TextOutput): Promise<void> {
  const units = parseUnits(options.units);
  const timeoutMs = parseInteger(options.timeoutMs, '--timeout-ms', 1, 10_000);
  if (options.serial !== undefined) {
    await scanSerial(options.serial, units, timeoutMs, options, output);
    return;
  }
  if (options.host === undefined) throw new Error('--host or --serial is missing: say where to scan');
  const port = parseInteger(options.port, '--port', 1, 65535);
  output.write(
    `scanning ${units.length} unit ids on ${options.host}:${port}, about ${estimate(units.length, timeoutMs)}\n`,
  );
  const found = await scanTcpUnits(options.host, port, units, timeoutMs);
  output.write(`${options.host}:${port}: ${describeFound(found)}\n`);
}

async function scanSerial(path: string, units: number[], timeoutMs: number, options: ScanOptions, output: TextOutput) {
  const bauds = options.baud.split(',').map((text) => parseInteger(text, '--baud', 300, 4_000_000));
  const parities = options.parity.split(',').map((text) => parseParity(text) as Parity);
  const stopBits = parseInteger(options.stopBits, '--stop-bits', 1, 2) as 1 | 2;
  const settings = bauds.flatMap((baud) => parities.map((parity) => ({ baud, parity })));
  output.write(
    `scanning ${countText(units.length, 'unit id')} on ${path} with ${countText(settings.length, 'setting')}, ` +
      `about ${estimate(units.length * settings.length, timeoutMs)}\n`,
  );
  for (const { baud, parity } of settings) {
    const label = `${baud} 8${parity[0]!.toUpperCase()}${stopBits}`;
    const result = await scanRtuUnits({ path, baud_rate: baud, parity, stop_bits: stopBits }, units, timeoutMs);
    const noise =
      result.found.length === 0 && result.stats.bytes_discarded > 0
        ? ` (${result.stats.bytes_discarded} bytes without a valid frame: wrong baud rate or parity?)`
        : '';
    output.write(`${label}: ${describeFound(result.found)}${noise}\n`);
    if (result.found.length > 0 && !options.allSettings) return;
  }
}

/** Parses `1-247` or `1,2,10-20` into sorted unique unit ids from 1 to 247. */
export function parseUnits(text: string): number[] {
  const units = new Set<number>();
  for (const part of text.split(',')) {
    const [first, last] = part.split('-');
    const from = parseInteger(first ?? '', '--units', 1, 247);
    const to = last === undefined ? from : parseInteger(last, '--units', 1, 247);
    if (to < from) throw new Error(`--units range ${part} is invalid, give the lower id first`);
    for (let unit = from; unit <= to; unit++) units.add(unit);
  }
  return [...units].sort((a, b) => a - b);
}

function describeFound(found: FoundUnit[]): string {
  if (found.length === 0) return 'no unit answered';
  const list = found.map((unit) =>
    unit.exception_code === undefined ? `${unit.unit_id}` : `${unit.unit_id} (exception ${unit.exception_code})`,
  );
  return `unit ${list.join(', ')}`;
}

/** Estimated scan time when no unit replies, as text. */
function estimate(probes: number, timeoutMs: number): string {
  return `${Math.ceil((probes * (timeoutMs + 5)) / 1000)} s`;
}
