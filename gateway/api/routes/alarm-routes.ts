/** Alarm list, acknowledgement with a comment, comments, and closing with the corrective action. */
import type { FastifyInstance } from 'fastify';
import { type ApiContext, callService, requireService } from '../api-context.js';
import { ApiError } from '../errors.js';
import { requestActor } from '../request-actor.js';
import { alarmSchema, errorResponses, idParam } from '../schemas.js';
import type { Alarm, AlarmFilter, AlarmService, OperatorActor } from '../services.js';

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

/** Message of every alarm route for an id that names no alarm. */
function alarmNotFoundMessage(id: string): string {
  return `alarm ${JSON.stringify(id)} not found; GET /api/v1/alarms lists the alarm ids`;
}

/** Runs an alarm service call on alarm `id`, with the routes' own not-found message. */
async function callAlarmService<T>(id: string, call: () => T | Promise<T>): Promise<T> {
  try {
    return await callService('API_ALARM_NOT_FOUND', call);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'API_ALARM_NOT_FOUND') {
      throw new ApiError('API_ALARM_NOT_FOUND', alarmNotFoundMessage(id));
    }
    throw error;
  }
}

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
      if (!alarm) throw new ApiError('API_ALARM_NOT_FOUND', alarmNotFoundMessage(request.params.id));
      return alarm;
    },
  );

  registerOperatorAction(app, context, {
    action: 'acknowledge',
    summary: 'Acknowledge an alarm with a comment',
    textField: 'comment',
    description: 'What the operator saw or did',
    apply: (service, id, actor, text) => service.acknowledge(id, actor, text),
  });
  registerOperatorAction(app, context, {
    action: 'comment',
    summary: 'Add a comment to an alarm in any state, closed ones included',
    textField: 'comment',
    description: 'What the operator saw or did',
    apply: (service, id, actor, text) => service.comment(id, actor, text),
  });
  registerOperatorAction(app, context, {
    action: 'close',
    summary: 'Close an alarm with the corrective action taken',
    textField: 'corrective_action',
    description: 'Corrective action taken, for the HACCP record',
    apply: (service, id, actor, text) => service.close(id, actor, text),
  });
}

/** An operator's action on one alarm, served as `POST /api/v1/alarms/:id/<action>`. */
interface OperatorAction {
  action: 'acknowledge' | 'comment' | 'close';
  summary: string;
  /** Body property that carries the operator's text. */
  textField: 'comment' | 'corrective_action';
  /** OpenAPI description of `textField`. */
  description: string;
  apply(service: AlarmService, id: string, actor: OperatorActor, text: string): Alarm | Promise<Alarm>;
}

/** Registers the route of `operation`, which records the request's actor (`requestActor`). */
function registerOperatorAction(app: FastifyInstance, context: ApiContext, operation: OperatorAction): void {
  app.post<{ Params: { id: string }; Body: { who?: string } & Record<string, string> }>(
    `/api/v1/alarms/:id/${operation.action}`,
    {
      schema: {
        tags: ['alarms'],
        summary: operation.summary,
        params: idParam('id', 'Alarm id'),
        body: operatorBody(operation.textField, operation.description),
        response: { 200: alarmSchema, ...errorResponses },
      },
    },
    async (request) => {
      const service = requireService(context.deps, 'alarms');
      const { id } = request.params;
      // The body schema requires textField, so the fallback is never used.
      const text = request.body[operation.textField] ?? '';
      const actor = requestActor(context, request, request.body.who, 'who');
      return callAlarmService(id, () => operation.apply(service, id, actor, text));
    },
  );
}
