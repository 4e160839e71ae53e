/**
 * Builds the outputs behind the durable queue and runs them. Every reading is committed to the queue
 * (gateway/queue) first. Each output (local store, InfluxDB, MQTT republish) then reads it from disk
 * and acknowledges it once its destination has it, so an outage or a crash delays points but loses none.
 */
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config/schema.js';
import type { EventBus } from './events.js';
import type { MqttCredentials } from './mqtt-credentials.js';
import { FieldConflictLog } from './outputs/field-conflict-log.js';
import type { DroppedFieldsReport } from './outputs/influx-line-encoder.js';
import { InfluxSink } from './outputs/influx-sink.js';
import { InfluxWorkerSink } from './outputs/influx-worker-sink.js';
import { LocalStore } from './outputs/local-store.js';
import type { OutputStats } from './outputs/output.js';
import { OutputSink } from './outputs/output-sink.js';
import type { FieldConflictCount } from './outputs/removed-field-letters.js';
import { createRepublishOutput } from './outputs/republish-client.js';
import { DurableQueue } from './queue/durable-queue.js';
import { parseQueueConfig, type QueueConfig } from './queue/queue-config.js';
import { type ConsumerStats, QueueConsumer } from './queue/queue-consumer.js';
import type { DeliveryReport, Sink } from './queue/sink.js';
import { RateLimitedLog } from './rate-limited-log.js';
import type { Reading } from './reading.js';
import { resumeReceiveTimes } from './resume-receive-times.js';
import { readSecret } from './secrets.js';
import { DevicePollCounter } from './self-metrics/device-poll-counts.js';
import { collectSelfMetrics, type SelfMetricsSnapshot, type SelfMetricsSources } from './self-metrics/self-metrics.js';
import { SelfMetricsWriter } from './self-metrics/self-metrics-writer.js';
import type { GatewayStats } from './stats.js';
import { createStoreDirectory } from './store-directory.js';
import { UpstreamOutput } from './upstream/upstream-output.js';
import { upstreamSink } from './upstream/upstream-sink.js';

/** Output names, as used for queue cursors, logs and the `output` tag of the self-metrics. */
export type OutputName = 'influx' | 'local_store' | 'mqtt_republish' | 'upstream';

/** Counters of one output. */
export interface QueueConsumerStatsEntry {
  name: string;
  stats: ConsumerStats;
}

/** Gateway state the output set reads: the bus and the pipeline counters. */
export interface OutputSetContext {
  bus: EventBus;
  stats(): GatewayStats;
}

/** Returns the queue settings from `outputs.queue` of the config. */
export function queueSettingsOf(config: GatewayConfig): Partial<QueueConfig> {
  return config.outputs.queue;
}

/** Returns the queue file path: the configured one, or `queue.db` in the local store's folder. */
export function queuePath(config: GatewayConfig, queue: Partial<QueueConfig>): string {
  return queue.path ?? join(dirname(config.outputs.local_store.path), 'queue.db');
}

/** True when the republish output will run, so the queue keeps points for it from the first start. */
function republishWanted(config: GatewayConfig): boolean {
  return config.mqtt.republish.enabled && (config.mqtt.url !== undefined || config.mqtt.broker.enabled);
}

/** The InfluxDB sink: on a worker thread unless `worker_thread` is off. */
type InfluxQueueSink = InfluxSink | InfluxWorkerSink;

/**
 * Reads the InfluxDB and upstream passwords and throws `SecretError` when one cannot be read. The gateway
 * calls it before `OutputSet.start`, so a missing password stops the start before any store directory or
 * file is created. The sinks read the passwords again when they are built.
 */
export function checkOutputSecrets(config: GatewayConfig): void {
  if (config.outputs.influx !== undefined) readSecret(config.outputs.influx, 'outputs.influx');
  if (config.upstream !== undefined) readSecret(config.upstream, 'upstream');
}

function influxSink(
  config: GatewayConfig,
  log: Logger,
  bus: EventBus,
  queue_path: string,
): InfluxQueueSink | undefined {
  const influx = config.outputs.influx;
  if (influx === undefined) return undefined;
  const password = readSecret(influx, 'outputs.influx');
  const options = {
    url: influx.url,
    ...(influx.username !== undefined ? { username: influx.username } : {}),
    ...(password !== undefined ? { password } : {}),
    credential_settings:
      'outputs.influx.username and the password that outputs.influx.password_env or outputs.influx.password_file gives',
    batch_size: influx.batch_size,
    max_batch_bytes: influx.max_batch_bytes,
    timeout_ms: influx.timeout_ms,
    writes_in_flight: influx.writes_in_flight,
  };
  const sink = influx.worker_thread ? new InfluxWorkerSink(options, queue_path) : new InfluxSink(options);
  sink.on('write_error', ({ error, attempt }: { error: Error; attempt: number }) =>
    log.warn(
      { output: 'influx', err: error.message, attempt },
      'influxdb write failed; points stay queued and are retried',
    ),
  );
  sink.on('rejected', ({ count, reason }: { count: number; reason: string }) =>
    log.error({ output: 'influx', count, reason }, 'influxdb rejected points; they are stored as dead letters'),
  );
  // The gateway logs these through its rate-limited log, one line per device, field and reason.
  sink.on('fields_dropped', (report: DroppedFieldsReport) => bus.emit('influx_fields_dropped', report));
  const conflictLog = new FieldConflictLog(new RateLimitedLog(log));
  sink.on('field_type_conflict', (conflict: FieldConflictCount) => conflictLog.record(conflict));
  return sink;
}

