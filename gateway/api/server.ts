/**
 * The HTTP API of the gateway (fastify 5): JSON routes under /api/v1, server-sent events at
 * /api/v1/live, the OpenAPI document at /docs/json, Prometheus metrics at /metrics and the dashboard
 * at /. Every route validates its input with JSON Schema and fails with the error envelope of errors.ts.
 */
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { registerMetricsRoute } from '../metrics/metrics-route.js';
import type { RequestUser } from '../security/audit-record.js';
import { registerDashboard } from '../web/serve-dashboard.js';
import type { ApiContext, ApiDeps } from './api-context.js';
import { buildApiValidator } from './body-validator.js';
import { installErrorHandlers } from './error-handler.js';
import { ApiError, errorEnvelopeSchema } from './errors.js';
import { FleetState } from './fleet-state.js';
import { type HostRejection, hostCheckHook } from './host-check.js';
import { LiveFeed, type LiveFeedOptions } from './live-feed.js';
import { wireLiveFeed } from './live-wiring.js';
import { registerAlarmRoutes } from './routes/alarm-routes.js';
import { registerAssetChartRoutes } from './routes/asset-chart-routes.js';
import { registerCapacityRoutes } from './routes/capacity-routes.js';
import { registerFleetRoutes } from './routes/fleet-routes.js';
import { registerHistoryRoutes } from './routes/history-routes.js';
import { registerLiveRoutes } from './routes/live-routes.js';
import { registerPlanRoutes } from './routes/plan-routes.js';
import { registerReportRoutes } from './routes/report-routes.js';
import { registerSelfRoutes } from './routes/self-routes.js';
import { registerSessionRoute } from './routes/session-route.js';

export type { ApiDeps, ApiGateway } from './api-context.js';

export interface ApiServerOptions {
  /** Address to listen on. Default `127.0.0.1`, so only the gateway box reaches the API. */
  host?: string;
  /** TCP port; 0 picks a free one. Default 8080. */
  port?: number;
  /**
   * Decides whether a request may proceed; returning false rejects it with 401 `API_UNAUTHORIZED`. Runs as an
   * onRequest hook of every route, including the dashboard and /metrics, before the body is read and
   * validated. Default: every request passes.
   */
  authenticate?: (request: FastifyRequest) => boolean | Promise<boolean>;
  /**
   * Users, tokens and roles (gateway/security/http-auth.ts): registered before every route, it answers 401
   * without a valid token and 403 for a role that may not, and adds the login and logout routes. Its
   * `userOf` names the actor that operator actions record.
   */
  auth?: {
    plugin(app: FastifyInstance): Promise<void>;
    userOf?(request: FastifyRequest): RequestUser | undefined;
  };
  /** Logger for request errors. Default: no logging. */
  logger?: Logger;
  /** Time without a reading after which a device counts as stale, in milliseconds. Default 60000. */
  stale_after_ms?: number;
  /** Live-feed limits. */
  live?: LiveFeedOptions;
  /** Largest accepted request body, in bytes. Default 65536. */
  body_limit_bytes?: number;
  /** Serve the web dashboard at /. Default true. */
  dashboard?: boolean;
  /**
   * Host names that requests may name in their Host header besides IP addresses and `localhost`
   * (host-check.ts); `*` allows any. Default none.
   */
  allowed_hosts?: readonly string[];
  /** Runs for each request rejected for its Host header. */
  host_rejected?: (rejection: HostRejection) => void;
}

/** OpenAPI bearer authentication, required by every operation that does not set its own `security`. */
const bearerSecurity = {
  components: {
    securitySchemes: {
      bearerAuth: {
        type: 'http' as const,
        scheme: 'bearer',
        description: 'Session token from POST /api/v1/auth/login, or a token listed in http.auth.tokens',
      },
    },
  },
  security: [{ bearerAuth: [] }],
};

/** Builds the API server (not yet listening). Close it with `app.close()`, which also ends live streams. */
export async function createApiServer(deps: ApiDeps, options: ApiServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: options.body_limit_bytes ?? 65_536,
    // `verbose` adds the failing value and its schema to each issue, so a message can state the allowed range.
    // `coerceTypes` applies to the query string, path parameters and headers only (body-validator.ts).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: true, verbose: true } },
    schemaController: { compilersFactory: { buildValidator: buildApiValidator } },
  }) as unknown as FastifyInstance;
  const fleet = new FleetState(deps.gateway.resolved.devices, deps.gateway.bus, {
    discovered_route: (device_id) => deps.gateway.discoveredRoute?.(device_id),
    ...(options.stale_after_ms !== undefined ? { stale_after_ms: options.stale_after_ms } : {}),
  });
  const live = new LiveFeed(options.live);
  const unwire = wireLiveFeed(deps, live, fleet);
  const userOf = options.auth?.userOf;
  const context: ApiContext = { deps, fleet, live, userOf: (request) => userOf?.(request) };
  app.addHook('onClose', async () => {
    unwire();
    live.close();
    fleet.detach();
  });

  // Every request body of this API is JSON. Fastify also parses text/plain by default, which would turn
  // a text body into a schema error (400) instead of the unsupported media type (415) it is.
  app.removeContentTypeParser('text/plain');
  installErrorHandlers(app);
  app.addSchema(errorEnvelopeSchema);
  // Runs before authentication, so that a page of another site gets neither data nor the login route.
  app.addHook('onRequest', hostCheckHook(options.allowed_hosts ?? [], options.host_rejected));
  const authenticate = options.authenticate;
  if (authenticate) {
    app.addHook('onRequest', async (request) => {
      if (!(await authenticate(request))) {
        throw new ApiError('API_UNAUTHORIZED', 'the request has no valid credentials; sign in and retry');
      }
    });
  }
  // Swagger collects the routes registered after it, so it comes before the login and logout routes.
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'coldpool gateway API',
        version: '1',
        description: 'Cold rooms, reefer trucks, alarms and pooled-delivery plans',
      },
      ...(options.auth ? bearerSecurity : {}),
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => String(json.$id ?? `def-${index}`) },
  });
  if (options.auth) await app.register(options.auth.plugin);
  app.get('/docs/json', { schema: { hide: true } }, async () => app.swagger());

  registerFleetRoutes(app, context);
  registerHistoryRoutes(app, context);
  registerAssetChartRoutes(app, context);
  registerAlarmRoutes(app, context);
  registerCapacityRoutes(app, context);
  registerPlanRoutes(app, context);
  registerReportRoutes(app, context);
  registerSelfRoutes(app, context);
  registerSessionRoute(app, context);
  registerLiveRoutes(app, context);
  registerMetricsRoute(app, context);
  if (options.dashboard ?? true) await registerDashboard(app);
  await app.ready();
  return app;
}

/** Starts listening and returns the base URL, such as `http://127.0.0.1:8080`. */
export async function startApiServer(
  app: FastifyInstance,
  options: Pick<ApiServerOptions, 'host' | 'port'> = {},
): Promise<string> {
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 8080 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') return `http://${host}`;
  const printable = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${printable}:${address.port}`;
}

/** Stops listening, ends every live stream and detaches from the bus. */
export async function stopApiServer(app: FastifyInstance): Promise<void> {
  await app.close();
}
