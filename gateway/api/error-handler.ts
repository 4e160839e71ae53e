import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError, type ApiErrorCode, type FieldProblem } from './errors.js';
import { routeNotFound } from './route-not-found.js';
import { type AjvIssue, describeIssue } from './validation-issue.js';

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
      const rejected = routeNotFound(request);
      return reply.status(rejected.status).send(rejected.toEnvelope());
    }
    request.log.error({ err: error, url: request.url }, 'api request failed');
    const internal = new ApiError('API_INTERNAL', 'the gateway failed to handle the request; see its log for details');
    return reply.status(internal.status).send(internal.toEnvelope());
  });
  app.setNotFoundHandler((request, reply) => {
    const error = routeNotFound(request, '; the route list is at /docs/json');
    return reply.status(error.status).send(error.toEnvelope());
  });
}
