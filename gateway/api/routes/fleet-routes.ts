/** Sites, assets and devices with their newest readings and health. */
import type { FastifyInstance } from 'fastify';
import { WILDCARD_IDENTITIES } from '../../inputs/mqtt-input.js';
import type { ApiContext } from '../api-context.js';
import { wholeAssetAlarms } from '../asset-alarms.js';
import { resolveAssetTarget } from '../asset-target.js';
import { buildAssetView, buildAssetViews } from '../asset-view.js';
import { ApiError } from '../errors.js';
import { errorResponses, idParam, openObject } from '../schemas.js';
import type { Alarm } from '../services.js';
import { alarmEntryIds, buildEntryView, type ListedAssetView, withAlarmEntries } from '../target-view.js';

const deviceSchema = openObject(
  {
    id: { type: 'string' },
    site: { type: 'string' },
    asset: { type: 'string' },
    measurement: { type: 'string' },
    protocol: { type: 'string', enum: ['mqtt', 'modbus_tcp', 'modbus_rtu'] },
    discovered: { type: 'boolean', description: 'True for a device seen through a wildcard subscription' },
    subscription: { type: 'string', description: 'Subscription filter that routed a discovered device' },
    health: openObject({
      state: { type: 'string', enum: ['up', 'down', 'stale', 'unknown', 'payload_errors'] },
      last_seen_ms: { type: ['integer', 'null'] },
      last_payload_error: {
        type: ['string', 'null'],
        description: 'Code and message of the newest rejected payload or unreadable field',
      },
      last_payload_error_ms: { type: ['integer', 'null'], description: 'Gateway time of last_payload_error' },
      timestamp_collisions: {
        type: 'integer',
        description: 'Readings that overwrote an earlier reading of their series with the same device timestamp',
      },
      last_timestamp_collision_ms: {
        type: ['integer', 'null'],
        description: 'Gateway time of the newest timestamp collision',
      },
    }),
    latest: { type: 'array', items: openObject({}) },
  },
  ['id', 'site', 'asset', 'health', 'latest'],
);

/** Devices `GET /api/v1/devices` returns when the request gives no `limit`. */
export const DEVICE_PAGE_DEFAULT = 1000;
/** Largest `limit` of `GET /api/v1/devices`. */
export const DEVICE_PAGE_MAX = 10_000;
/** Response header with the number of devices in the whole list. */
export const TOTAL_COUNT_HEADER = 'x-total-count';

const assetSchema = openObject(
  {
    asset: { type: 'string' },
    site: { type: 'string' },
    kind: { type: 'string', enum: ['cold_room', 'reefer', 'other'] },
    state: { type: 'string', enum: ['offline', 'door_open', 'defrost', 'cooling', 'idle', 'online'] },
    alarm_level: { type: 'string', enum: ['none', 'warning', 'alarm', 'critical'] },
    temperatures: { type: 'array', items: openObject({}) },
    alarm_entries: {
      type: 'array',
      items: { type: 'string' },
      description: 'Ids of the alarms.assets entries that watch the asset, which the asset routes also accept',
    },
  },
  ['asset', 'site', 'kind', 'state', 'alarm_level', 'temperatures', 'alarm_entries'],
);

async function openAlarms(context: ApiContext): Promise<Alarm[]> {
  if (!context.deps.alarms) return [];
  const alarms = await context.deps.alarms.list({});
  return alarms.filter((alarm) => alarm.state !== 'closed');
}

/** Returns the asset views of every configured device. */
export async function assetViews(context: ApiContext): Promise<ListedAssetView[]> {
  const entryIdsOf = (asset: string) => alarmEntryIds(context, asset);
  const views = buildAssetViews(context.fleet.devices(), await openAlarms(context), entryIdsOf);
  return views.map((view) => withAlarmEntries(context, view));
}

export function registerFleetRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get(
    '/api/v1/sites',
    {
      schema: {
        tags: ['fleet'],
        summary: 'Sites with their assets',
        response: {
          200: {
            type: 'array',
            items: openObject({ site: { type: 'string' }, assets: { type: 'array', items: assetSchema } }),
          },
          ...errorResponses,
        },
      },
    },
    async () => {
      const views = await assetViews(context);
      const sites = [...new Set(views.map((view) => view.site))].sort();
      return sites.map((site) => ({ site, assets: views.filter((view) => view.site === site) }));
    },
  );

  app.get(
    '/api/v1/assets',
    {
      schema: {
        tags: ['fleet'],
        summary: 'Every cold room and truck with temperature, state and alarm level',
        response: { 200: { type: 'array', items: assetSchema }, ...errorResponses },
      },
    },
    async () => assetViews(context),
  );

  app.get<{ Params: { asset: string } }>(
    '/api/v1/assets/:asset',
    {
      schema: {
        tags: ['fleet'],
        summary: 'One asset, or one alarms.assets entry such as a truck compartment, with its devices',
        params: idParam('asset', 'Asset tag of configured devices, or the id of an alarms.assets entry'),
        response: {
          200: openObject({ ...assetSchema.properties, device_details: { type: 'array', items: deviceSchema } }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const target = resolveAssetTarget(context.deps, request.params.asset);
      const devices = target.devices.flatMap((device) => context.fleet.device(device.id) ?? []);
      const alarms = await openAlarms(context);
      const view =
        target.entry === null
          ? withAlarmEntries(
              context,
              buildAssetView(target.id, devices, wholeAssetAlarms(alarms, target.id, target.entry_ids)),
            )
          : buildEntryView(target, devices, alarms);
      return { ...view, device_details: devices };
    },
  );

  app.get<{ Querystring: { offset?: number; limit?: number; discovered?: boolean } }>(
    '/api/v1/devices',
    {
      schema: {
        tags: ['fleet'],
        summary:
          'Configured devices, then devices discovered through wildcard subscriptions, with health and newest readings',
        description: `The ${TOTAL_COUNT_HEADER} response header gives the number of devices in the whole list.`,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            offset: { type: 'integer', minimum: 0, default: 0, description: 'Devices to skip' },
            discovered: {
              type: 'boolean',
              default: false,
              description: 'List only the devices discovered through wildcard subscriptions, by id',
            },
            limit: {
              type: 'integer',
              minimum: 1,
              maximum: DEVICE_PAGE_MAX,
              default: DEVICE_PAGE_DEFAULT,
              description: 'Devices to return at most',
            },
          },
        },
        response: { 200: { type: 'array', items: deviceSchema }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { offset = 0, limit = DEVICE_PAGE_DEFAULT, discovered = false } = request.query;
      const page = discovered ? context.fleet.discoveredPage(offset, limit) : context.fleet.page(offset, limit);
      reply.header(TOTAL_COUNT_HEADER, String(page.total));
      return page.devices;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/devices/:id',
    {
      schema: {
        tags: ['fleet'],
        summary: 'One configured or discovered device with health and newest readings',
        params: idParam('id', 'Device id'),
        response: { 200: deviceSchema, ...errorResponses },
      },
    },
    async (request) => {
      const device = context.fleet.device(request.params.id);
      if (!device) {
        throw new ApiError(
          'API_DEVICE_NOT_FOUND',
          `device ${JSON.stringify(request.params.id)} is not configured and not among the discovered devices. ` +
            'A device is discovered when a wildcard subscription routes a message of it after the gateway starts, ' +
            `and the ${WILDCARD_IDENTITIES.toLocaleString('en-US')} most recently seen are kept. ` +
            'GET /api/v1/devices lists the devices',
        );
      }
      return device;
    },
  );
}
