/**
 * The data behind an asset page: temperature curves, defrost and door-open periods, limits, alarms and
 * the mean kinetic temperature of the shown window, per alarm profile and compartment.
 */
import type { FastifyInstance } from 'fastify';
import { deviceFieldNames, type ResolvedDevice } from '../../config/resolve.js';
import { type ApiContext, requireService } from '../api-context.js';
import { TEMPERATURE_FIELDS } from '../asset-view.js';
import { ApiError } from '../errors.js';
import { chartGroups } from '../history/chart-groups.js';
import { asBuckets, readHistory, upstream } from '../history/history-reader.js';
import type { HistorySource } from '../history/history-source.js';
import { mergePeriods, type Period, truePeriods } from '../history/periods.js';
import { errorResponses, idParam, openObject, timeRangeQuery } from '../schemas.js';
import { resolveTimeRange, type TimeRange, type TimeRangeQuery } from '../time-range.js';

/** Most samples of a boolean field read to find its periods, per device and field. */
const MAX_STATE_POINTS = 20_000;

const limitsSchema = openObject({ min_c: { type: 'number' }, max_c: { type: 'number' } });

async function periodsOf(
  source: HistorySource,
  devices: readonly ResolvedDevice[],
  field: string,
  range: TimeRange,
): Promise<Period[]> {
  const periods: Period[] = [];
  for (const device of devices) {
    if (!deviceFieldNames(device).includes(field)) continue;
    const request = { site: device.site, device: device.id, measurement: device.measurement, field, ...range };
    // NOTE: a window with more than MAX_STATE_POINTS samples shows only the periods of its oldest part.
    const samples = await upstream(() => source.raw(request, MAX_STATE_POINTS));
    for (const series of samples) periods.push(...truePeriods(series.points, range.to_ms));
  }
  return mergePeriods(periods);
}

export function registerAssetChartRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: { asset: string }; Querystring: TimeRangeQuery }>(
    '/api/v1/assets/:asset/chart',
    {
      schema: {
        tags: ['history'],
        summary: 'Temperature curves, defrost and door periods, limits, alarms and MKT of one asset',
        params: idParam('asset', 'Asset name'),
        querystring: { type: 'object', additionalProperties: false, properties: timeRangeQuery },
        response: {
          200: openObject({
            asset: { type: 'string' },
            from_ms: { type: 'integer' },
            to_ms: { type: 'integer' },
            bucket_ms: { type: ['integer', 'null'] },
            mkt_c: {
              type: ['number', 'null'],
              description:
                'Mean kinetic temperature of the window, °C (ΔH/R = 10000 K), or null when there are several groups',
            },
            limits: {
              ...limitsSchema,
              type: ['object', 'null'],
              description: 'Limits of the only group, or null when there are several groups',
            },
            groups: {
              type: 'array',
              description: 'MKT and limits per alarm profile and compartment',
              items: openObject({
                profile: { type: ['string', 'null'] },
                compartment: { type: ['string', 'null'] },
                mkt_c: { type: ['number', 'null'] },
                limits: limitsSchema,
                compartment_profiles: {
                  type: 'array',
                  items: { type: 'string' },
                  description:
                    'For a whole-truck profile: the compartment profiles beside it, which take the series of their compartments. Empty otherwise',
                },
              }),
            },
            series: { type: 'array', items: openObject({}) },
            periods: openObject({ defrost: { type: 'array' }, door_open: { type: 'array' } }),
            alarms: { type: 'array', items: openObject({}) },
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const source = requireService(context.deps, 'history');
      const { asset } = request.params;
      const devices = context.deps.gateway.resolved.devices.filter((device) => device.asset === asset);
      if (devices.length === 0) {
        throw new ApiError(
          'API_ASSET_NOT_FOUND',
          `asset ${JSON.stringify(asset)} is not configured; GET /api/v1/assets lists them`,
        );
      }
      const range = resolveTimeRange(request.query);
      const series = [];
      let bucket_ms: number | null = null;
      for (const device of devices) {
        const field = TEMPERATURE_FIELDS.find((name) => deviceFieldNames(device).includes(name));
        if (!field) continue;
        const result = await readHistory(
          source,
          { site: device.site, device: device.id, measurement: device.measurement, field },
          range,
        );
        if (result.bucket_ms !== null) bucket_ms = Math.max(bucket_ms ?? 0, result.bucket_ms);
        for (const entry of asBuckets(result)) {
          series.push({
            device: device.id,
            field,
            label: entry.tags.compartment ?? device.id,
            tags: { asset, device: device.id, ...entry.tags },
            points: entry.points,
          });
        }
      }
      const { groups, series_profiles } = chartGroups(series, context.deps.profiles?.(asset) ?? []);
      const [single] = groups;
      const alarms = context.deps.alarms ? await context.deps.alarms.list({ asset }) : [];
      return {
        asset,
        from_ms: range.from_ms,
        to_ms: range.to_ms,
        bucket_ms,
        mkt_c: groups.length > 1 ? null : (single?.mkt_c ?? null),
        limits: groups.length > 1 ? null : (single?.limits ?? {}),
        groups,
        series: series.map((entry, index) => ({ ...entry, profile: series_profiles[index] })),
        periods: {
          defrost: await periodsOf(source, devices, 'defrost_on', range),
          door_open: await periodsOf(source, devices, 'door_open', range),
        },
        alarms,
      };
    },
  );
}
