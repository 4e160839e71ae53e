import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError, type ApiErrorCode, type FieldProblem } from './errors.js';

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
  /** Schema of the failing value; set because the server compiles schemas with Ajv's `verbose`. */
  parentSchema?: Record<string, unknown>;
  /** Failing value, after type coercion; set with `verbose` too. */
  data?: unknown;
}

/** Ajv keywords that a number outside its schema fails. */
const NUMBER_KEYWORDS = new Set(['type', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']);

/** Renders a rejected value for a message, bounded to 40 characters. */
function shownValue(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Returns the message for a number field that fails its type or a bound, naming the whole allowed
 * range and the value received, such as `must be a finite integer, at least 10 and at most 5000;
 * got Infinity`. Returns undefined for other fields.
 */
function numberRangeMessage(issue: AjvIssue): string | undefined {
  const schema = issue.parentSchema;
  if (schema === undefined || !NUMBER_KEYWORDS.has(issue.keyword)) return undefined;
  if (schema.type !== 'integer' && schema.type !== 'number') return undefined;
  const bounds: string[] = [];
  if (typeof schema.minimum === 'number') bounds.push(`at least ${schema.minimum}`);
  if (typeof schema.exclusiveMinimum === 'number') bounds.push(`greater than ${schema.exclusiveMinimum}`);
  if (typeof schema.maximum === 'number') bounds.push(`at most ${schema.maximum}`);
  if (typeof schema.exclusiveMaximum === 'number') bounds.push(`less than ${schema.exclusiveMaximum}`);
  const kind = schema.type === 'integer' ? 'a finite integer' : 'a finite number';
  const range = bounds.length > 0 ? `, ${bounds.join(' and ')}` : '';
  return `must be ${kind}${range}; got ${shownValue(issue.data)}`;
}

/**
 * Returns the message for a string that fails its pattern: the field's description names the accepted
 * form, or the pattern itself where the schema has none, and the value received follows.
 */
function patternMessage(issue: AjvIssue): string {
  const description = issue.parentSchema?.description;
  const form =
    typeof description === 'string'
      ? `must be ${description.charAt(0).toLowerCase()}${description.slice(1)}`
      : (issue.message ?? 'must match its pattern');
  return `${form}; got ${shownValue(issue.data)}`;
}

const CONTEXT_NAMES: Record<string, string> = {
  querystring: 'query',
  body: 'body',
  params: 'params',
  headers: 'headers',
};

/** Turns one Ajv issue into a field path and a message that names the allowed values. */
export function describeIssue(context: string, issue: AjvIssue): FieldProblem {
  const segments = issue.instancePath.split('/').filter((segment) => segment !== '');
  const missing = issue.params.missingProperty ?? issue.params.additionalProperty;
  if (typeof missing === 'string') segments.push(missing);
  const field = [CONTEXT_NAMES[context] ?? context, ...segments].join('.');
  let message = numberRangeMessage(issue) ?? issue.message ?? 'is invalid';
  if (issue.keyword === 'enum' && Array.isArray(issue.params.allowedValues)) {
    message = `must be one of: ${issue.params.allowedValues.join(', ')}`;
  } else if (issue.keyword === 'required') {
    message = 'is required';
  } else if (issue.keyword === 'pattern') {
    message = patternMessage(issue);
  } else if (issue.keyword === 'additionalProperties') {
    message = 'is not a known field; remove it';
  }
  return { field, message };
}

function fastifyCode(error: FastifyError): ApiErrorCode | undefined {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'API_PAYLOAD_TOO_LARGE';
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'API_UNSUPPORTED_MEDIA_TYPE';
  if (error.statusCode === 400) return 'API_VALIDATION_FAILED';
  return undefined;
}

/** Sends every error, and every unknown route, as the `{ error: { code, message, details? } }` envelope. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) return reply.status(error.status).send(error.toEnvelope());
    if (error.validation) {
      const details = error.validation.map((issue) =>
        describeIssue(error.validationContext ?? 'request', issue as AjvIssue),
      );
      const summary = details.map((problem) => `${problem.field} ${problem.message}`).join('; ');
      const apiError = new ApiError('API_VALIDATION_FAILED', `invalid request: ${summary}`, details);
      return reply.status(apiError.status).send(apiError.toEnvelope());
    }
    const code = fastifyCode(error);
    if (code === 'API_UNSUPPORTED_MEDIA_TYPE') {
      const type = (request.headers['content-type'] ?? 'none').slice(0, 100);
      const apiError = new ApiError(code, `content-type ${type} is not accepted; send the body as application/json`);
      return reply.status(apiError.status).send(apiError.toEnvelope());
    }
    if (code === 'API_PAYLOAD_TOO_LARGE') {
      const limit = request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit;
      const apiError = new ApiError(
        code,
        `the request body is larger than the limit of ${limit} bytes; send a smaller body`,
      );
      return reply.status(apiError.status).send(apiError.toEnvelope());
    }
    if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      // The JSON parser also rejects a `__proto__` or `constructor` key (prototype poisoning) as invalid.
      const problem =
        error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
          ? 'is empty'
          : 'is not valid JSON or has a __proto__ or constructor key';
      const details: FieldProblem[] = [{ field: 'body', message: `${problem}; send one JSON value` }];
      const apiError = new ApiError(
        'API_VALIDATION_FAILED',
        `invalid request: the body ${problem}, while content-type is application/json; send one JSON value`,
        details,
      );
      return reply.status(apiError.status).send(apiError.toEnvelope());
    }
    if (code) {
      const apiError = new ApiError(code, error.message);
      return reply.status(apiError.status).send(apiError.toEnvelope());
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      // A plugin rejected the request itself (the static file server on a path outside its root, for
      // example): a client error, answered as a missing route and kept out of the error log.
      request.log.debug({ err: error, url: request.url }, 'request rejected by a plugin');
      const rejected = new ApiError(
        'API_ROUTE_NOT_FOUND',
        `no route for ${request.method} ${request.url.split('?')[0]}`,
      );
      return reply.status(rejected.status).send(rejected.toEnvelope());
    }
    request.log.error({ err: error, url: request.url }, 'api request failed');
    const internal = new ApiError('API_INTERNAL', 'the gateway failed to handle the request; see its log for details');
    return reply.status(internal.status).send(internal.toEnvelope());
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new ApiError(
      'API_ROUTE_NOT_FOUND',
      `no route for ${request.method} ${request.url.split('?')[0]}; the route list is at /docs/json`,
    );
    return reply.status(error.status).send(error.toEnvelope());
  });
}
