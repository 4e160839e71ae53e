/** The signed-in user and role of a request, so that a client such as the dashboard offers only what the role may do. */
import type { FastifyInstance } from 'fastify';
import { HTTP_ROLES } from '../../security/security-config.js';
import type { ApiContext } from '../api-context.js';
import { errorResponses } from '../schemas.js';

export const SESSION_ROUTE = '/api/v1/session';

export function registerSessionRoute(app: FastifyInstance, context: ApiContext): void {
  app.get(
    SESSION_ROUTE,
    {
      schema: {
        tags: ['auth'],
        summary: 'The user and role of the request; without a login both are null and every action is allowed',
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['login', 'user', 'role'],
            properties: {
              login: { type: 'boolean', description: 'True when the API checks users and roles (http.auth)' },
              user: { type: ['string', 'null'], description: 'User name, or the name of an http.auth.tokens entry' },
              role: { type: ['string', 'null'], enum: [...HTTP_ROLES, null] },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const user = context.userOf(request);
      if (user === undefined) return { login: false, user: null, role: null };
      return { login: true, user: user.name, role: user.role };
    },
  );
}
