/**
 * The person an operator action records. With a login the actor is the authenticated user, so a client
 * cannot act under another name. A different name in the body is kept as `on_behalf_of`, that user's
 * unverified claim. Without a login the name in the body is the actor.
 */
import type { FastifyRequest } from 'fastify';
import type { ApiContext } from './api-context.js';
import { ApiError } from './errors.js';
import type { OperatorActor } from './services.js';

/**
 * Returns the actor of `request`. `field` names the body property that carries the typed name, for the
 * error of an unauthenticated request without one. Throws `API_VALIDATION_FAILED` in that case.
 */
export function requestActor(
  context: ApiContext,
  request: FastifyRequest,
  typedName: string | undefined,
  field: string,
): OperatorActor {
  const user = context.userOf(request);
  if (user !== undefined) {
    return typedName === undefined || typedName === user.name
      ? { who: user.name }
      : { who: user.name, on_behalf_of: typedName };
  }
  if (typedName === undefined) {
    throw new ApiError(
      'API_VALIDATION_FAILED',
      `invalid request: body.${field} is required when the API has no login; send the operator's name in ${field}`,
      [{ field: `body.${field}`, message: 'is required' }],
    );
  }
  return { who: typedName };
}
