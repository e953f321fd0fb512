import type { FastifyInstance } from 'fastify';
import type { ProgressEvent } from '../../core/events.ts';
import { principalOf, type RouteOptions } from '../context.ts';
import { appendResultSchema, errorResponses } from '../schemas.ts';

/** ReportProgress over HTTP/JSON: a batch of progress events, stored idempotently. */
export async function progressRoutes(app: FastifyInstance, { context }: RouteOptions): Promise<void> {
  app.post<{ Body: { events: ProgressEvent[] } }>(
    '/v1/progress',
    {
      schema: {
        body: {
          type: 'object',
          required: ['events'],
          properties: {
            events: {
              type: 'array',
              maxItems: 10_000,
              items: { type: 'object', required: ['id', 'executionid', 'seq', 'type', 'time', 'data'], properties: { seq: { type: 'integer', minimum: 1 } } },
            },
          },
        },
        response: { 200: { type: 'object', properties: { results: { type: 'array', items: appendResultSchema } } }, ...errorResponses },
      },
    },
    async (request) => {
      const { events } = request.body;
      context.access.requireReportAccess(principalOf(context, request), events);
      return { results: await context.service.ingest(events) };
    },
  );
}
