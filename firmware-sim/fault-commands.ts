/**
 * Fault commands that the standalone simulator reads from its standard input while it runs, one per line,
 * so that a hardware-in-the-loop script can start and end a fault at the moment it chooses:
 *
 *   fault DEVICE FAULT   the device shows FAULT (one of `FAULTS`) until a `clear` or another `fault`
 *   clear DEVICE         the device returns to normal
 *   help                 lists the commands
 *
 * Blank lines and lines starting with `#` are skipped. A line that is not a command gets an error that
 * names it and the accepted forms; the simulator keeps running.
 */
import { FAULTS, type Fault } from './faults.js';

/** One parsed line. */
export type FaultCommand =
  | { kind: 'fault'; device_id: string; fault: Fault }
  | { kind: 'clear'; device_id: string }
  | { kind: 'help' }
  | { kind: 'none' };

/** Raised for a line that is not a fault command. */
export class FaultCommandError extends Error {
  readonly code = 'SIM_COMMAND_INVALID';

  constructor(line: string, problem: string) {
    super(`command "${line}" is invalid: ${problem}`);
    this.name = 'FaultCommandError';
  }
}

/** The accepted forms, as `help` prints them. */
export const FAULT_COMMAND_HELP = [
  `fault DEVICE FAULT   make DEVICE show FAULT, one of ${FAULTS.join(', ')}`,
  'clear DEVICE         return DEVICE to normal',
  'help                 list these commands',
].join('\n');

const FORMS = 'use "fault DEVICE FAULT", "clear DEVICE" or "help"';

/** Parses one line of standard input. Raises `FaultCommandError`. */
export function parseFaultCommand(line: string): FaultCommand {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return { kind: 'none' };
  const [verb, ...rest] = text.split(/\s+/);
  switch (verb) {
    case 'help':
      if (rest.length > 0) throw new FaultCommandError(text, 'help takes no argument');
      return { kind: 'help' };
    case 'clear': {
      const [device_id] = rest;
      if (device_id === undefined || rest.length !== 1) {
        throw new FaultCommandError(text, 'clear takes one device id, such as "clear room-1"');
      }
      return { kind: 'clear', device_id };
    }
    case 'fault': {
      const [device_id, name] = rest;
      if (device_id === undefined || name === undefined || rest.length !== 2) {
        throw new FaultCommandError(text, 'fault takes a device id and a fault, such as "fault ctrl-1 probe_fault"');
      }
      const fault = FAULTS.find((known) => known === name);
      if (fault === undefined) {
        throw new FaultCommandError(text, `"${name}" is not a fault: use one of ${FAULTS.join(', ')}`);
      }
      return { kind: 'fault', device_id, fault };
    }
    default:
      throw new FaultCommandError(text, `"${verb}" is not a command: ${FORMS}`);
  }
}
