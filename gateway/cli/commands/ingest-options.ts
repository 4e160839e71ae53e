/** Checks the options of `coldpool ingest` and turns them into `UpstreamIngestOptions`. */

import { parseInfluxUrl } from '../../outputs/influx-url.js';
import { OutputConfigError } from '../../outputs/output-errors.js';
import { overflowPolicies, queueConfigSchema } from '../../queue/queue-config.js';
import { readSecretOption, SecretError, urlCarriesSecret } from '../../secrets.js';
import { topicPrefixSchema } from '../../upstream/upstream-config.js';
import type { UpstreamIngestOptions } from '../../upstream/upstream-ingest.js';

/** Default queue file of `coldpool ingest`, relative to the working directory. */
export const DEFAULT_INGEST_QUEUE_PATH = 'data/ingest/queue.db';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/** Options as commander passes them: every value a string, absent when not given. */
export interface IngestCliOptions {
  broker?: string;
  influx?: string;
  clientId?: string;
  topicPrefix?: string;
  username?: string;
  passwordEnv?: string;
  passwordFile?: string;
  influxUsername?: string;
  influxPasswordEnv?: string;
  influxPasswordFile?: string;
  queue?: string;
  maxQueuePoints?: string;
  maxQueueBytes?: string;
  overflow?: string;
  logLevel?: string;
  pretty?: boolean;
}

/** Checked options: what `UpstreamIngest` takes, and how to log. */
export interface IngestSettings {
  ingest: UpstreamIngestOptions;
  log_level: (typeof LOG_LEVELS)[number];
  pretty: boolean;
}

/** One or more invalid options; `problems` has one message per option, each naming it and the fix. */
export class IngestOptionError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'IngestOptionError';
  }
}

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** Returns the problem with `--broker`, or undefined when the URL is valid. */
function brokerProblem(url: string | undefined): string | undefined {
  if (url === undefined) return '--broker is missing; give the central broker as mqtt://host:1883 or mqtts://host:8883';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '--broker is not a valid URL; write it as mqtt://host:1883 or mqtts://host:8883';
  }
  if (parsed.protocol !== 'mqtt:' && parsed.protocol !== 'mqtts:') {
    return `--broker uses ${parsed.protocol}; use mqtt://host:1883 or mqtts://host:8883`;
  }
  if (parsed.hostname === '') return '--broker has no host; write it as mqtt://host:1883';
  if (parsed.password !== '') {
    return '--broker contains a password, which other users can read in the process list; move it to --password-env or --password-file';
  }
  return undefined;
}

/** Returns the problem with `--influx`, or undefined when the URL is valid. */
function influxProblem(url: string | undefined): string | undefined {
  if (url === undefined) return '--influx is missing; give the central InfluxDB as http://host:8086/database';
  try {
    parseInfluxUrl(url);
  } catch (error) {
    if (!(error instanceof OutputConfigError)) throw error;
    return `--influx: ${error.message}`;
  }
  if (urlCarriesSecret(url)) {
    return '--influx contains a password, which other users can read in the process list; move it to --influx-password-env or --influx-password-file';
  }
  return undefined;
}

/** Checks one pair of password options and reads the password; pushes a problem and returns undefined on error. */
function passwordOf(
  prefix: '' | 'influx-',
  env_name: string | undefined,
  file: string | undefined,
  env: NodeJS.ProcessEnv,
  problems: string[],
): string | undefined {
  const envOption = `--${prefix}password-env`;
  const fileOption = `--${prefix}password-file`;
  if (env_name !== undefined && file !== undefined) {
    problems.push(`${envOption} and ${fileOption} are both given; keep one of them`);
    return undefined;
  }
  if (env_name !== undefined && !ENV_NAME.test(env_name)) {
    problems.push(
      `${envOption} ${JSON.stringify(env_name)} is not an environment variable name; use capitals, digits and _`,
    );
    return undefined;
  }
  try {
    return readSecretOption({ password_env: env_name, password_file: file }, { env: envOption, file: fileOption }, env);
  } catch (error) {
    if (!(error instanceof SecretError)) throw error;
    problems.push(error.message);
    return undefined;
  }
}

/**
 * Parses an integer option; pushes a problem and returns undefined when it is not a whole number. The
 * queue schema checks the minimum afterwards.
 */
