#!/usr/bin/env node
/**
 * Standalone simulator: starts a fleet against a broker and prints where each device can be reached.
 * Example: `node dist/firmware-sim/main.js --broker mqtt://127.0.0.1:1883 --rooms 3 --time-scale 60`.
 * `--fault DEVICE:KEY=VALUE` (repeatable) starts a device with a fault, such as `ctrl-1:drop_share=0.2`.
 * `--broker` is needed only when room nodes or trucks run; `--rooms 0 --trucks 0` runs controllers alone.
 * `--fault-commands` reads `fault DEVICE FAULT` and `clear DEVICE` lines from standard input while it runs.
 */
import { createInterface } from 'node:readline';
import { Command, InvalidArgumentError } from 'commander';
import { type Logger, pino } from 'pino';
import { failureMessage } from './failure-message.js';
import { FAULT_COMMAND_HELP, parseFaultCommand } from './fault-commands.js';
import { collectFaultOption, type FaultOption, fleetFaults } from './fault-options.js';
import { type Fleet, plannedDevices, type SimulatedDevice, startFleet } from './fleet.js';
import { paceWarningMessage } from './publish-pace.js';

function parseCount(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError(`"${text}" is not a whole number >= 0.`);
  return value;
}

function parsePort(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new InvalidArgumentError(`"${text}" is not a TCP port from 1 to 65535.`);
  }
  return value;
}

function parsePositive(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError(`"${text}" is not a number > 0.`);
  return value;
}

/** Formats one device as a line: id, kind, and its topic or Modbus address. */
function describeDevice(device: SimulatedDevice): string {
  const where =
    device.protocol === 'mqtt'
      ? `topic ${device.topic}${device.dialect ? ` (${device.dialect})` : ''}`
      : `modbus tcp ${device.host}:${device.port} unit ${device.unit_id}`;
  return `${device.id.padEnd(10)} ${device.kind.padEnd(10)} ${where}`;
}

/**
 * Applies the fault commands of standard input to the fleet until the input ends. A line that is not a
 * command, or names a device or fault the fleet cannot show, is reported on stderr and skipped.
 */
function readFaultCommands(fleet: Fleet, log: Logger): void {
  const lines = createInterface({ input: process.stdin, terminal: false });
  lines.on('line', (line) => {
    try {
      const command = parseFaultCommand(line);
      switch (command.kind) {
        case 'fault':
          fleet.injectFault(command.device_id, command.fault);
          log.info({ device_id: command.device_id, fault: command.fault }, 'fault injected');
          return;
        case 'clear':
          fleet.clearFault(command.device_id);
          log.info({ device_id: command.device_id }, 'fault cleared');
          return;
        case 'help':
          process.stdout.write(`${FAULT_COMMAND_HELP}\n`);
          return;
        case 'none':
          return;
      }
    } catch (error) {
      process.stderr.write(`${failureMessage(error)}\n`);
    }
  });
}

async function main(): Promise<void> {
  const program = new Command('coldpool-sim')
    .description('Simulated cold-room sensors, Modbus room controllers and reefer trucks')
    .option('--broker <url>', 'MQTT broker URL the room nodes and trucks publish to; required unless both counts are 0')
    .option('--rooms <n>', 'number of MQTT room sensor nodes', parseCount, 3)
    .option('--controllers <n>', 'number of Modbus TCP room controllers', parseCount, 2)
    .option('--trucks <n>', 'number of reefer trucks', parseCount, 2)
    .option('--interval-ms <ms>', 'wall-clock time between publishes, ms', parsePositive, 2000)
    .option('--time-scale <x>', 'simulated seconds per real second', parsePositive, 1)
    .option('--seed <n>', 'seed of every random process', parseCount, 1)
    .option('--modbus-host <host>', 'address the Modbus controllers listen on', '127.0.0.1')
    .option(
      '--modbus-port <port>',
      'TCP port of ctrl-1; ctrl-N listens on this port + N - 1 (default: a free port per controller)',
      parsePort,
    )
    .option('--username <name>', 'MQTT user name; the password is read from COLDPOOL_SIM_MQTT_PASSWORD')
    .option(
      '--fault <device:key=value>',
      'start a device with a fault or event, such as ctrl-1:drop_share=0.2 or room-1:fault=stuck; repeatable (keys in docs/simulation.md)',
      collectFaultOption,
    )
    .option(
      '--fault-commands',
      'read "fault DEVICE FAULT" and "clear DEVICE" lines from standard input while running (see docs/simulation.md)',
    )
    .parse();
  const options = program.opts<{
    broker?: string;
    rooms: number;
    controllers: number;
    trucks: number;
    intervalMs: number;
    timeScale: number;
    seed: number;
    modbusHost: string;
    modbusPort?: number;
    username?: string;
    fault?: FaultOption[];
    faultCommands?: boolean;
  }>();
  const faults = fleetFaults(options.fault ?? [], plannedDevices(options));
  const log = pino({ name: 'coldpool-sim' });
  const failures = new Map<string, number>();

  const fleet = await startFleet({
    ...(options.broker === undefined ? {} : { broker_url: options.broker }),
    rooms: options.rooms,
    controllers: options.controllers,
    trucks: options.trucks,
    interval_ms: options.intervalMs,
    time_scale: options.timeScale,
    seed: options.seed,
    modbus_host: options.modbusHost,
    ...(options.modbusPort === undefined
      ? {}
      : { modbus_port: options.modbusPort, modbus_port_origin: '--modbus-port' }),
    mqtt_username: options.username,
    mqtt_password: process.env.COLDPOOL_SIM_MQTT_PASSWORD,
    faults,
    on_device_error: (device_id, error) => {
      const count = (failures.get(device_id) ?? 0) + 1;
      failures.set(device_id, count);
      // Logs the first failure and then every hundredth, so that a broker outage does not flood the log.
      if (count === 1 || count % 100 === 0) log.warn({ device_id, count, err: error }, 'device error');
    },
    on_publish_behind: (report) => log.warn({ ...report }, paceWarningMessage(report)),
  });
  process.stdout.write(`${fleet.devices.map(describeDevice).join('\n')}\n`);
  log.info(
    {
      devices: fleet.devices.length,
      broker: options.broker,
      time_scale: options.timeScale,
      faults: Object.fromEntries(faults),
    },
    'fleet started',
  );
  if (options.faultCommands === true) readFaultCommands(fleet, log);

  const stop = (signal: string) => {
    log.info({ signal }, 'stopping fleet');
    fleet.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'fleet failed to stop cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${failureMessage(error)}\n`);
  process.exit(1);
});
