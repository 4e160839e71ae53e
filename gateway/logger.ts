import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/** Keys whose values never reach a log line, wherever they sit in the logged object. */
const redactPaths = [
  'password',
  '*.password',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'url_with_credentials',
];

/**
 * Creates the gateway's logger: structured JSON on stderr, or human-readable lines when `pretty` is set
 * (the demo on a terminal). stdout stays free for command output such as the live summary.
 */
export function createLogger(options: { level: string; pretty?: boolean }): Logger {
  const base = { level: options.level, redact: { paths: redactPaths, censor: '[redacted]' } };
  if (options.pretty) {
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { destination: 2, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' },
      },
    });
  }
  return pino(base, pino.destination({ fd: 2, sync: false }));
}
