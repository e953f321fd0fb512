import type { FastifyInstance } from 'fastify';
import { requireClient, type RouteOptions } from '../context.ts';
import { errorResponses, workflowSummarySchema, workflowVersionSchema, workflowVersionSummarySchema } from '../schemas.ts';

const nameParams = {
  type: 'object',
  required: ['namespace', 'name'],
  properties: { namespace: { type: 'string' }, name: { type: 'string' }, version: { type: 'string' } },
} as const;

/** Register workflow documents (validated) and read their versions. */
export async function workflowRoutes(app: FastifyInstance, { context }: RouteOptions): Promise<void> {
  app.addHook('onRequest', async (request) => requireClient(context, request));

  app.post<{ Body: { document: string } }>(
    '/v1/workflows',
    {
      schema: {
        body: { type: 'object', required: ['document'], properties: { document: { type: 'string', minLength: 1 } } },
        response: { 200: workflowVersionSchema, 201: workflowVersionSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { created, workflow } = await context.service.registerWorkflow(request.body.document);
      return reply.code(created ? 201 : 200).send(workflow);
    },
  );

  app.get('/v1/workflows', { schema: { response: { 200: { type: 'object', properties: { items: { type: 'array', items: workflowSummarySchema } } } } } }, async () => ({
    items: await context.service.listWorkflows(),
  }));

  app.get<{ Params: { namespace: string; name: string } }>(
    '/v1/workflows/:namespace/:name',
    {
      schema: {
        params: nameParams,
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: workflowVersionSummarySchema } } },
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      items: (await context.service.workflowVersions(request.params.namespace, request.params.name)).map(({ document: _document, ...version }) => version),
    }),
  );

  app.get<{ Params: { namespace: string; name: string; version: string } }>(
    '/v1/workflows/:namespace/:name/:version',
    { schema: { params: nameParams, response: { 200: workflowVersionSchema, ...errorResponses } } },
    (request) => context.service.workflow(request.params.namespace, request.params.name, request.params.version),
  );
}