/** The durable queue and the outputs it feeds. */
export class OutputSet {
  private readonly consumers: QueueConsumer[] = [];
  private readonly pollCounter: DevicePollCounter;
  private readonly metricsWriter: SelfMetricsWriter;
  private readonly metricsSources: SelfMetricsSources;
  private readonly dropLog: RateLimitedLog;
  /** True when QoS 1 messages are acknowledged only once their readings are synced to disk. */
  readonly commitBeforeAck: boolean;

  private constructor(
    readonly queue: DurableQueue,
    private readonly config: GatewayConfig,
    private readonly log: Logger,
    context: OutputSetContext,
  ) {
    this.dropLog = new RateLimitedLog(log);
    this.commitBeforeAck = queue.settings.commit_before_ack && config.mqtt.qos === 1;
    this.pollCounter = new DevicePollCounter(context.bus);
    this.metricsSources = {
      gateway: () => context.stats(),
      queue: (now_ms) => this.queue.stats(now_ms),
      outputs: () => this.outputStats(),
      devices: () => this.pollCounter.counts(),
      configured_devices: () => config.devices.map((device) => device.id),
    };
    this.metricsWriter = new SelfMetricsWriter(
      this.metricsSources,
      { site: config.site, gateway: config.mqtt.client_id },
      (readings) => this.queue.enqueue(readings),
    );
    this.watchQueue();
  }

  /**
   * Opens the queue and starts the storage outputs (local store, InfluxDB); points left in the queue by
   * an earlier run are delivered first. The republish output starts later with `startRepublish`.
   */
  static async start(config: GatewayConfig, log: Logger, context: OutputSetContext): Promise<OutputSet> {
    const settings = parseQueueConfig(queueSettingsOf(config));
    const path = queuePath(config, settings);
    // Without outputs.queue.path the queue is kept beside the local store.
    const pathSetting =
      settings.path !== undefined ? 'outputs.queue.path' : 'outputs.local_store.path or outputs.queue.path';
    createStoreDirectory(path, pathSetting);
    const sinks: Sink[] = [];
    const store = config.outputs.local_store;
    if (store.enabled) {
      createStoreDirectory(store.path, 'outputs.local_store.path');
      sinks.push(
        new OutputSink('local_store', new LocalStore({ path: store.path, retention_days: store.retention_days })),
      );
    }
    const influx = influxSink(config, log, context.bus, path);
    if (influx !== undefined) sinks.push(influx);
    const upstream = upstreamSink(config, log);
    if (upstream !== undefined) sinks.push(upstream);
    const names = [...sinks.map((sink) => sink.name), ...(republishWanted(config) ? ['mqtt_republish'] : [])];
    const queue = new DurableQueue({
      ...settings,
      path,
      path_setting: pathSetting,
      outputs: names,
      // Rows keep InfluxDB line protocol beside the JSON, so the InfluxDB output sends them as stored.
      ...(influx !== undefined ? { line_encoder: (reading: Reading) => influx.encodeLine(reading) } : {}),
      // JSON is kept only for outputs that read readings rather than lines.
      keep_readings: names.some((name) => name !== influx?.name),
    });
    // Receive times of this run start after those that the previous run stored.
    resumeReceiveTimes(queue, path, log);
    const set = new OutputSet(queue, config, log, context);
    const backlog = queue.stats();
    log.info({ path, depth_points: backlog.depth_points, outputs: names }, 'durable queue opened');
    for (const removed of queue.removedOutputs) {
      if (removed.unacknowledged_points === 0) continue;
      log.warn(
        { path, output: removed.output, unacknowledged_points: removed.unacknowledged_points },
        `output ${removed.output} is no longer configured, so the ${removed.unacknowledged_points} queued points it had not delivered are dropped; to keep an output's backlog across a restart, keep the output enabled (a changed address keeps it)`,
      );
    }
    const staleOwner = queue.lock_taken_over_from;
    if (staleOwner !== undefined) {
      log.warn({ path, stale_pid: staleOwner }, 'queue lock of a gateway that no longer runs taken over');
    }
    for (const sink of sinks) await set.startConsumer(sink);
    set.metricsWriter.start(settings.self_metrics_interval_s * 1000);
    return set;
  }

  /** Queues a reading for the next group commit; `done` runs once it is on disk (or counted as dropped). */
  accept(reading: Reading, done?: () => void): void {
    this.queue.enqueue([reading], done);
  }

  /**
   * Runs `callback` once everything accepted so far is synced to disk. When `commitBeforeAck` is true,
   * the MQTT input sends the PUBACK of a QoS 1 message from this callback.
   */
  afterCommit(callback: () => void): void {
    this.queue.afterCommit(callback);
  }

