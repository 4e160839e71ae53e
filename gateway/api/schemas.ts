/** JSON Schemas shared by several routes. They feed both request validation and the OpenAPI document. */

export const idParam = (name: string, description: string) =>
  ({
    type: 'object',
    required: [name],
    properties: { [name]: { type: 'string', minLength: 1, maxLength: 200, description } },
  }) as const;

/** Error responses every route may return; the envelope is registered as `ErrorEnvelope`. */
export const errorResponses = {
  '4xx': { $ref: 'ErrorEnvelope#' },
  '5xx': { $ref: 'ErrorEnvelope#' },
} as const;

/** An object whose listed properties are documented; others pass through unchanged. */
export function openObject(properties: Record<string, unknown>, required: string[] = []) {
  return { type: 'object', additionalProperties: true, required, properties } as const;
}

/**
 * Latest time a request may name, ms since the epoch: 2262-04-11T23:47:16.854Z, the last whole
 * millisecond before InfluxQL's `maxTime` (2262-04-11T23:47:16.854775806Z, InfluxData docs of the Flux
 * `internal/influxql` package). Every time parameter is bounded, because Ajv coerces a query text such
 * as `1e400` to Infinity, which an `integer` schema without bounds accepts.
 */
export const MAX_TIME_MS = 9_223_372_036_854;

/** Limits of `max_points`, the most points per series a history request returns. */
export const MIN_POINTS = 10;
export const MAX_POINTS = 5000;

export const timeRangeQuery = {
  from_ms: {
    type: 'integer',
    minimum: 0,
    maximum: MAX_TIME_MS,
    description: 'Start of the range, inclusive, ms since the epoch. Default: 24 h before to_ms.',
  },
  to_ms: {
    type: 'integer',
    minimum: 0,
    maximum: MAX_TIME_MS,
    description: 'End of the range, inclusive, ms since the epoch. Default: now.',
  },
  max_points: {
    type: 'integer',
    minimum: MIN_POINTS,
    maximum: MAX_POINTS,
    default: 500,
    description: 'Most points per series; a longer range is returned as min/mean/max buckets. Default 500.',
  },
} as const;

export const alarmSchema = openObject(
  {
    id: { type: 'string' },
    site: { type: 'string' },
    asset: { type: 'string' },
    device: { type: 'string' },
    level: { type: 'string', enum: ['warning', 'alarm', 'critical'] },
    state: { type: 'string', enum: ['active', 'acknowledged', 'closed'] },
    kind: { type: 'string' },
    message: { type: 'string' },
    raised_ms: { type: 'integer' },
    condition_active: { type: 'boolean' },
    history: { type: 'array', items: openObject({}) },
  },
  ['id', 'asset', 'level', 'state', 'kind', 'message', 'raised_ms'],
);

/** A plan's date. Plans stored by gateway versions without the field lack it. */
export const planDateSchema = {
  type: 'string',
  format: 'date',
  description: 'Date YYYY-MM-DD the plan is for. Its clock times count from that local midnight',
} as const;

export const planSchema = openObject(
  {
    id: { type: 'string' },
    scenario: { type: 'string' },
    plan_date: planDateSchema,
    created_ms: { type: 'integer' },
    routes: { type: 'array', items: openObject({}) },
    unserved: { type: 'array', items: openObject({}) },
    comparison: openObject({}),
  },
  ['id', 'scenario', 'created_ms', 'routes', 'unserved', 'comparison'],
);
