import type { FastifyRequest } from 'fastify';
import type { RtuLineStats } from '../../devices/modbus/rtu-transport.js';
import type { ResolvedDevice } from '../config/resolve.js';
import type { EventBus } from '../events.js';
import type { DiscoveredRoute } from '../inputs/mqtt-input.js';
import type { OutputStats } from '../outputs/output.js';
import type { PlanningCounters } from '../planning/planner.js';
import type { RequestUser } from '../security/audit-record.js';
import type { GatewayStats } from '../stats.js';
import { ApiError, type ApiErrorCode, ServiceRejection } from './errors.js';
import type { FleetState } from './fleet-state.js';
import type { ChartProfile } from './history/chart-groups.js';
import type { HistorySource } from './history/history-source.js';
import type { LiveFeed } from './live-feed.js';
import type { AlarmService, CapacityService, PlanService, ReportService } from './services.js';

/** What the API reads of the running gateway; `Gateway` from gateway/gateway.ts satisfies it. */
export interface ApiGateway {
  bus: EventBus;
  stats: GatewayStats;
  outputStats(): Array<{ name: string; stats: OutputStats }>;
  resolved: { devices: readonly ResolvedDevice[] };
  /** Wildcard subscription that routed an unconfigured device, with its identity. Default: no discovery. */
  discoveredRoute?(device_id: string): DiscoveredRoute | undefined;
  /** Line counters of each Modbus RTU bus, by bus id. Default: no RTU bus. */
  rtuLineStats?(): Array<{ bus: string; stats: RtuLineStats }>;
  /** Counters of the planner that runs on this node, or undefined while none runs. Default: no planner. */
  planningCounters?(): PlanningCounters | undefined;
}

/** The gateway and the optional feature services the API serves. */
export interface ApiDeps {
  gateway: ApiGateway;
  /** Reading history; without it the history and chart routes return `API_SERVICE_UNAVAILABLE`. */
  history?: HistorySource;
  alarms?: AlarmService;
  capacity?: CapacityService;
  plans?: PlanService;
  reports?: ReportService;
  /**
   * Alarm profiles whose `match.asset` is the asset, whose MKT and limits the chart shows per profile and
   * compartment. Default: none, so the chart shows no limits and one MKT per compartment.
   */
  profiles?: (asset: string) => readonly ChartProfile[];
  /**
   * Returns the alarm profile whose `alarms.assets` id is `id`, such as `truck-1/front`, so that the asset
   * routes serve an entry that watches part of an asset. Default: none, so they serve whole assets only.
   */
  alarmEntry?: (id: string) => ChartProfile | undefined;
}

/** Everything a route module needs. */
export interface ApiContext {
  deps: ApiDeps;
  fleet: FleetState;
  live: LiveFeed;
  /** Returns the authenticated user of a request, or undefined when the API has no login. */
  userOf(request: FastifyRequest): RequestUser | undefined;
}

/** Message of `API_SERVICE_UNAVAILABLE` for each optional service: what is missing and the setting that enables it. */
const UNAVAILABLE_MESSAGES = {
  history:
    'reading history is not configured in this gateway; set outputs.local_store.enabled to true or configure outputs.influx',
  alarms: 'the alarm service is not configured in this gateway; set alarms.enabled to true',
  capacity:
    'the capacity-sharing service is not configured in this gateway; set planning.enabled to true ' +
    '(a cluster node serves it only when it held the leader lease as its HTTP API started)',
  plans: 'the scheduler is not configured in this gateway; set planning.enabled to true',
  reports:
    'the report service is not configured in this gateway; set alarms.enabled and outputs.local_store.enabled to true',
} as const;

/** Returns the service, or throws `API_SERVICE_UNAVAILABLE` naming the setting that enables it. */
export function requireService<K extends keyof typeof UNAVAILABLE_MESSAGES>(
  deps: ApiDeps,
  key: K,
): NonNullable<ApiDeps[K]> {
  const service = deps[key];
  if (service === undefined) {
    throw new ApiError('API_SERVICE_UNAVAILABLE', UNAVAILABLE_MESSAGES[key]);
  }
  return service as NonNullable<ApiDeps[K]>;
}

/** Runs a service call and turns a `ServiceRejection` into the matching API error. */
export async function callService<T>(notFound: ApiErrorCode, call: () => T | Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ServiceRejection)) throw error;
    if (error.kind === 'not_found') throw new ApiError(notFound, error.message);
    if (error.kind === 'conflict') throw new ApiError('API_CONFLICT', error.message);
    throw new ApiError('API_REQUEST_REJECTED', error.message);
  }
}