function integerOf(option: string, value: string | undefined, problems: string[]): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) {
    problems.push(`${option} ${JSON.stringify(value)} is not a whole number; give a positive integer`);
    return undefined;
  }
  return Number(value);
}

/** Returns the queue settings given on the command line; pushes a problem for each invalid one. */
function queueSettingsOf(raw: IngestCliOptions, problems: string[]): UpstreamIngestOptions['queue'] {
  const input: Record<string, unknown> = {};
  const points = integerOf('--max-queue-points', raw.maxQueuePoints, problems);
  const bytes = integerOf('--max-queue-bytes', raw.maxQueueBytes, problems);
  if (points !== undefined) input.max_queue_points = points;
  if (bytes !== undefined) input.max_queue_bytes = bytes;
  if (raw.overflow !== undefined) input.overflow = raw.overflow;
  const result = queueConfigSchema.safeParse(input);
  // The schema accepted these keys, so they have the types of QueueConfig.
  if (result.success) return input as UpstreamIngestOptions['queue'];
  const optionOf: Record<string, string> = {
    max_queue_points: '--max-queue-points',
    max_queue_bytes: '--max-queue-bytes',
    overflow: '--overflow',
  };
  for (const issue of result.error.issues) {
    const key = String(issue.path[0]);
    const option = optionOf[key] ?? key;
    const fix =
      key === 'overflow'
        ? `use one of ${overflowPolicies.join(', ')}`
        : key === 'max_queue_bytes'
          ? 'give a whole number of at least 1024'
          : 'give a whole number of at least 1';
    const rule = issue.code === 'too_small' ? 'is too small' : 'is invalid';
    problems.push(`${option} ${JSON.stringify(String(input[key]))} ${rule}; ${fix}`);
  }
  return undefined;
}

/**
 * Checks every option and reads the passwords. Throws `IngestOptionError` with one message per invalid
 * option; a password never appears in a message.
 */
export function parseIngestOptions(raw: IngestCliOptions, env: NodeJS.ProcessEnv = process.env): IngestSettings {
  const problems: string[] = [];
  const broker = brokerProblem(raw.broker);
  if (broker !== undefined) problems.push(broker);
  const influx = influxProblem(raw.influx);
  if (influx !== undefined) problems.push(influx);
  if (raw.clientId !== undefined && (raw.clientId.length === 0 || raw.clientId.length > 64)) {
    problems.push(`--client-id ${JSON.stringify(raw.clientId)} must have 1 to 64 characters`);
  }
  if (raw.topicPrefix !== undefined && !topicPrefixSchema.safeParse(raw.topicPrefix).success) {
    problems.push(
      `--topic-prefix ${JSON.stringify(raw.topicPrefix)} is invalid; give plain topic levels without wildcards, empty levels or a leading $, as the sites' upstream.topic_prefix`,
    );
  }
  const password = passwordOf('', raw.passwordEnv, raw.passwordFile, env, problems);
  const influxPassword = passwordOf('influx-', raw.influxPasswordEnv, raw.influxPasswordFile, env, problems);
  const queue = queueSettingsOf(raw, problems);
  if (raw.queue === '') problems.push('--queue is empty; give the path of the queue file');
  const logLevel = raw.logLevel ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problems.push(`--log-level ${JSON.stringify(logLevel)} is invalid; use one of ${LOG_LEVELS.join(', ')}`);
  }
  if (problems.length > 0) throw new IngestOptionError(problems);
  const ingest: UpstreamIngestOptions = {
    broker_url: raw.broker as string,
    influx_url: raw.influx as string,
    queue_path: raw.queue ?? DEFAULT_INGEST_QUEUE_PATH,
    queue_path_setting: '--queue',
    ...(raw.clientId !== undefined ? { client_id: raw.clientId } : {}),
    ...(raw.topicPrefix !== undefined ? { topic_prefix: raw.topicPrefix } : {}),
    ...(raw.username !== undefined ? { username: raw.username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(raw.influxUsername !== undefined ? { influx_username: raw.influxUsername } : {}),
    ...(influxPassword !== undefined ? { influx_password: influxPassword } : {}),
    influx_credential_settings:
      '--influx-username and the password that --influx-password-env or --influx-password-file gives',
    ...(queue !== undefined ? { queue } : {}),
  };
  return { ingest, log_level: logLevel as IngestSettings['log_level'], pretty: raw.pretty === true };
}
