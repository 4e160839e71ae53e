/** Delivery plans from the scheduler and their comparison with each merchant driving alone. */
import type { FastifyInstance } from 'fastify';
import { type ApiContext, callService, requireService } from '../api-context.js';
import { ApiError } from '../errors.js';
import { errorResponses, idParam, openObject, planDateSchema, planSchema } from '../schemas.js';
import type { Plan, PlanFigures } from '../services.js';

const figuresSchema = openObject({
  trips: { type: 'integer' },
  km: { type: 'number' },
  load_factor: { type: 'number' },
  kg_co2: { type: 'number' },
  orders_served: { type: 'integer' },
});

/** Saving of the pooled plan against the baseline, per figure; positive is better for trips, km and CO2. */
function savings(pooled: PlanFigures, baseline: PlanFigures) {
  const percent = (before: number, after: number) => (before === 0 ? 0 : ((before - after) / before) * 100);
  return {
    trips_saved: baseline.trips - pooled.trips,
    km_saved: baseline.km - pooled.km,
    kg_co2_saved: baseline.kg_co2 - pooled.kg_co2,
    km_saved_pct: percent(baseline.km, pooled.km),
    kg_co2_saved_pct: percent(baseline.kg_co2, pooled.kg_co2),
    load_factor_gain: pooled.load_factor - baseline.load_factor,
  };
}

function notFound(id: string): ApiError {
  return new ApiError('API_PLAN_NOT_FOUND', `plan ${JSON.stringify(id)} does not exist; GET /api/v1/plans lists them`);
}

export function registerPlanRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get(
    '/api/v1/plans',
    {
      schema: {
        tags: ['plans'],
        summary: 'Computed plans, newest first',
        response: {
          200: {
            type: 'array',
            items: openObject({
              id: { type: 'string' },
              scenario: { type: 'string' },
              plan_date: planDateSchema,
              created_ms: { type: 'integer' },
            }),
          },
          ...errorResponses,
        },
      },
    },
    async () => {
      const plans = await requireService(context.deps, 'plans').list();
      return [...plans].sort((left, right) => right.created_ms - left.created_ms);
    },
  );

  app.get(
    '/api/v1/plans/latest',
    { schema: { tags: ['plans'], summary: 'The newest plan', response: { 200: planSchema, ...errorResponses } } },
    async () => {
      const plan = await requireService(context.deps, 'plans').latest();
      if (!plan) throw new ApiError('API_PLAN_NOT_FOUND', 'no plan has been computed yet; POST /api/v1/plans runs one');
      return plan;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/plans/:id',
    {
      schema: {
        tags: ['plans'],
        summary: 'One plan',
        params: idParam('id', 'Plan id'),
        response: { 200: planSchema, ...errorResponses },
      },
    },
    async (request) => {
      const plan = await requireService(context.deps, 'plans').get(request.params.id);
      if (!plan) throw notFound(request.params.id);
      return plan;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/plans/:id/comparison',
    {
      schema: {
        tags: ['plans'],
        summary:
          'Pooled plan against the baseline for the orders the pooled plan serves: trips, km, load factor, kg CO2, served orders and the savings',
        params: idParam('id', 'Plan id'),
        response: {
          200: openObject({
            plan_id: { type: 'string' },
            pooled: figuresSchema,
            baseline: figuresSchema,
            unserved: {
              type: 'array',
              items: openObject({ order_id: { type: 'string' }, reason: { type: 'string' } }),
            },
            baseline_unserved: { type: 'array', items: { type: 'string' } },
            savings: openObject({}),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const plan = await requireService(context.deps, 'plans').get(request.params.id);
      if (!plan) throw notFound(request.params.id);
      const { pooled, baseline } = plan.comparison;
      return {
        plan_id: plan.id,
        pooled,
        baseline,
        // Orders the pooled plan leaves unserved are in neither side's figures.
        unserved: plan.unserved,
        // Plans stored before the baseline was limited to the served orders lack this list.
        baseline_unserved: plan.comparison.baseline_unserved ?? [],
        savings: savings(pooled, baseline),
      };
    },
  );

  app.post<{ Body: { scenario: string } }>(
    '/api/v1/plans',
    {
      schema: {
        tags: ['plans'],
        summary: 'Compute a plan for a scenario',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['scenario'],
          properties: { scenario: { type: 'string', minLength: 1, maxLength: 200, description: 'Scenario name' } },
        },
        response: { 201: planSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const service = requireService(context.deps, 'plans');
      const plan: Plan = await callService('API_PLAN_NOT_FOUND', () => service.run(request.body.scenario));
      if (!service.subscribe) context.live.publish('plan', plan);
      return reply.status(201).send(plan);
    },
  );
}
