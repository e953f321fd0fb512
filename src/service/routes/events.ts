import type { FastifyInstance } from 'fastify';
import { isJsonObject, type JsonObject } from '../../core/json.ts';
import { ServiceError } from '../errors.ts';
import { requireClient, type RouteOptions } from '../context.ts';
import { errorResponses } from '../schemas.ts';

/** Accepts CloudEvents in structured JSON mode, one or a batch, for `listen` tasks. */
export async function eventRoutes(app: FastifyInstance, { context }: RouteOptions): Promise<void> {
  for (const type of ['application/cloudevents+json', 'application/cloudevents-batch+json']) {
    app.addContentTypeParser(type, { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, JSON.parse(String(body)));
      } catch {
        done(new ServiceError('CAIRN_ERR_INVALID_REQUEST', 'the body is not valid JSON'), undefined);
      }
    });
  }

  app.post(
    '/v1/events',
    { schema: { response: { 202: { type: 'object', properties: { accepted: { type: 'integer' } } }, ...errorResponses } } },
    async (request, reply) => {
      requireClient(context, request);
      const body = request.body;
      const events: JsonObject[] | undefined = Array.isArray(body) ? (body.every(isJsonObject) ? body : undefined) : isJsonObject(body) ? [body] : undefined;
      if (!events) throw new ServiceError('CAIRN_ERR_INVALID_REQUEST', 'the body must be a CloudEvent object or an array of them');
      return reply.code(202).send({ accepted: await context.service.publish(events) });
    },
  );
}
