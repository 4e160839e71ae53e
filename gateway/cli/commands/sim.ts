/**
 * `coldpool sim --scenario FILE [--expect]`: runs a hardware-in-the-loop scenario from firmware-sim
 * against a gateway and prints one PASS or FAIL line per expectation. With `--gateway embedded` (the
 * default) a coldpool Gateway runs in-process, configured for the scenario's devices. With `--broker URL`
 * the devices publish to that broker and the gateway under test is whatever reads it. When the caller
 * starts that gateway from `--config-out FILE`, the kit waits for its HTTP API before time starts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { findFreePort } from '../../../firmware-sim/free-port.js';
import { ModbusController } from '../../../firmware-sim/modbus-controller.js';
import type { ObservedAlarm } from '../../../firmware-sim/scenario/alarm-message.js';
import {
  checkExpectations,
  type ExpectationResult,
  formatResult,
} from '../../../firmware-sim/scenario/check-expectations.js';
import { type DeviceAddress, scenarioGatewayConfig } from '../../../firmware-sim/scenario/gateway-config.js';
import { loadScenario } from '../../../firmware-sim/scenario/load-scenario.js';
import { readingsStream } from '../../../firmware-sim/scenario/readings-stream.js';
import { formatRoomReport } from '../../../firmware-sim/scenario/room-report.js';
import { RtuUnit } from '../../../firmware-sim/scenario/rtu-line.js';
import { runScenario, type ScenarioRun, type StartedSite } from '../../../firmware-sim/scenario/run-scenario.js';
import type { Scenario } from '../../../firmware-sim/scenario/scenario-schema.js';
import { countText } from '../../../scheduler/common/count-text.js';
import { SITE_ASSET } from '../../alarms/alarm.js';
import { validateConfig } from '../../config/load.js';
import { Gateway } from '../../gateway.js';
import { createLogger } from '../../logger.js';
import {
  type ExternalStores,
  gatewayHealthUrl,
  prepareExternalStores,
  waitForGateway,
} from './sim-external-gateway.js';

/** Options of one `coldpool sim` run. */
export interface SimOptions {
  /** Scenario file (YAML). */
  scenario: string;
  /** Check the scenario's expectations and fail on any FAIL. Default false. */
  expect?: boolean;
  /** `embedded` starts a coldpool Gateway in-process; `none` leaves the gateway to the caller. Default `embedded`. */
  gateway?: 'embedded' | 'none';
  /** External broker URL. Default: a broker the kit starts on 127.0.0.1. */
  broker?: string;
  /** Simulated seconds per real second; overrides the scenario's. */
  time_scale?: number;
  /** Simulated duration, min; overrides the scenario's. */
  duration_min?: number;
  /** Seed; overrides the scenario's. */
  seed?: number;
  /**
   * Local store of the gateway, with its alarm records beside it. Default for the embedded gateway: a file
   * in a temporary folder, removed afterwards. Default with `gateway: 'none'` and `config_out`: a
   * `<name>-data` directory beside the configuration file, kept afterwards.
   */
  store?: string;
  /** Writes the canonical readings stream (JSON lines) here. */
  readings_out?: string;
  /**
   * Writes the gateway configuration for the started devices (JSON) here. With `gateway: 'none'` the
   * configuration also enables the HTTP API on 127.0.0.1 and a free port, and the devices start publishing
   * only once that API returns 200 from its health route.
   */
  config_out?: string;
  /** Seconds to wait for the gateway started from `config_out`. Default 120. */
  gateway_wait_s?: number;
  /**
   * First port of the Modbus TCP devices without a `port` key: the Nth listens on this port + N - 1, on
   * 127.0.0.1. Default: each picks a free port at start.
   */
  modbus_port?: number;
  /** Log level of the embedded gateway. Default `warn`. */
  log_level?: string;
}

/** Result of one run: the run itself, the expectation results and the exit code. */
export interface SimOutcome {
  run: ScenarioRun;
  results: ExpectationResult[];
  /** 0 when every checked expectation passed, 1 otherwise. */
  exit_code: number;
}

