/** Report list and downloads as PDF or CSV. */
import type { FastifyInstance } from 'fastify';
import { type ApiContext, callService, requireService } from '../api-context.js';
import { ApiError } from '../errors.js';
import { errorResponses, openObject, timeRangeQuery } from '../schemas.js';

const CONTENT_TYPES = { pdf: 'application/pdf', csv: 'text/csv; charset=utf-8' } as const;

export function registerReportRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get(
    '/api/v1/reports',
    {
      schema: {
        tags: ['reports'],
        summary: 'Available reports',
        response: {
          200: {
            type: 'array',
            items: openObject({
              id: { type: 'string' },
              title: { type: 'string' },
              created_ms: { type: 'integer' },
              formats: { type: 'array', items: { type: 'string', enum: ['pdf', 'csv'] } },
            }),
          },
          ...errorResponses,
        },
      },
    },
    async () => requireService(context.deps, 'reports').list(),
  );

  app.get<{ Params: { id: string; format: 'pdf' | 'csv' }; Querystring: { from_ms?: number; to_ms?: number } }>(
    '/api/v1/reports/:id/:format',
    {
      schema: {
        tags: ['reports'],
        summary: 'Download a report as PDF or CSV',
        params: {
          type: 'object',
          required: ['id', 'format'],
          properties: {
            id: { type: 'string', minLength: 1, maxLength: 200 },
            format: { type: 'string', enum: ['pdf', 'csv'] },
          },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { from_ms: timeRangeQuery.from_ms, to_ms: timeRangeQuery.to_ms },
        },
        response: { 200: { description: 'The report file', type: 'string' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id, format } = request.params;
      const reports = requireService(context.deps, 'reports');
      const report = await callService('API_REPORT_NOT_FOUND', () => reports.render(id, format, request.query));
      if (!report) {
        throw new ApiError(
          'API_REPORT_NOT_FOUND',
          `report ${JSON.stringify(id)} not found: no entry of alarms.assets has that id; GET /api/v1/reports lists the reports`,
        );
      }
      const filename = report.filename.replace(/[^A-Za-z0-9._-]/g, '_');
      return reply
        .header('content-type', CONTENT_TYPES[format])
        .header('content-disposition', `attachment; filename="${filename}"`)
        .serializer((body: unknown) => body as string)
        .send(report.body);
    },
  );
}
