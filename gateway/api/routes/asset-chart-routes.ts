/**
 * The data behind an asset page: temperature curves, defrost and door-open periods, limits, alarms and
 * the mean kinetic temperature of the shown window.
 */
import type { FastifyInstance } from 'fastify';
import { deviceFieldNames, type ResolvedDevice } from '../../config/resolve.js';
import { type ApiContext, requireService } from '../api-context.js';
import { TEMPERATURE_FIELDS } from '../asset-view.js';
import { ApiError } from '../errors.js';
import { asBuckets, readHistory, upstream } from '../history/history-reader.js';
import type { HistorySource } from '../history/history-source.js';
import { meanKineticTemperatureC } from '../history/mkt.js';
import { mergePeriods, type Period, truePeriods } from '../history/periods.js';
import { errorResponses, idParam, openObject, timeRangeQuery } from '../schemas.js';
import { resolveTimeRange, type TimeRange, type TimeRangeQuery } from '../time-range.js';

/** Most samples of a boolean field read to find its periods, per device and field. */
const MAX_STATE_POINTS = 20_000;

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
              description: 'Mean kinetic temperature of the window, °C (ΔH/R = 10000 K)',
            },
            limits: openObject({ min_c: { type: 'number' }, max_c: { type: 'number' } }),
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
            tags: entry.tags,
            points: entry.points,
          });
        }
      }
      // Weights are sample counts, so a bucket's mean stands for its samples. NOTE: within a bucket this
      // uses the mean instead of each sample, which slightly lowers the MKT when the bucket spans a swing.
      const weighted = series.flatMap((entry) =>
        entry.points.map((point) => ({ value_c: point.mean, weight: point.count })),
      );
      const alarms = context.deps.alarms ? await context.deps.alarms.list({ asset }) : [];
      return {
        asset,
        from_ms: range.from_ms,
        to_ms: range.to_ms,
        bucket_ms,
        mkt_c: meanKineticTemperatureC(weighted),
        limits: context.deps.limits?.(asset) ?? {},
        series,
        periods: {
          defrost: await periodsOf(source, devices, 'defrost_on', range),
          door_open: await periodsOf(source, devices, 'door_open', range),
        },
        alarms,
      };
    },
  );
}