function withOverrides(scenario: Scenario, options: SimOptions): Scenario {
  return {
    ...scenario,
    seed: options.seed ?? scenario.seed,
    run: {
      ...scenario.run,
      time_scale: options.time_scale ?? scenario.run.time_scale,
      duration_min: options.duration_min ?? scenario.run.duration_min,
    },
  };
}

function addresses(site: StartedSite): DeviceAddress[] {
  return site.devices.map((device) => {
    const simulator = device.simulator;
    if ('topic' in simulator) return { spec: device.spec, asset: device.asset, topic: simulator.topic };
    if ('port' in simulator) return { spec: device.spec, asset: device.asset, port: simulator.port };
    return { spec: device.spec, asset: device.asset };
  });
}

/** Formats where the gateway reaches one started device, as a `DEVICE` line. */
function deviceLine(device: StartedSite['devices'][number], serial_path: string | undefined): string {
  const simulator = device.simulator;
  const id = device.spec.id;
  if (simulator instanceof ModbusController)
    return `DEVICE ${id} modbus tcp ${simulator.host}:${simulator.port} unit ${simulator.unit_id}`;
  if (simulator instanceof RtuUnit) return `DEVICE ${id} modbus rtu ${serial_path} unit ${simulator.unit_id}`;
  return `DEVICE ${id} mqtt topic ${simulator.topic}`;
}

/** Runs one scenario and prints its report (and its expectations with `expect`) through `print`. */
export async function runSim(options: SimOptions, print: (line: string) => void): Promise<SimOutcome> {
  const scenario = withOverrides(loadScenario(options.scenario), options);
  const embedded = (options.gateway ?? 'embedded') === 'embedded';
  const log = createLogger({ level: options.log_level ?? 'warn' });
  // The caller starts this gateway from the written file, so its stores must outlive the kit.
  const caller_gateway = !embedded && options.config_out !== undefined;
  const external_stores: ExternalStores | undefined =
    caller_gateway && options.store === undefined ? prepareExternalStores(options.config_out!) : undefined;
  const temp_dir =
    options.store === undefined && external_stores === undefined
      ? mkdtempSync(join(tmpdir(), 'coldpool-sim-'))
      : undefined;
  // A gateway the caller starts may run in another working directory, so its paths are absolute.
  const given_store = options.store !== undefined && caller_gateway ? resolve(options.store) : options.store;
  const store_path = given_store ?? external_stores?.store_path ?? join(temp_dir!, 'sim.db');
  const alarms_store_path =
    external_stores?.alarms_store_path ?? join(dirname(store_path), `${basename(store_path, '.db')}-records.db`);
  const api_port = caller_gateway ? await findFreePort('127.0.0.1') : undefined;
  let gateway: Gateway | undefined;
  const failures = new Map<string, number>();
  const reportError = (source: string, error: unknown) => {
    const count = (failures.get(source) ?? 0) + 1;
    failures.set(source, count);
    // Logs the first error of each device and then every hundredth, so a broker restart does not flood the log.
    if (count === 1 || count % 100 === 0) log.warn({ source, count, err: error }, 'simulated device error');
  };

  print(
    `SCENARIO ${scenario.name}: ${scenario.run.duration_min} min from ${scenario.run.start} at ${scenario.run.time_scale}x, seed ${scenario.seed}`,
  );
  try {
    const run = await runScenario(scenario, {
      ...(options.broker ? { broker_url: options.broker } : {}),
      ...(options.modbus_port === undefined ? {} : { modbus_port: options.modbus_port }),
      onError: reportError,
      beforeStart: async (site) => {
        for (const device of site.devices) print(deviceLine(device, site.serial_path));
        const config = scenarioGatewayConfig(site.scenario, addresses(site), {
          broker_url: site.broker_url,
          store_path,
          alarms_store_path,
          max_clock_skew_s: site.max_clock_skew_s,
          ...(site.serial_path ? { serial_path: site.serial_path } : {}),
          ...(api_port === undefined ? {} : { api_port }),
        });
        if (options.config_out) writeFileSync(options.config_out, `${JSON.stringify(config, null, 2)}\n`);
        if (api_port !== undefined) {
          await waitForCallerGateway(api_port, resolve(options.config_out!), store_path, options, print);
          return;
        }
        if (!embedded) return;
        gateway = new Gateway(validateConfig(config, `scenario ${scenario.name}`), log, { clock: site.sim_now });
        await gateway.start();
      },
      beforeStop: async () => {
        await gateway?.stop();
      },
    });
    for (const event of run.events) {
      const at_min = ((event.time_ms - run.start_ms) / 60_000).toFixed(1);
      print(`EVENT ${event.id} (${event.event}) at ${at_min} min${event.skipped ? `: skipped, ${event.skipped}` : ''}`);
    }
    for (const report of run.rooms_report) print(formatRoomReport(report));
    for (const line of alarmLines(
      run.alarms.map(({ value, arrived_ms }) => ({ alarm: value, sim_ms: run.simTimeOf(arrived_ms) })),
      run.start_ms,
    )) {
      print(line);
    }
    const alarms = countText(run.alarms.length, 'alarm message');
    print(`READINGS ${run.readings.length} seen, ${alarms}, ${countText(run.orders.length, 'order')}`);
    if (options.readings_out) {
      writeFileSync(
        options.readings_out,
        readingsStream(run)
          .map((r) => `${JSON.stringify(r)}\n`)
          .join(''),
      );
    }
    const results = options.expect ? checkExpectations(run) : [];
    for (const result of results) print(formatResult(result));
    const failed = results.filter((result) => !result.pass).length;
    if (options.expect)
      print(`${failed === 0 ? 'PASS' : 'FAIL'} ${results.length - failed}/${results.length} expectations met`);
    return { run, results, exit_code: failed === 0 ? 0 : 1 };
  } finally {
    await gateway?.stop();
    if (temp_dir) rmSync(temp_dir, { recursive: true, force: true });
  }
}

