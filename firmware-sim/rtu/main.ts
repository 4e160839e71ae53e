/**
 * `tsx firmware-sim/rtu/main.ts --path /dev/pts/N --units 1,2,3`: runs simulated RTU controllers on a
 * serial port or pty until interrupted, to try the gateway or `coldpool scan` by hand.
 * `--fault UNIT:KEY=VALUE` (repeatable) sets a field of `UnitFaults`, such as `2:corrupt_share=0.1`.
 */
import { Command } from 'commander';
import { collectFaultOption, type FaultOption, unitFaults } from '../fault-options.js';
import { waveformValues } from './controller-values.js';
import { physicsValues } from './physics-values.js';
import { RtuControllerSim } from './rtu-controller-sim.js';
import type { UnitFaults } from './rtu-faults.js';

const program = new Command()
  .name('rtu-sim')
  .description('simulated Modbus RTU cold-room controllers on one serial line')
  .requiredOption('--path <path>', 'serial device or pty to open')
  .option('--units <ids>', 'comma-separated unit ids that reply, 1 to 247', '1')
  .option('--baud <rate>', 'bits per second', '9600')
  .option('--parity <parity>', 'none, even or odd', 'none')
  .option('--silent <ids>', 'comma-separated unit ids that never reply', '')
  .option('--noise <bytes>', 'random bytes sent before every reply', '0')
  .option('--physics', 'serve values from the cold-room physics model instead of test waveforms')
  .option(
    '--fault <unit:key=value>',
    'give a unit a fault: silent, echo or fragment (true/false), noise_bytes, corrupt_share (0-1), exception (code) or delay_ms; repeatable',
    collectFaultOption,
  )
  .parse();

const options = program.opts<{
  physics?: boolean;
  path: string;
  units: string;
  baud: string;
  parity: string;
  silent: string;
  noise: string;
  fault?: FaultOption[];
}>();
const ids = (text: string) => (text === '' ? [] : text.split(',').map((id) => Number.parseInt(id, 10)));
const sim = new RtuControllerSim({
  path: options.path,
  units: ids(options.units),
  baud_rate: Number(options.baud),
  parity: options.parity as 'none' | 'even' | 'odd',
  values: options.physics ? physicsValues(Date.now()) : waveformValues,
});
let faults: Map<number, UnitFaults>;
try {
  faults = unitFaults(options.fault ?? [], ids(options.units));
} catch (error) {
  process.stderr.write(`rtu-sim: ${(error as Error).message}\n`);
  process.exit(2);
}
for (const unit of ids(options.units)) {
  sim.setFaults(unit, {
    silent: ids(options.silent).includes(unit),
    noise_bytes: Number(options.noise),
    ...faults.get(unit),
  });
}
await sim.start();
process.stdout.write(`rtu-sim: units ${options.units} on ${options.path} at ${options.baud} baud\n`);
process.on('SIGINT', () => void sim.stop().then(() => process.exit(0)));
process.on('SIGTERM', () => void sim.stop().then(() => process.exit(0)));
