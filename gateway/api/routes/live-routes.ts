import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context.js';
import { ApiError } from '../errors.js';

export function registerLiveRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get(
    '/api/v1/live',
    {
      schema: {
        tags: ['live'],
        summary:
          'Server-sent events: reading, device_state, sensor_fault, field_error, alarm and plan, as JSON in data; resumes after Last-Event-ID',
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      if (!context.live.hasRoom()) {
        throw new ApiError(
          'API_SERVICE_UNAVAILABLE',
          `the live feed already serves ${context.live.maxClients} clients; retry later`,
        );
      }
      reply.hijack();
      const lastEventId = request.headers['last-event-id'];
      context.live.attach(reply.raw, typeof lastEventId === 'string' ? lastEventId : undefined);
      request.log.debug({ client: request.ip }, 'live feed client connected');
    },
  );
}
