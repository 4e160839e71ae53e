/**
 * Every error code the HTTP API returns, with its HTTP status. Clients branch on `code`; the codes are
 * stable and only ever added to.
 */
export const API_ERROR_STATUS = {
  /** A path, query or body value failed its JSON Schema; `details` lists each field and what is allowed. */
  API_VALIDATION_FAILED: 400,
  /** `to_ms` is before `from_ms`, or a range exceeds what the route serves. */
  API_RANGE_INVALID: 400,
  /** The request was well-formed but the service rejected it (an invalid order, an unknown scenario). */
  API_REQUEST_REJECTED: 422,
  /** The `authenticate` hook rejected the request. */
  API_UNAUTHORIZED: 401,
  /** The Host header names a host that is not an IP address, `localhost` or in `http.allowed_hosts`. */
  API_HOST_NOT_ALLOWED: 403,
  /** No route matches the method and path. */
  API_ROUTE_NOT_FOUND: 404,
  API_DEVICE_NOT_FOUND: 404,
  /** The device is configured but does not have the requested field. */
  API_FIELD_NOT_FOUND: 404,
  API_ASSET_NOT_FOUND: 404,
  API_ALARM_NOT_FOUND: 404,
  API_PLAN_NOT_FOUND: 404,
  API_ORDER_NOT_FOUND: 404,
  API_REPORT_NOT_FOUND: 404,
  /** The action does not apply to the current state, such as acknowledging a closed alarm. */
  API_CONFLICT: 409,
  /** The request body is larger than the server accepts. */
  API_PAYLOAD_TOO_LARGE: 413,
  /** The body is not `application/json`. */
  API_UNSUPPORTED_MEDIA_TYPE: 415,
  /** The feature behind the route (alarms, scheduler, reports, history) is not configured in this gateway. */
  API_SERVICE_UNAVAILABLE: 503,
  /** The history database failed or timed out. */
  API_UPSTREAM_FAILED: 502,
  /** An unexpected error; the gateway log has the stack. */
  API_INTERNAL: 500,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

/** One field that failed validation. */
export interface FieldProblem {
  /** Path of the value, such as `query.from_ms`, `body.comment` or `params.id`. */
  field: string;
  /** Problem with the value and the values allowed. */
  message: string;
}

/** The error body of every failed request: `{ "error": { code, message, details? } }`. */
export interface ErrorEnvelope {
  error: { code: ApiErrorCode; message: string; details?: unknown };
}

/** An error a route raises on purpose; the error handler turns it into the envelope and its status. */
export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = API_ERROR_STATUS[code];
  }

  toEnvelope(): ErrorEnvelope {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details !== undefined ? { details: this.details } : {}),
      },
    };
  }
}

/**
 * An error a plugged-in service (alarms, scheduler, reports, capacity) raises to reject a request. The
 * routes map `kind` to an API code: `not_found` to the route's NOT_FOUND code, `conflict` to
 * `API_CONFLICT`, `invalid` to `API_REQUEST_REJECTED`.
 */
export class ServiceRejection extends Error {
  constructor(
    readonly kind: 'not_found' | 'conflict' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'ServiceRejection';
  }
}

/** JSON Schema of the error envelope, used as the response schema of every 4xx and 5xx. */
export const errorEnvelopeSchema = {
  $id: 'ErrorEnvelope',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.keys(API_ERROR_STATUS) },
        message: { type: 'string' },
        details: {},
      },
    },
  },
} as const;
