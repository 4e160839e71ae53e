/**
 * The data behind an asset page: temperature curves, defrost and door-open periods, limits, alarms and
 * the mean kinetic temperature of the shown window, per alarm profile and compartment. The asset is a
 * whole asset or an `alarms.assets` entry that watches part of one, which gets only its own series.
 */
import type { FastifyInstance } from 'fastify';
import { deviceFieldNames } from '../../config/resolve.js';
import { type ApiContext, requireService } from '../api-context.js';
import { listTargetAlarms, resolveAssetTarget, targetSelects } from '../asset-target.js';
import { TEMPERATURE_FIELDS } from '../asset-view.js';
import { chartGroups } from '../history/chart-groups.js';
import { devicePeriods } from '../history/device-periods.js';
import { asBuckets, readHistory } from '../history/history-reader.js';
import { errorResponses, idParam, openObject, timeRangeQuery } from '../schemas.js';
import { resolveTimeRange, type TimeRangeQuery } from '../time-range.js';

const limitsSchema = openObject({ min_c: { type: 'number' }, max_c: { type: 'number' } });
const matchSchema = openObject({
  asset: { type: 'string' },
  compartment: { type: 'string' },
  device: { type: 'string' },
});

export function registerAssetChartRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: { asset: string }; Querystring: TimeRangeQuery }>(
    '/api/v1/assets/:asset/chart',
    {
      schema: {
        tags: ['history'],
        summary: 'Temperature curves, defrost and door periods, limits, alarms and MKT of one asset',
        params: idParam('asset', 'Asset tag of configured devices, or the id of an alarms.assets entry'),
        querystring: { type: 'object', additionalProperties: false, properties: timeRangeQuery },
        response: {
          200: openObject({
            asset: { type: 'string' },
            device_asset: { type: 'string', description: 'Asset tag of the devices; equals asset for a whole asset' },
            match: {
              ...matchSchema,
              type: ['object', 'null'],
              description: 'Tags of the alarms.assets entry that asset names, or null for a whole asset',
            },
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
            alarm_assets: {
              type: 'array',
              items: { type: 'string' },
              description:
                'Alarm asset ids that alarms covers: asset and, for a whole asset, the ids of its alarms.assets entries',
            },
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const source = requireService(context.deps, 'history');
      const { asset } = request.params;
      const target = resolveAssetTarget(context.deps, asset);
      const selects = (device: string, tags: Record<string, string>) => targetSelects(target, device, tags);
      const range = resolveTimeRange(request.query);
      const series = [];
      let bucket_ms: number | null = null;
      for (const device of target.devices) {
        const field = TEMPERATURE_FIELDS.find((name) => deviceFieldNames(device).includes(name));
        if (!field) continue;
        const result = await readHistory(
          source,
          { site: device.site, device: device.id, measurement: device.measurement, field },
          range,
        );
        if (result.bucket_ms !== null) bucket_ms = Math.max(bucket_ms ?? 0, result.bucket_ms);
        for (const entry of asBuckets(result)) {
          if (!selects(device.id, entry.tags)) continue;
          series.push({
            device: device.id,
            field,
            label: entry.tags.compartment ?? device.id,
            tags: { asset: target.device_asset, device: device.id, ...entry.tags },
            points: entry.points,
          });
        }
      }
      // An entry's page shows its own limits and MKT, not those of the other entries of its asset.
      const profiles = target.entry ? [target.entry] : (context.deps.profiles?.(asset) ?? []);
      const { groups, series_profiles } = chartGroups(series, profiles);
      const [single] = groups;
      const alarms = await listTargetAlarms(context.deps.alarms, target);
      return {
        asset,
        device_asset: target.device_asset,
        match: target.entry?.match ?? null,
        from_ms: range.from_ms,
        to_ms: range.to_ms,
        bucket_ms,
        mkt_c: groups.length > 1 ? null : (single?.mkt_c ?? null),
        limits: groups.length > 1 ? null : (single?.limits ?? {}),
        groups,
        series: series.map((entry, index) => ({ ...entry, profile: series_profiles[index] })),
        periods: {
          defrost: await devicePeriods(source, target.devices, 'defrost_on', range, selects),
          door_open: await devicePeriods(source, target.devices, 'door_open', range, selects),
        },
        alarms,
        alarm_assets: [target.id, ...target.entry_ids],
      };
    },
  );
}