/** Default of `--gateway-wait-s`, seconds. */
const DEFAULT_GATEWAY_WAIT_S = 120;

/**
 * Prints where the gateway's stores go and the command that starts it, then waits until its API responds.
 * The devices are up but publish nothing until simulated time starts after this returns.
 */
async function waitForCallerGateway(
  api_port: number,
  config_file: string,
  store_path: string,
  options: SimOptions,
  print: (line: string) => void,
): Promise<void> {
  const health_url = gatewayHealthUrl(api_port);
  const timeout_s = options.gateway_wait_s ?? DEFAULT_GATEWAY_WAIT_S;
  print(`STORES ${dirname(store_path)} (kept after the run)`);
  print(
    `WAITING for the gateway at ${health_url}: start it with \`coldpool run --config ${config_file}\` ` +
      `(timeout ${timeout_s} s)`,
  );
  const waited_from_ms = Date.now();
  await waitForGateway(health_url, config_file, timeout_s);
  print(`GATEWAY ready after ${((Date.now() - waited_from_ms) / 1000).toFixed(1)} s`);
}

/**
 * Formats one `ALARM` line per alarm message, in arrival order, with its time in minutes after `start_ms`.
 * The gateway sends an alarm's message again while it stays unacknowledged (`renotify_s`), so a message
 * of an alarm and state already listed ends with `(repeat of alarm ID)`.
 */
export function alarmLines(
  messages: ReadonlyArray<{ alarm: ObservedAlarm; sim_ms: number }>,
  start_ms: number,
): string[] {
  const listed = new Set<string>();
  return messages.map(({ alarm, sim_ms }) => {
    const at_min = ((sim_ms - start_ms) / 60_000).toFixed(1);
    const key = `${alarm.id}\n${alarm.state}`;
    const repeat = listed.has(key) ? ` (repeat of alarm ${alarm.id})` : '';
    listed.add(key);
    return `ALARM ${alarm.state} ${alarm.level} ${alarm.kind} on ${alarmTarget(alarm)} at ${at_min} min${repeat}`;
  });
}

