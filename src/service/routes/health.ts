import type { FastifyInstance } from 'fastify';
import type { RouteOptions } from '../context.ts';

const healthSchema = { type: 'object', properties: { status: { type: 'string' }, store: { type: 'string' } } } as const;

/** Liveness with a store round trip, and Prometheus metrics (both unauthenticated, as scrapers expect). */
export async function healthRoutes(app: FastifyInstance, { context }: RouteOptions): Promise<void> {
  app.get(
    '/healthz',
    { schema: { response: { 200: healthSchema, 503: healthSchema } } },
    async (_request, reply) => {
      try {
        await context.store.listExecutions({ limit: 1 });
        return { status: 'ok', store: context.store.dialect };
      } catch {
        return reply.code(503).send({ status: 'unavailable', store: context.store.dialect });
      }
    },
  );

  app.get('/metrics', async (_request, reply) => {
    return reply.type(context.metrics.registry.contentType).send(await context.metrics.registry.metrics());
  });
}
