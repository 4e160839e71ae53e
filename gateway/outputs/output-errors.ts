/** Errors raised by the outputs. Each has a stable `code` that callers and logs can match on. */

/** A reading that cannot be written as InfluxDB 1.x line protocol, whatever its field values. */
export class LineProtocolError extends Error {
  override readonly name = 'LineProtocolError';

  constructor(
    /** `LINE_NAME_INVALID`, `LINE_TRAILING_BACKSLASH`, `LINE_NEWLINE`, `LINE_RESERVED_KEY` or `LINE_TIME_INVALID`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** An output option or URL that cannot work. */
export class OutputConfigError extends Error {
  override readonly name = 'OutputConfigError';

  constructor(
    /** `INFLUX_URL_INVALID`, `OUTPUT_OPTION_INVALID` or `TOPIC_LEVEL_INVALID`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A failed HTTP write to InfluxDB: a network error, a timeout or a status other than 204. */
export class InfluxWriteError extends Error {
  override readonly name = 'InfluxWriteError';

  constructor(
    /** `INFLUX_UNREACHABLE`, `INFLUX_TIMEOUT`, `INFLUX_SERVER_ERROR`, `INFLUX_DATABASE_NOT_FOUND`, `INFLUX_AUTH_FAILED` or `INFLUX_HTTP_ERROR`. */
    readonly code: string,
    message: string,
    /** HTTP status, when InfluxDB sent one. */
    readonly status?: number,
  ) {
    super(message);
  }
}
