import type { Command } from 'commander';
import type { Logger } from 'pino';
import { MqttSubscriberError } from '../../../devices/mqtt/subscriber-error.js';
import { createLogger } from '../../logger.js';
import { FieldConflictLog } from '../../outputs/field-conflict-log.js';
import type { FieldConflictCount } from '../../outputs/removed-field-letters.js';
import { RateLimitedLog } from '../../rate-limited-log.js';
import { redactUrl } from '../../secrets.js';
import { createStoreDirectory } from '../../store-directory.js';
import {
  DEFAULT_INGEST_CLIENT_ID,
  DEFAULT_INGEST_TOPIC_PREFIX,
  UpstreamIngest,
  type UpstreamIngestStats,
} from '../../upstream/upstream-ingest.js';
import { onShutdownSignal } from '../shutdown.js';
import {
  DEFAULT_INGEST_QUEUE_PATH,
  type IngestCliOptions,
  IngestOptionError,
  parseIngestOptions,
} from './ingest-options.js';

/**
 * Returns what to change after the central broker rejected the connection with CONNACK code `code`
 * (MQTT 3.1.1 section 3.2.2.3, or the MQTT 5 reason code with the same meaning), in terms of the options.
 */
export function ingestConnackFix(code: number): string {
  switch (code) {
    case 1:
    case 132:
      return 'the broker does not accept MQTT 3.1.1, which coldpool ingest speaks; enable it in the broker settings';
    case 2:
    case 133:
      return 'the broker rejected the client id; check --client-id and that no other client uses it';
    case 3:
    case 136:
      return "the broker accepts no connections now; check the broker's log, then start coldpool ingest again";
    case 4:
    case 5:
    case 134:
    case 135:
      return "check --username and the password that --password-env or --password-file gives, against the broker's user settings and ACL";
    default:
      return "check the broker's log for the reason it refused the connection";
  }
}

/** Formats the counters as `name=value` pairs for the line printed on stop. */
function countersLine(stats: UpstreamIngestStats): string {
  return Object.entries(stats)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
}

/** Logs the bridge's events. Retries and repeated faults go through `RateLimitedLog`, one line a minute per kind. */
function logEvents(ingest: UpstreamIngest, log: Logger): void {
  const limited = new RateLimitedLog(log);
  const broker = ingest.broker_url;
  ingest.on('unreachable', (error: Error) =>
    log.warn(
      { broker, err: error.message },
      'central broker unreachable at start; upstream ingest keeps retrying and subscribes once the broker accepts the connection',
    ),
  );

  ingest.on('subscribed', () => log.info({ broker, topic: ingest.topic_filter }, 'upstream ingest subscribed'));
  ingest.on('offline', () => limited.warn('offline', { broker }, 'central broker connection lost; reconnecting'));
  ingest.on('error', (error: Error & { code?: string }) =>
    limited.error(`error:${error.code ?? ''}`, { broker, err: error.message }, 'upstream ingest error'),
  );

  ingest.on('invalid', ({ topic, error }: { topic: string; error: Error }) =>
    limited.warn('invalid', { topic, err: error.message }, 'upstream message invalid; acknowledged and skipped'),
  );
  ingest.on('write_error', ({ error, attempt }: { error: Error; attempt: number }) =>
    limited.warn(
      'write_error',
      { output: 'influx', err: error.message, attempt },
      'influxdb write failed; readings stay queued and are retried',
    ),
  );
  ingest.on('rejected', ({ count, reason }: { count: number; reason: string }) =>
    log.error({ output: 'influx', count, reason }, 'influxdb rejected readings; they are stored as dead letters'),
  );
  const conflictLog = new FieldConflictLog(limited);
  ingest.on('field_type_conflict', (conflict: FieldConflictCount) => conflictLog.record(conflict));

  ingest.on('queue_full', (size: { points: number; bytes: number }) =>
    log.error({ ...size }, 'durable queue full; messages stay unacknowledged at the broker until influxdb catches up'),
  );
  ingest.on('queue_resumed', (size: { points: number; bytes: number }) =>
    log.info({ ...size }, 'durable queue has room again'),
  );
  ingest.on('queue_dropped', (event: { count: number; reason: string }) =>
    limited.warn('queue_dropped', { ...event }, 'durable queue dropped readings'),
  );
}

