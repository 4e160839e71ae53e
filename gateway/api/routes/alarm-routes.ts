/** Alarm list, acknowledgement with a comment, and closing with the corrective action. */
import type { FastifyInstance } from 'fastify';
import { type ApiContext, callService, requireService } from '../api-context.js';
import { ApiError } from '../errors.js';
import { requestActor } from '../request-actor.js';
import { alarmSchema, errorResponses, idParam } from '../schemas.js';
import type { AlarmFilter } from '../services.js';

const operatorBody = (textField: string, description: string) =>
  ({
    type: 'object',
    additionalProperties: false,
    required: [textField],
    properties: {
      who: {
        type: 'string',
        minLength: 1,
        maxLength: 100,
        description:
          'Name of the operator. Required without a login. With a login the token holder is recorded as the actor, and a different name here is kept as on_behalf_of',
      },
      [textField]: { type: 'string', minLength: 1, maxLength: 2000, description },
    },
  }) as const;

export function registerAlarmRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Querystring: AlarmFilter }>(
    '/api/v1/alarms',
    {
      schema: {
        tags: ['alarms'],
        summary: 'Alarms, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            state: { type: 'string', enum: ['active', 'acknowledged', 'closed'] },
            asset: { type: 'string', minLength: 1, maxLength: 200 },
          },
        },
        response: { 200: { type: 'array', items: alarmSchema }, ...errorResponses },
      },
    },
    async (request) => {
      const alarms = await requireService(context.deps, 'alarms').list(request.query);
      return [...alarms].sort((left, right) => right.raised_ms - left.raised_ms);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/alarms/:id',
    {
      schema: {
        tags: ['alarms'],
        summary: 'One alarm with its history',
        params: idParam('id', 'Alarm id'),
        response: { 200: alarmSchema, ...errorResponses },
      },
    },
    async (request) => {
      const alarm = await requireService(context.deps, 'alarms').get(request.params.id);
      if (!alarm)
        throw new ApiError(
          'API_ALARM_NOT_FOUND',
          `alarm ${JSON.stringify(request.params.id)} does not exist; GET /api/v1/alarms lists them`,
        );
      return alarm;
    },
  );

  app.post<{ Params: { id: string }; Body: { who?: string; comment: string } }>(
    '/api/v1/alarms/:id/acknowledge',
    {
      schema: {
        tags: ['alarms'],
        summary: 'Acknowledge an alarm with a comment',
        params: idParam('id', 'Alarm id'),
        body: operatorBody('comment', 'What the operator saw or did'),
        response: { 200: alarmSchema, ...errorResponses },
      },
    },
    async (request) => {
      const service = requireService(context.deps, 'alarms');
      const { who, comment } = request.body;
      const actor = requestActor(context, request, who, 'who');
      return callService('API_ALARM_NOT_FOUND', () => service.acknowledge(request.params.id, actor, comment));
    },
  );

  app.post<{ Params: { id: string }; Body: { who?: string; corrective_action: string } }>(
    '/api/v1/alarms/:id/close',
    {
      schema: {
        tags: ['alarms'],
        summary: 'Close an alarm with the corrective action taken',
        params: idParam('id', 'Alarm id'),
        body: operatorBody('corrective_action', 'Corrective action taken, for the HACCP record'),
        response: { 200: alarmSchema, ...errorResponses },
      },
    },
    async (request) => {
      const service = requireService(context.deps, 'alarms');
      const { who, corrective_action } = request.body;
      const actor = requestActor(context, request, who, 'who');
      return callService('API_ALARM_NOT_FOUND', () => service.close(request.params.id, actor, corrective_action));
    },
  );
}
