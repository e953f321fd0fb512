import type { FastifyInstance } from 'fastify';
import { requireClient, type RouteOptions } from '../context.ts';
import { errorResponses, workflowRefSchema } from '../schemas.ts';

const scheduleSchema = {
  type: 'object',
  required: ['workflow', 'kind', 'schedule'],
  properties: {
    workflow: workflowRefSchema,
    kind: { type: 'string' },
    schedule: { type: 'object', additionalProperties: true },
    nextFireAt: { type: 'string' },
    waitingFor: { type: 'string' },
    pendingEvents: { type: 'integer' },
  },
} as const;

/** The armed schedules of registered workflows (read-only: registering a version changes them). */
export async function scheduleRoutes(app: FastifyInstance, { context }: RouteOptions): Promise<void> {
  app.get(
    '/v1/schedules',
    { schema: { response: { 200: { type: 'object', properties: { items: { type: 'array', items: scheduleSchema } } }, ...errorResponses } } },
    async (request) => {
      requireClient(context, request);
      return { items: context.scheduler.list() };
    },
  );
}
