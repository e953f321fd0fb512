import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ProgressEvent } from '../../core/events.ts';
import { requireClient, type RouteOptions, type ServiceContext } from '../context.ts';
import { ServiceError } from '../errors.ts';
import { followExecution } from '../follow-execution.ts';

/** Opens an SSE response outside fastify's serializer; returns a writer that stops at close. */
function openEventStream(reply: FastifyReply, context: ServiceContext, onClose: () => void) {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    // HTTP/2 forbids connection-specific headers.
    ...(reply.request.raw.httpVersionMajor === 1 ? { connection: 'keep-alive' } : {}),
    // nginx and similar proxies must pass each event on at once.
    'x-accel-buffering': 'no',
  });
  raw.write('retry: 1000\n\n');
  const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), context.heartbeatMs);
  let open = true;
  const end = () => {
    close();
    raw.end();
  };
  const close = () => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    context.openStreams.delete(end);
    onClose();
  };
  context.openStreams.add(end);
  raw.on('close', close);
  return {
    /** Writes one message whose `data` is `json` (already serialized). */
    send(json: string, fields: { id?: number; event?: string } = {}) {
      if (!open) return;
      raw.write(`${fields.event ? `event: ${fields.event}\n` : ''}${fields.id !== undefined ? `id: ${fields.id}\n` : ''}data: ${json}\n\n`);
    },
    end,
  };
}

const eventJson = new WeakMap<ProgressEvent, string>();

/** The followers of one execution share each event object they read (see followExecution): serialize it once for all. */
function serializedEvent(event: ProgressEvent): string {
  let json = eventJson.get(event);
  if (json === undefined) eventJson.set(event, (json = JSON.stringify(event)));
  return json;
}

/** The sequence number a client already has: `Last-Event-ID` (EventSource reconnects) or `?after=`. */
function resumeAfter(header: string | string[] | undefined, after: number | undefined): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && /^\d+$/.test(value.trim())) return Number(value.trim());
  return after ?? 0;
}

/**
 * Live streams over SSE: one execution's progress events (`id:` = seq, then an `end` event), and
 * the executions list (each message is a changed execution record).
 */
export async function streamRoutes(app: FastifyInstance, { context }: RouteOptions): Promise<void> {
  app.addHook('onRequest', async (request) => requireClient(context, request, true));

  app.get<{ Querystring: { namespace?: string; name?: string; status?: string; limit?: number } }>(
    '/v1/executions/stream',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: { namespace: { type: 'string' }, name: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 500 }, access_token: { type: 'string' } },
        },
      },
    },
    async (request, reply) => {
      const { namespace, name, limit = 100 } = request.query;
      const matches = (record: { workflow: { namespace: string; name: string } }) =>
        (namespace === undefined || record.workflow.namespace === namespace) && (name === undefined || record.workflow.name === name);
      const backlog = await context.service.list({ limit, ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) });
      let sequence = 0;
      let unsubscribe = () => {};
      const stream = openEventStream(reply, context, () => unsubscribe());
      // Records are whole states, so re-sending the backlog on reconnect is harmless; oldest first.
      for (const record of [...backlog.items].reverse()) stream.send(JSON.stringify(record), { id: ++sequence });
      unsubscribe = context.hub.subscribeList((record) => {
        if (matches(record)) stream.send(JSON.stringify(record), { id: ++sequence });
      });
      return reply;
    },
  );

  app.get<{ Params: { id: string }; Querystring: { after?: number } }>(
    '/v1/executions/:id/events',
    {
      schema: {
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        querystring: { type: 'object', properties: { after: { type: 'integer', minimum: 0 }, access_token: { type: 'string' } } },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!(await context.store.getExecution(id))) throw new ServiceError('CAIRN_ERR_NOT_FOUND', `execution ${id} does not exist`);
      let stop = () => {};
      const stream = openEventStream(reply, context, () => stop());
      stop = followExecution(context.store, context.hub, id, resumeAfter(request.headers['last-event-id'], request.query.after), {
        event: (event) => stream.send(serializedEvent(event), { id: event.seq }),
        end: (status) => {
          stream.send(JSON.stringify({ executionId: id, status }), { event: 'end' });
          stream.end();
        },
        fail: (error) => {
          request.log.error({ err: error }, 'execution stream failed');
          stream.end();
        },
      });
      return reply;
    },
  );
}