/** Returns the message for an error of `UpstreamIngest.start`, with the option to fix. */
function startErrorMessage(error: Error): string {
  if (error instanceof MqttSubscriberError && error.connack_code !== undefined) {
    return `${error.message}; ${ingestConnackFix(error.connack_code)}`;
  }
  return error.message;
}

/** `coldpool ingest`: runs the central bridge from the central broker to the central InfluxDB. */
export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description(
      'run the central bridge: read every site upstream message from the central broker, queue it on disk, write it to the central InfluxDB',
    )
    .option('--broker <url>', 'central MQTT broker, mqtt://host:1883 or mqtts://host:8883 (required)')
    .option('--influx <url>', 'central InfluxDB 1.x, http://host:8086/database; created when missing (required)')
    .option('--client-id <id>', `client id of the persistent session (default ${DEFAULT_INGEST_CLIENT_ID})`)
    .option('--topic-prefix <prefix>', `topic prefix the sites publish under (default ${DEFAULT_INGEST_TOPIC_PREFIX})`)
    .option('--username <name>', 'user name for the central broker')
    .option('--password-env <name>', 'environment variable that contains the broker password')
    .option('--password-file <file>', 'file whose first line is the broker password')
    .option('--influx-username <name>', 'user for InfluxDB HTTP basic authentication')
    .option('--influx-password-env <name>', 'environment variable that contains the InfluxDB password')
    .option('--influx-password-file <file>', 'file whose first line is the InfluxDB password')
    .option('--queue <file>', `SQLite file of the durable queue (default ${DEFAULT_INGEST_QUEUE_PATH})`)
    .option('--max-queue-points <count>', 'maximum readings held in the queue (default 2000000)')
    .option('--max-queue-bytes <bytes>', 'maximum bytes of queued readings (default 536870912)')
    .option('--overflow <policy>', 'when the queue is full: block, drop_oldest or drop_newest (default block)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug or trace (default info)')
    .option('--pretty', 'human-readable log lines instead of JSON')
    .action(async (raw: IngestCliOptions) => {
      let settings: ReturnType<typeof parseIngestOptions>;
      try {
        settings = parseIngestOptions(raw);
        createStoreDirectory(settings.ingest.queue_path, '--queue');
      } catch (error) {
        const problems = error instanceof IngestOptionError ? error.problems : [(error as Error).message];
        for (const problem of problems) process.stderr.write(`coldpool ingest: ${problem}\n`);
        process.stderr.write('nothing was started; fix the options and run again\n');
        process.exitCode = 1;
        return;
      }
      const log = createLogger({ level: settings.log_level, pretty: settings.pretty });
      const ingest = new UpstreamIngest(settings.ingest);
      logEvents(ingest, log);
      const stop = async () => {
        await ingest.stop();
        const stats = ingest.stats();
        log.info({ ...stats }, 'upstream ingest stopped');
        process.stdout.write(`upstream ingest stopped: ${countersLine(stats)}\n`);
      };
      onShutdownSignal(stop, log);
      const target = {
        broker: ingest.broker_url,
        influx: redactUrl(settings.ingest.influx_url),
        queue: settings.ingest.queue_path,
        client_id: settings.ingest.client_id ?? DEFAULT_INGEST_CLIENT_ID,
      };
      // A broker first reached after a failed start can still reject the connection; mqtt.js then stops.
      ingest.on('refused', (error: MqttSubscriberError) => {
        const message = startErrorMessage(error);
        log.error({ ...target, err: message }, 'central broker rejected the connection; upstream ingest stops');
        process.stderr.write(`coldpool ingest: ${message}\n`);
        void ingest.stop().finally(() => process.exit(1));
      });
      try {
        await ingest.start();
      } catch (error) {
        const message = startErrorMessage(error as Error);
        log.error({ ...target, err: message }, 'upstream ingest failed to start');
        process.stderr.write(`coldpool ingest: ${message}\n`);
        await ingest.stop();
        process.exit(1);
      }
      log.info({ ...target, topic: ingest.topic_filter }, 'upstream ingest started');
    });
}
