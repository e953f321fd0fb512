import type { FastifyInstance } from 'fastify';
import type { WorkflowStatus } from '../../core/events.ts';
import type { Json } from '../../core/json.ts';
import { requireClient, type RouteOptions } from '../context.ts';
import type { StartRequest } from '../execution-service.ts';
import { errorResponses, executionSchema, pageSchema, snapshotSchema, taskInstancesSchema } from '../schemas.ts';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1 } } } as const;

interface ListQuery {
  namespace?: string;
  name?: string;
  version?: string;
  status?: string;
  idPrefix?: string;
  createdAfter?: string;
  createdBefore?: string;
  parent?: string;
  cursor?: string;
  limit?: number;
}

/** Start, read, list and control executions. */
export async function executionRoutes(app: FastifyInstance, { context }: RouteOptions): Promise<void> {
  app.addHook('onRequest', async (request) => requireClient(context, request));

  app.post<{ Body: StartRequest & { input?: Json } }>(
    '/v1/executions',
    {
      schema: {
        body: {
          type: 'object',
          properties: {
            document: { type: 'string', minLength: 1 },
            workflow: { type: 'object', properties: { namespace: { type: 'string' }, name: { type: 'string' }, version: { type: 'string' } } },
            input: {},
          },
        },
        response: { 201: executionSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const traceparent = request.headers.traceparent;
      const execution = await context.service.start(request.body, typeof traceparent === 'string' ? { traceparent } : {});
      return reply.code(201).send({ ...execution, reportToken: context.access.reportToken(execution.id) });
    },
  );

  app.get<{ Querystring: ListQuery }>(
    '/v1/executions',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            namespace: { type: 'string' },
            name: { type: 'string' },
            version: { type: 'string' },
            status: { type: 'string', description: 'one status or several separated by commas' },
            idPrefix: { type: 'string', minLength: 1, description: 'the start of the execution id' },
            createdAfter: { type: 'string', format: 'date-time' },
            createdBefore: { type: 'string', format: 'date-time' },
            parent: { type: 'string', minLength: 1, description: 'only the run: workflow children of this execution' },
            cursor: { type: 'string' },
            limit: { type: 'integer', minimum: 1, maximum: 500 },
          },
        },
        response: { 200: pageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { status, parent, ...filter } = request.query;
      return context.service.list({ ...filter, ...(status ? { status: status.split(',') as WorkflowStatus[] } : {}), ...(parent ? { parentExecutionId: parent } : {}) });
    },
  );

  app.get<{ Params: { id: string }; Querystring: { tasksBeforeSeq?: number } }>(
    '/v1/executions/:id',
    {
      schema: {
        params: idParams,
        querystring: { type: 'object', properties: { tasksBeforeSeq: { type: 'integer', minimum: 1 } } },
        response: { 200: snapshotSchema, ...errorResponses },
      },
    },
    (request) => context.service.get(request.params.id, request.query),
  );

  app.get<{ Params: { id: string }; Querystring: { pointer: string; cursor?: string; limit?: number; iteration?: string } }>(
    '/v1/executions/:id/tasks',
    {
      schema: {
        params: idParams,
        querystring: {
          type: 'object',
          required: ['pointer'],
          properties: {
            pointer: { type: 'string', minLength: 1, description: "the task's JSON Pointer" },
            cursor: { type: 'string', description: "the previous page's nextCursor: older instances" },
            limit: { type: 'integer', minimum: 1, maximum: 500, description: 'instances per page (default 10)' },
            iteration: { type: 'string', minLength: 1, description: 'only the instance of this loop iteration ("3", "2.0")' },
          },
        },
        response: { 200: taskInstancesSchema, ...errorResponses },
      },
    },
    (request) => context.service.taskInstances(request.params.id, request.query),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/executions/:id/document',
    { schema: { params: idParams, response: { 200: { type: 'object', properties: { document: { type: 'string' } } }, ...errorResponses } } },
    async (request) => ({ document: await context.service.document(request.params.id) }),
  );

  app.get<{ Params: { id: string; hash: string } }>(
    '/v1/executions/:id/values/:hash',
    {
      schema: {
        params: { type: 'object', required: ['id', 'hash'], properties: { id: { type: 'string', minLength: 1 }, hash: { type: 'string', pattern: '^[0-9a-f]{64}$' } } },
        response: errorResponses,
      },
    },
    // A value stored by reference (an event's or record's `inputUri`/`outputUri`), as the JSON it was.
    async (request, reply) => reply.type('application/json').send(await context.service.value(request.params.id, request.params.hash)),
  );

  for (const action of ['cancel', 'suspend', 'resume'] as const) {
    app.post<{ Params: { id: string }; Body: { reason?: string } | undefined }>(
      `/v1/executions/:id/${action}`,
      {
        schema: {
          params: idParams,
          body: { type: ['object', 'null'], properties: { reason: { type: 'string', maxLength: 500 } } },
          response: { 200: executionSchema, ...errorResponses },
        },
      },
      (request) => {
        // The operator's reason goes to the service log, beside who acted on which execution; a cancel's is also kept with the execution.
        const reason = request.body?.reason || undefined;
        if (reason) request.log.info({ executionId: request.params.id, action, reason }, `${action} requested`);
        return context.service.control(request.params.id, action, reason);
      },
    );
  }
}
