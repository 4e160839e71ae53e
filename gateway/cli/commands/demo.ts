import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { startFleet } from '../../../firmware-sim/fleet.js';
import { parseHttpAddress } from '../../api/gateway-api.js';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../broker/embedded-broker.js';
import { validateConfig } from '../../config/load.js';
import { demoConfig } from '../../demo/demo-config.js';
import { LiveSummary } from '../../demo/live-summary.js';
import { Gateway } from '../../gateway.js';
import { createLogger, type Logger } from '../../logger.js';
import { onShutdownSignal } from '../shutdown.js';

interface DemoOptions {
  influx?: string;
  http?: string;
  duration?: string;
  mqttPort: string;
  store: string;
  intervalMs: string;
  summaryS: string;
  logLevel: string;
}

function positiveNumber(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${option} ${JSON.stringify(text)} is invalid: give a number of 0 or more`);
  return value;
}

/** Starts the embedded broker on the asked port, or on a free one when that port is taken. */
async function startDemoBroker(port: number, log: Logger): Promise<EmbeddedBroker> {
  try {
    return await startEmbeddedBroker({ host: '127.0.0.1', port });
  } catch (error) {
    if (port === 0) throw error;
    log.warn(
      { port, err: (error as Error).message },
      'mqtt port unavailable; the demo broker takes a free port instead',
    );
    return startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
  }
}

async function runDemo(options: DemoOptions): Promise<void> {
  const durationS = options.duration === undefined ? undefined : positiveNumber(options.duration, '--duration');
  const intervalMs = positiveNumber(options.intervalMs, '--interval-ms');
  const summaryMs = positiveNumber(options.summaryS, '--summary-s') * 1000;
  const http = options.http === undefined ? undefined : parseHttpAddress(options.http);
  const log = createLogger({ level: options.logLevel, pretty: process.stderr.isTTY });

  const broker = await startDemoBroker(positiveNumber(options.mqttPort, '--mqtt-port'), log);
  const fleet = await startFleet({ broker_url: broker.url, interval_ms: intervalMs, seed: 7 });
  const data = demoConfig(fleet.devices, {
    broker_url: broker.url,
    store_path: options.store,
    records_path: join(dirname(options.store), 'demo-records.db'),
    poll_interval_s: intervalMs / 1000,
    ...(options.influx ? { influx_url: options.influx } : {}),
    ...(http ? { http } : {}),
  });
  const gateway = new Gateway(validateConfig(data, 'demo'), log);
  const summary = new LiveSummary(gateway.bus);
  const started = Date.now();

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearInterval(ticker);
    await fleet.stop();
    await gateway.stop();
    await broker.stop();
    process.stdout.write(
      summary.render(Date.now(), `coldpool demo stopped after ${Math.round((Date.now() - started) / 1000)} s`),
    );
  };
  const ticker = setInterval(() => {
    const header = `coldpool demo: ${summary.deviceCount()}/${fleet.devices.length} devices reporting, broker ${broker.url}`;
    process.stdout.write(summary.render(Date.now(), header));
    const metrics = gateway.selfMetrics();
    if (metrics) process.stdout.write(`${LiveSummary.metricsLine(metrics)}\n\n`);
  }, summaryMs);

  onShutdownSignal(stop, log);
  await gateway.start();
  log.info({ devices: fleet.devices.map((device) => device.id), broker: broker.url }, 'demo fleet running');
  const apiUrl = gateway.apiUrl();
  if (apiUrl) process.stdout.write(`dashboard and API: ${apiUrl}/\n`);
  if (durationS !== undefined) {
    setTimeout(() => {
      stop().then(
        () => process.exit(0),
        (error: Error) => {
          log.error({ err: error.message }, 'demo failed to stop cleanly');
          process.exit(1);
        },
      );
    }, durationS * 1000);
  }
}

/** `coldpool demo`: embedded broker, simulated fleet, gateway and local store, with a live summary. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the gateway against a simulated fleet of cold rooms, controllers and reefer trucks')
    .option(
      '--influx <url>',
      'also write to this InfluxDB, e.g. http://127.0.0.1:8086/coldpool (database created if missing)',
    )
    .option('--http <address>', 'serve the HTTP API and dashboard on HOST:PORT, e.g. 127.0.0.1:8080')
    .option('--duration <seconds>', 'stop cleanly after this many seconds, flushing every buffered reading')
    .option('--mqtt-port <port>', 'port of the embedded broker on 127.0.0.1 (a free one if taken)', '1883')
    .option('--store <path>', 'local SQLite store', 'data/demo.db')
    .option('--interval-ms <ms>', 'milliseconds between simulated readings and Modbus polls', '2000')
    .option('--summary-s <seconds>', 'seconds between two live summaries', '5')
    .option('--log-level <level>', 'fatal, error, warn, info, debug or trace', 'info')
    .action((options: DemoOptions) => runDemo(options));
}
