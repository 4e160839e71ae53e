/** Capacity offers and pooled delivery orders. */
import type { FastifyInstance } from 'fastify';
import { type ApiContext, callService, requireService } from '../api-context.js';
import { requestActor } from '../request-actor.js';
import { errorResponses, idParam, openObject } from '../schemas.js';
import type { OrderInput } from '../services.js';
import { CLOCK_TIME_RULE } from '../string-rules.js';

const CLOCK_DESCRIPTION = 'Clock time H:MM or HH:MM from 0:00 to 47:59, where hours 24 to 47 fall on the next day';

const windowSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['start', 'end'],
  examples: [{ start: '17:30', end: '21:30' }],
  properties: {
    start: { type: 'string', pattern: CLOCK_TIME_RULE.pattern, description: CLOCK_DESCRIPTION },
    end: { type: 'string', pattern: CLOCK_TIME_RULE.pattern, description: CLOCK_DESCRIPTION },
  },
} as const;

const temperatureClass = { type: 'string', enum: ['frozen', 'chilled', 'ambient'] } as const;

const orderInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'merchant_id',
    'pickup_site_id',
    'delivery_site_id',
    'temperature_class',
    'weight_kg',
    'volume_m3',
    'pickup_window',
    'delivery_window',
  ],
  properties: {
    merchant_id: { type: 'string', minLength: 1, maxLength: 100 },
    pickup_site_id: { type: 'string', minLength: 1, maxLength: 100 },
    delivery_site_id: { type: 'string', minLength: 1, maxLength: 100 },
    temperature_class: temperatureClass,
    weight_kg: { type: 'number', exclusiveMinimum: 0, maximum: 40_000 },
    volume_m3: { type: 'number', exclusiveMinimum: 0, maximum: 100 },
    pickup_window: windowSchema,
    delivery_window: windowSchema,
    priority: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 100,
      description: 'Weight of leaving the order unserved. Default 1.',
    },
  },
} as const;

const orderSchema = openObject(
  {
    ...orderInputSchema.properties,
    id: { type: 'string' },
    plan_date: {
      type: 'string',
      format: 'date',
      description: 'Date YYYY-MM-DD whose rounds plan the order. Its windows count from that local midnight',
    },
    submitted_ms: { type: 'integer' },
    status: { type: 'string', enum: ['open', 'planned', 'unserved', 'delivered'] },
    delivered_ms: { type: 'integer', description: 'Time the order was reported delivered' },
    delivered_by: {
      type: 'string',
      description: 'User who reported the delivery with a login, else the name given in the report',
    },
    delivered_on_behalf_of: {
      type: 'string',
      description: 'Name the user in delivered_by typed for someone else; their claim, not verified',
    },
  },
  ['id', 'status'],
);

const deliveryBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    who: {
      type: 'string',
      minLength: 1,
      maxLength: 100,
      description:
        'Name of the driver or operator reporting the delivery. Required without a login. With a login the token holder is recorded, and a different name here is kept as delivered_on_behalf_of',
    },
  },
} as const;

const offerSchema = openObject(
  {
    id: { type: 'string' },
    owner: { type: 'string' },
    kind: { type: 'string', enum: ['truck', 'cold_room'] },
    reason: {
      type: 'string',
      enum: ['parked_unit_off', 'running_empty', 'free_volume'],
      description:
        'parked_unit_off: truck parked inside its shift with the refrigeration unit off; running_empty: moving truck whose load reading is at or below 20 kg; free_volume: free cold-room zone volume',
    },
    asset: { type: 'string' },
    temperature_class: temperatureClass,
    capacity_kg: { type: 'number' },
    capacity_m3: { type: 'number' },
    available_from_ms: { type: 'integer' },
    available_to_ms: { type: 'integer' },
  },
  ['id', 'kind', 'asset', 'temperature_class'],
);

export function registerCapacityRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get(
    '/api/v1/offers',
    {
      schema: {
        tags: ['capacity'],
        summary: 'Spare truck and cold-room capacity offered to the pool',
        response: { 200: { type: 'array', items: offerSchema }, ...errorResponses },
      },
    },
    async () => requireService(context.deps, 'capacity').offers(),
  );

  app.get(
    '/api/v1/orders',
    {
      schema: {
        tags: ['capacity'],
        summary:
          "Orders of the planning rounds: the scenario file's and the submitted ones, with the plan date of each",
        response: { 200: { type: 'array', items: orderSchema }, ...errorResponses },
      },
    },
    async () => requireService(context.deps, 'capacity').orders(),
  );

  app.post<{ Body: OrderInput }>(
    '/api/v1/orders',
    {
      schema: {
        tags: ['capacity'],
        summary: 'Submit a pooled delivery order',
        body: orderInputSchema,
        response: { 201: orderSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const service = requireService(context.deps, 'capacity');
      const order = await callService('API_REQUEST_REJECTED', () => service.submit(request.body));
      return reply.status(201).send(order);
    },
  );

  app.post<{ Params: { id: string }; Body: { who?: string } }>(
    '/api/v1/orders/:id/delivered',
    {
      schema: {
        tags: ['capacity'],
        summary: 'Report an order delivered, so later planning rounds leave it out',
        params: idParam('id', 'Order id'),
        body: deliveryBody,
        response: { 200: orderSchema, ...errorResponses },
      },
    },
    async (request) => {
      const service = requireService(context.deps, 'capacity');
      const actor = requestActor(context, request, request.body?.who, 'who');
      return callService('API_ORDER_NOT_FOUND', () => service.markDelivered(request.params.id, actor));
    },
  );
}
