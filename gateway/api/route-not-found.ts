/** The 404 error of a request that matches no route of the API. */
import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';

/** Path prefix of the alarm routes, whose alarm ids contain `/` for compartment and zone entries. */
const ALARM_PATH_PREFIX = '/api/v1/alarms/';

/**
 * Builds the `API_ROUTE_NOT_FOUND` error of `request`. Under `/api/v1/alarms/` the message adds that an
 * alarm id must be URL-encoded, because an unencoded id such as `truck-1/front:high_warning:…` splits
 * into several path segments and so matches no route.
 */
export function routeNotFound(request: FastifyRequest, suffix = ''): ApiError {
  const path = request.url.split('?')[0] ?? '';
  const alarmHint = path.startsWith(ALARM_PATH_PREFIX)
    ? '; alarm ids must be URL-encoded in the path (%2F for each /), as in /api/v1/alarms/truck-1%2Ffront%3Ahigh_warning%3A1796580129668/close'
    : '';
  return new ApiError('API_ROUTE_NOT_FOUND', `no route for ${request.method} ${path}${alarmHint}${suffix}`);
}
