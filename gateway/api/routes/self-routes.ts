/** The gateway's own counters as JSON, and a liveness check. */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context.js';
import { HEALTH_ROUTE } from '../health-route.js';
import { errorResponses, openObject } from '../schemas.js';

/** Returns the gateway counters, the output counters and the live-feed counters. */
export function selfMetrics(context: ApiContext) {
  const { stats } = context.deps.gateway;
  const devices = context.fleet.counts();
  return {
    readings: stats.readings,
    readings_by_device: Object.fromEntries(stats.readings_by_device),
    alarm_readings: stats.alarm_readings,
    sensor_faults: stats.sensor_faults,
    field_errors: stats.field_errors,
    payload_errors: stats.payload_errors,
    unknown_topics: stats.unknown_topics,
    retained_skipped: stats.retained_skipped,
    poll_errors: stats.poll_errors,
    untrusted_times: stats.untrusted_times,
    timestamp_collisions: stats.timestamp_collisions,
    devices_up: devices.up,
    devices_total: devices.total,
    outputs: Object.fromEntries(
      context.deps.gateway.outputStats().map(({ name, stats: counters }) => [name, counters]),
    ),
    live: context.live.stats(),
  };
}

export function registerSelfRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get(
    '/api/v1/gateway/metrics',
    {
      schema: {
        tags: ['gateway'],
        summary: 'Counters of the gateway itself: readings, faults, errors, outputs, live clients',
        response: {
          200: openObject({
            readings: { type: 'integer' },
            alarm_readings: { type: 'integer' },
            sensor_faults: { type: 'integer' },
            field_errors: { type: 'integer' },
            payload_errors: { type: 'integer' },
            poll_errors: { type: 'integer' },
            devices_up: { type: 'integer' },
            devices_total: { type: 'integer' },
            outputs: openObject({}),
          }),
          ...errorResponses,
        },
      },
    },
    async () => selfMetrics(context),
  );

  app.get(
    HEALTH_ROUTE,
    {
      schema: {
        tags: ['gateway'],
        summary: 'Liveness: 200 while the API runs',
        response: { 200: openObject({ status: { type: 'string', enum: ['ok'] }, time_ms: { type: 'integer' } }) },
      },
    },
    async () => ({ status: 'ok', time_ms: Date.now() }),
  );
}