  /**
   * Runs `callback` once everything accepted so far is committed, before the sync. The embedded broker
   * reads a QoS 0 publisher on from this callback, so a QoS 0 flood waits for each commit.
   */
  afterInsert(callback: () => void): void {
    this.queue.afterInsert(callback);
  }

  /** Starts the MQTT republish output once the broker at `brokerUrl()` is up. */
  async startRepublish(brokerUrl: () => string | undefined, credentials: MqttCredentials): Promise<void> {
    if (!republishWanted(this.config)) return;
    const output = createRepublishOutput(this.config, brokerUrl, this.log, credentials);
    await this.startConsumer(new OutputSink('mqtt_republish', output));
  }

  /** Counters of every running output. */
  outputStats(): QueueConsumerStatsEntry[] {
    return this.consumers.map((consumer) => ({ name: consumer.sink.name, stats: consumer.stats() }));
  }

  /** Returns the gateway's own counters, queue depth and per-device poll results, for the terminal summary. */
  selfMetrics(now_ms: number = Date.now()): SelfMetricsSnapshot {
    return collectSelfMetrics(this.metricsSources, now_ms);
  }

  /** Stops the outputs (each finishes or abandons its current page, which stays queued), then closes the queue. */
  async stop(): Promise<void> {
    this.metricsWriter.stop();
    this.queue.commit();
    for (const consumer of this.consumers) {
      try {
        // A write that keeps failing (InfluxDB down) delays the stop by up to the consumer's timeout.
        if (consumer.busy) {
          this.log.info(
            { output: consumer.sink.name, timeout_ms: consumer.stopTimeoutMs },
            'output stopping: waiting for the write in progress; its points stay queued if it fails',
          );
        }
        await consumer.stop();
        this.log.info({ output: consumer.sink.name, ...consumer.stats() }, 'output stopped');
      } catch (error) {
        this.log.error({ output: consumer.sink.name, err: (error as Error).message }, 'output failed to stop cleanly');
      }
    }
    this.pollCounter.close();
    // The depth is read after close() commits the readings still held in memory.
    const stats = this.queue.close();
    this.log.info({ ...stats }, 'durable queue closed');
  }

  private async startConsumer(sink: Sink): Promise<void> {
    const consumer = new QueueConsumer(
      this.queue,
      sink,
      sink.pages_in_flight === undefined ? {} : { pages_in_flight: sink.pages_in_flight },
    );
    // Failed attempts since the last page written, so the log shows when writes resume after an outage.
    let failedAttempts = 0;
    consumer.on('delivered', (report: DeliveryReport) => {
      for (const { count, reason } of report.dropped) {
        this.dropLog.warn(`${sink.name}:dropped`, { output: sink.name, count, reason }, 'output dropped points');
      }
      if (failedAttempts > 0 && report.written > 0) {
        this.log.info({ output: sink.name, failed_attempts: failedAttempts }, 'output writes resumed');
        failedAttempts = 0;
      }
    });
    consumer.on('failed', (error: Error) => {
      failedAttempts += 1;
      this.log.warn({ output: sink.name, err: error.message }, 'output failed to deliver a page; retrying');
    });
    const countFailedAttempt = (): void => {
      failedAttempts += 1;
      consumer.countWriteError();
    };
    if (sink instanceof InfluxWorkerSink || sink instanceof InfluxSink) sink.on('write_error', countFailedAttempt);
    // A page waits in the upstream output while its broker is down or refuses the gateway: each failed
    // connection attempt counts as a write error, so `coldpool status` and /metrics show the outage.
    if (sink instanceof OutputSink && sink.output instanceof UpstreamOutput) {
      sink.output.on('error', countFailedAttempt);
    }
    await consumer.start();
    this.consumers.push(consumer);
    this.log.info({ output: sink.name }, 'output started');
  }

  private watchQueue(): void {
    const queue = this.queue;
    queue.on('full', (size: { policy: string; points: number; bytes: number }) =>
      this.log.error({ ...size }, 'durable queue full; new readings are not accepted until outputs catch up'),
    );
    queue.on('resumed', (size: { points: number; bytes: number }) =>
      this.log.info({ ...size }, 'durable queue has room again; accepting readings'),
    );
    // Every dropped point is counted in the queue stats. The log line is limited to one per minute and
    // policy, and it carries how many lines were suppressed.
    queue.on('dropped', (event: { count: number; policy: string; reason: string }) =>
      this.dropLog.warn(
        `queue-dropped:${event.policy}`,
        { ...event, total: this.queue.stats() },
        'durable queue dropped points',
      ),
    );
    // A full disk fails every commit until there is room again: one line per minute and error code.
    queue.on('commit_recovered', (size: { points: number }) =>
      this.log.info({ ...size }, 'durable queue commits succeed again'),
    );
    queue.on('commit_error', (error: Error & { code?: string }) =>
      this.dropLog.error(`queue-error:${error.code ?? ''}`, { err: error.message }, 'durable queue commit failed'),
    );
  }
}

export type { OutputStats };
