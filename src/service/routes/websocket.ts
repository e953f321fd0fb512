import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { requireClient, type RouteOptions } from '../context.ts';
import { followExecution } from '../follow-execution.ts';

/**
 * Client → server: `{"subscribe": "<executionId>", "after": <seq>}`, `{"unsubscribe": "<executionId>"}`,
 * `{"subscribe": "executions"}` for the list. Server → client: `{"type": "event", "executionId", "event"}`,
 * `{"type": "end", "executionId", "status"}`, `{"type": "execution", "execution"}`, `{"type": "error", "message"}`.
 */
type ClientMessage = { subscribe?: unknown; unsubscribe?: unknown; after?: unknown };

/** One WebSocket multiplexing execution and list subscriptions, with the SSE streams' guarantees. */
export async function websocketRoutes(app: FastifyInstance, { context }: RouteOptions): Promise<void> {
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  app.addHook('onRequest', async (request) => requireClient(context, request, true));

  app.get('/v1/ws', { websocket: true }, (socket: WebSocket) => {
    const subscriptions = new Map<string, () => void>();
    const send = (message: unknown) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    socket.on('message', (raw) => {
      let message: ClientMessage;
      try {
        message = JSON.parse(String(raw)) as ClientMessage;
      } catch {
        send({ type: 'error', message: 'messages must be JSON objects' });
        return;
      }
      if (typeof message.unsubscribe === 'string') {
        subscriptions.get(message.unsubscribe)?.();
        subscriptions.delete(message.unsubscribe);
        return;
      }
      const target = message.subscribe;
      if (typeof target !== 'string' || subscriptions.has(target)) {
        if (typeof target !== 'string') send({ type: 'error', message: 'expected {"subscribe": "<executionId>" | "executions"} or {"unsubscribe": …}' });
        return;
      }
      if (target === 'executions') {
        subscriptions.set(target, context.hub.subscribeList((execution) => send({ type: 'execution', execution })));
        return;
      }
      const after = typeof message.after === 'number' && Number.isSafeInteger(message.after) && message.after >= 0 ? message.after : 0;
      const stop = followExecution(context.store, context.hub, target, after, {
        event: (event) => send({ type: 'event', executionId: target, event }),
        end: (status) => {
          subscriptions.delete(target);
          send({ type: 'end', executionId: target, status });
        },
        fail: () => {
          subscriptions.delete(target);
          send({ type: 'error', executionId: target, message: 'the stream failed; subscribe again with "after"' });
        },
      });
      subscriptions.set(target, stop);
    });
    socket.on('close', () => {
      for (const stop of subscriptions.values()) stop();
      subscriptions.clear();
    });
  });
}
