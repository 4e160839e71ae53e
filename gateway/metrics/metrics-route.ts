import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api/api-context.js';
import { createGatewayMetrics } from './gateway-metrics.js';

/** Serves the Prometheus text exposition format at /metrics. */
export function registerMetricsRoute(app: FastifyInstance, context: ApiContext): void {
  const { gateway } = context.deps;
  const registry = createGatewayMetrics({
    stats: gateway.stats,
    outputStats: () => gateway.outputStats(),
    deviceHealth: () =>
      context.fleet.devices().map((device) => ({ device: device.id, up: device.health.state === 'up' })),
    liveClients: () => context.live.stats().clients,
    rtuLines: () => gateway.rtuLineStats?.() ?? [],
    // The API has a plan service exactly when planning is on.
    ...(context.deps.plans !== undefined && gateway.planningCounters !== undefined
      ? { planning: () => gateway.planningCounters?.() }
      : {}),
  });
  app.get(
    '/metrics',
    { schema: { tags: ['gateway'], summary: 'Prometheus metrics of the gateway', produces: ['text/plain'] } },
    async (_request, reply) => {
      const body = await registry.metrics();
      return reply.header('content-type', registry.contentType).send(body);
    },
  );
}
