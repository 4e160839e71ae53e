/** Reading history of one device field, with downsampling for long ranges. */
import type { FastifyInstance } from 'fastify';
import { closestKey } from '../../config/format-issues.js';
import { deviceFieldNames } from '../../config/resolve.js';
import { type ApiContext, requireService } from '../api-context.js';
import { ApiError } from '../errors.js';
import { readHistory } from '../history/history-reader.js';
import { errorResponses, openObject, timeRangeQuery } from '../schemas.js';
import { FIELD_NAME_RULE, NO_CONTROL_CHARACTERS_RULE } from '../string-rules.js';
import { resolveTimeRange, type TimeRangeQuery } from '../time-range.js';

interface HistoryQuery extends TimeRangeQuery {
  device: string;
  field: string;
  site?: string;
}

function unknownFieldMessage(deviceId: string, field: string, fields: readonly string[]): string {
  const known = [...fields].sort();
  const hint = closestKey(field, known);
  const guess = hint === undefined ? '' : `did you mean ${JSON.stringify(hint)}? `;
  return `device ${JSON.stringify(deviceId)} has no field ${JSON.stringify(field)}; ${guess}its fields: ${known.join(', ')}`;
}

export function registerHistoryRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Querystring: HistoryQuery }>(
    '/api/v1/history',
    {
      schema: {
        tags: ['history'],
        summary: 'History of one field of one device; long ranges come back as min/mean/max buckets',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['device', 'field'],
          properties: {
            device: { type: 'string', minLength: 1, maxLength: 200, description: 'Device id' },
            field: {
              type: 'string',
              pattern: FIELD_NAME_RULE.pattern,
              maxLength: 100,
              description: 'Field name, such as air_temp_c',
            },
            site: {
              type: 'string',
              minLength: 1,
              maxLength: 200,
              pattern: NO_CONTROL_CHARACTERS_RULE.pattern,
              description:
                "Value of the site tag to read. Default the device's site, which is this gateway's site unless the device sets its own",
            },
            ...timeRangeQuery,
          },
        },
        response: {
          200: openObject({
            site: { type: 'string' },
            device: { type: 'string' },
            field: { type: 'string' },
            source: { type: 'string', enum: ['influx', 'local_store'] },
            from_ms: { type: 'integer' },
            to_ms: { type: 'integer' },
            bucket_ms: { type: ['integer', 'null'], description: 'Bucket width, or null for raw points' },
            series: {
              type: 'array',
              items: openObject({ tags: openObject({}), points: { type: 'array', items: openObject({}) } }),
            },
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const source = requireService(context.deps, 'history');
      const { device: deviceId, field } = request.query;
      const device = context.deps.gateway.resolved.devices.find((candidate) => candidate.id === deviceId);
      if (!device) {
        throw new ApiError(
          'API_DEVICE_NOT_FOUND',
          `device ${JSON.stringify(deviceId)} is not configured; GET /api/v1/devices lists them`,
        );
      }
      const fields = deviceFieldNames(device);
      if (!fields.includes(field))
        throw new ApiError('API_FIELD_NOT_FOUND', unknownFieldMessage(deviceId, field, fields));
      const range = resolveTimeRange(request.query);
      const site = request.query.site ?? device.site;
      const result = await readHistory(
        source,
        { site, device: deviceId, measurement: device.measurement, field },
        range,
      );
      return {
        site,
        device: deviceId,
        field,
        source: source.name,
        from_ms: range.from_ms,
        to_ms: range.to_ms,
        ...result,
      };
    },
  );
}
