import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { startFleet } from '../../../firmware-sim/fleet.js';
import { paceWarningMessage } from '../../../firmware-sim/publish-pace.js';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../broker/embedded-broker.js';
import { validateConfig } from '../../config/load.js';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../../config/schema.js';
import { demoConfig } from '../../demo/demo-config.js';
import { type DemoFlags, parseDemoFlags } from '../../demo/demo-options.js';
import { IngestLag, ingestLagMessage } from '../../demo/ingest-lag.js';
import { LiveSummary } from '../../demo/live-summary.js';
import { Gateway } from '../../gateway.js';
import { createLogger, type Logger } from '../../logger.js';
import { QueueError } from '../../queue/queue-errors.js';
import { logBrokerRejections } from '../../security/rejection-log.js';
import { onShutdownSignal } from '../shutdown.js';

/**
 * Starts the embedded broker on the requested port, or on a free one when that port is taken. It rejects a
 * PUBLISH larger than the default `mqtt.broker.max_payload_bytes` and closes that client's connection, as
 * the broker of `coldpool run` does.
 */
async function startDemoBroker(port: number, log: Logger): Promise<EmbeddedBroker> {
  // NOTE: the demo's gateway connects to this broker as an external one, so its own MQTT clients do not
  // check this limit before they publish. Only the broker enforces it.
  const options = { host: '127.0.0.1', max_payload_bytes: DEFAULT_MAX_PAYLOAD_BYTES };
  try {
    return await startEmbeddedBroker({ ...options, port });
  } catch (error) {
    if (port === 0) throw error;
    log.warn(
      { port, err: (error as Error).message },
      'mqtt port unavailable; the demo broker takes a free port instead',
    );
    return startEmbeddedBroker({ ...options, port: 0 });
  }
}

/**
 * Returns the error of a failed demo start. A queue lock error is reworded to name `--store`, because the
 * demo keeps its queue beside that store and has no `outputs.queue.path` option.
 */
function demoStartError(error: unknown, storePath: string): unknown {
  if (!(error instanceof QueueError) || error.lock_owner === undefined) return error;
  const { pid, queue_path, lock_path } = error.lock_owner;
  return new QueueError(
    error.code,
    `queue file ${queue_path}, kept beside --store ${storePath}, is in use by process ${pid}; stop that process ` +
      `or give this demo a --store in another folder (if no gateway runs, delete ${lock_path})`,
    error.lock_owner,
  );
}

async function runDemo(flags: DemoFlags): Promise<void> {
  const settings = parseDemoFlags(flags);
  const { duration_s: durationS, interval_ms: intervalMs, summary_ms: summaryMs, http } = settings;
  const log = createLogger({ level: settings.log_level, pretty: process.stderr.isTTY });

  const broker = await startDemoBroker(settings.mqtt_port, log);
  const stopRejectionLog = logBrokerRejections(broker.events, log);
  const fleet = await startFleet({
    broker_url: broker.url,
    interval_ms: intervalMs,
    seed: 7,
    on_publish_behind: (report) => log.warn({ ...report }, paceWarningMessage(report)),
  });
  const data = demoConfig(fleet.devices, {
    broker_url: broker.url,
    store_path: settings.store_path,
    records_path: join(dirname(settings.store_path), 'demo-records.db'),
    poll_interval_s: intervalMs / 1000,
    ...(settings.influx_url ? { influx_url: settings.influx_url } : {}),
    ...(http ? { http } : {}),
  });
  const gateway = new Gateway(validateConfig(data, 'demo'), log);
  const summary = new LiveSummary(gateway.bus);
  const lag = new IngestLag(gateway.bus, {
    interval_ms: intervalMs,
    stamping_devices: fleet.devices.filter((device) => device.protocol === 'mqtt').length,
  });
  const lagTicker = setInterval(() => {
    const report = lag.check();
    if (report !== undefined) log.warn({ ...report }, ingestLagMessage(report));
  }, 5000);
  lagTicker.unref();
  const started = Date.now();

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearInterval(ticker);
    clearInterval(lagTicker);
    // The gateway stops its inputs first, then commits what it read to the durable queue and stops its
    // outputs. The simulated fleet stops after it, so no Modbus poll meets a controller that has closed.
    await gateway.stop();
    await fleet.stop();
    await broker.stop();
    stopRejectionLog();
    process.stdout.write(
      summary.render(Date.now(), `coldpool demo stopped after ${Math.round((Date.now() - started) / 1000)} s`),
    );
    // The totals after the flush: what was received, written and left in the queue.
    const metrics = gateway.selfMetrics();
    if (metrics) process.stdout.write(`${LiveSummary.metricsLine(metrics)}\n`);
  };
  const ticker = setInterval(() => {
    const header = `coldpool demo: ${summary.deviceCount()}/${fleet.devices.length} devices reporting, broker ${broker.url}`;
    process.stdout.write(summary.render(Date.now(), header));
    const metrics = gateway.selfMetrics();
    if (metrics) process.stdout.write(`${LiveSummary.metricsLine(metrics)}\n\n`);
  }, summaryMs);

  onShutdownSignal(stop, log);
  try {
    await gateway.start();
  } catch (error) {
    throw demoStartError(error, settings.store_path);
  }
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
    .option(
      '--http <address>',
      'serve the HTTP API and dashboard on a loopback HOST:PORT, e.g. 127.0.0.1:8080 (the demo has no login)',
    )
    .option('--duration <seconds>', 'stop cleanly after this many seconds, flushing every buffered reading')
    .option('--mqtt-port <port>', 'port of the embedded broker on 127.0.0.1 (a free one if taken)', '1883')
    .option('--store <path>', 'local SQLite store', 'data/demo.db')
    .option('--interval-ms <ms>', 'milliseconds between simulated readings and Modbus polls', '2000')
    .option('--summary-s <seconds>', 'seconds between two live summaries', '5')
    .option('--log-level <level>', 'fatal, error, warn, info, debug or trace', 'info')
    .action((flags: DemoFlags) => runDemo(flags));
}