/** Names what an alarm is about: its asset, or its site for a site alarm such as a power failure. */
function alarmTarget(alarm: { site: string; asset?: string }): string {
  if (alarm.asset === undefined || alarm.asset === '' || alarm.asset === SITE_ASSET) return `site ${alarm.site}`;
  return alarm.asset;
}

function positive(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new InvalidArgumentError(`"${text}" is not a number greater than 0.`);
  return value;
}

function tcpPort(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 65535)
    throw new InvalidArgumentError(`"${text}" is not a TCP port from 1 to 65535.`);
  return value;
}

function seedOf(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new InvalidArgumentError(`"${text}" is invalid; give a whole number of 0 or more.`);
  return value;
}

/** Registers `coldpool sim` on `program`. */
export function registerSimCommand(program: Command): void {
  program
    .command('sim')
    .description('run a simulated-site scenario against the gateway and check what it must do')
    .requiredOption(
      '--scenario <file>',
      'scenario file (YAML), such as examples/scenarios/compressor-failure-night.yaml',
    )
    .option('--expect', 'check the expectations; print PASS or FAIL per expectation and exit 1 on any FAIL')
    .addOption(
      new Option('--gateway <mode>', 'embedded: start a coldpool gateway in-process; none: test an external one')
        .choices(['embedded', 'none'])
        .default('embedded'),
    )
    .option(
      '--broker <url>',
      'external MQTT broker the devices publish to and the kit watches (implies --gateway none)',
    )
    .option('--time-scale <x>', 'simulated seconds per real second (overrides the scenario)', positive)
    .option('--duration-min <min>', 'simulated minutes to run (overrides the scenario)', positive)
    .option('--seed <n>', 'seed of every random process (overrides the scenario)', seedOf)
    .option(
      '--store <path>',
      'local SQLite store of the gateway (default: a temporary file for the embedded gateway, ' +
        'FILE-data/sim.db beside --config-out FILE with --gateway none)',
    )
    .option('--readings-out <file>', 'write the readings of MQTT devices, sorted by device and time, as JSON lines')
    .option(
      '--config-out <file>',
      'write the gateway configuration for the started devices as JSON; with --gateway none or --broker, ' +
        'wait until the HTTP API of the gateway started from it responds before time starts',
    )
    .option(
      '--gateway-wait-s <s>',
      `seconds to wait for the gateway started from --config-out (default ${DEFAULT_GATEWAY_WAIT_S})`,
      positive,
    )
    .option(
      '--modbus-port <port>',
      'TCP port of the first Modbus TCP device without a port key; the Nth listens on this port + N - 1 (default: free ports)',
      tcpPort,
    )
    .option('--log-level <level>', 'log level of the embedded gateway', 'warn')
    .action(async (flags: Record<string, unknown>) => {
      const outcome = await runSim(
        {
          scenario: flags.scenario as string,
          expect: flags.expect === true,
          gateway: flags.broker ? 'none' : (flags.gateway as 'embedded' | 'none'),
          ...(flags.broker ? { broker: flags.broker as string } : {}),
          ...(flags.timeScale ? { time_scale: flags.timeScale as number } : {}),
          ...(flags.durationMin ? { duration_min: flags.durationMin as number } : {}),
          ...(flags.seed !== undefined ? { seed: flags.seed as number } : {}),
          ...(flags.store ? { store: flags.store as string } : {}),
          ...(flags.readingsOut ? { readings_out: flags.readingsOut as string } : {}),
          ...(flags.configOut ? { config_out: flags.configOut as string } : {}),
          ...(flags.gatewayWaitS !== undefined ? { gateway_wait_s: flags.gatewayWaitS as number } : {}),
          ...(flags.modbusPort !== undefined ? { modbus_port: flags.modbusPort as number } : {}),
          log_level: flags.logLevel as string,
        },
        (line) => process.stdout.write(`${line}\n`),
      );
      process.exitCode = outcome.exit_code;
    });
}
