import { describe, expect, it } from 'vitest';
import { FaultCommandError, parseFaultCommand } from '../../firmware-sim/fault-commands.js';

/** Returns the message of the `FaultCommandError` that parsing `line` raises. */
function problemOf(line: string): string {
  try {
    parseFaultCommand(line);
  } catch (error) {
    if (error instanceof FaultCommandError) return error.message;
    throw error;
  }
  throw new Error(`"${line}" was parsed`);
}

describe('simulator fault commands', () => {
  it('reads fault, clear and help lines', () => {
    expect(parseFaultCommand('fault ctrl-1 probe_fault')).toEqual({
      kind: 'fault',
      device_id: 'ctrl-1',
      fault: 'probe_fault',
    });
    expect(parseFaultCommand('  clear   room-2 ')).toEqual({ kind: 'clear', device_id: 'room-2' });
    expect(parseFaultCommand('help')).toEqual({ kind: 'help' });
  });

  it('skips blank lines and comments', () => {
    expect(parseFaultCommand('')).toEqual({ kind: 'none' });
    expect(parseFaultCommand('   ')).toEqual({ kind: 'none' });
    expect(parseFaultCommand('# door test starts here')).toEqual({ kind: 'none' });
  });

  it('names an unknown fault and the known ones', () => {
    expect(problemOf('fault room-1 frozen')).toBe(
      'command "fault room-1 frozen" is invalid: "frozen" is not a fault: use one of probe_fault, probe_disconnected, stuck, disconnect, malformed',
    );
  });

  it('names an unknown command and the accepted forms', () => {
    expect(problemOf('inject room-1 stuck')).toBe(
      'command "inject room-1 stuck" is invalid: "inject" is not a command: use "fault DEVICE FAULT", "clear DEVICE" or "help"',
    );
  });

  it('rejects a wrong number of arguments', () => {
    expect(problemOf('fault room-1')).toMatch(/fault takes a device id and a fault/);
    expect(problemOf('fault room-1 stuck now')).toMatch(/fault takes a device id and a fault/);
    expect(problemOf('clear')).toMatch(/clear takes one device id/);
    expect(problemOf('clear room-1 room-2')).toMatch(/clear takes one device id/);
    expect(problemOf('help me')).toMatch(/help takes no argument/);
  });
});
