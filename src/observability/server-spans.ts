import { SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { formatTraceparent } from '../core/trace-context.ts';
import { contextOf, loadTracing } from './tracing.ts';

/**
 * A server span per API request (only added when OTEL_* asks for traces), child of the request's
 * `traceparent`. The request's `traceparent` header is then replaced by the server span's, so a
 * start request's execution goes below the request that started it. Named by the route template,
 * never the URL: a query string may carry a token.
 */
export async function addServerSpans(app: FastifyInstance): Promise<void> {
  const { tracer } = await loadTracing();
  const spans = new WeakMap<FastifyRequest, Span>();
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url ?? 'unknown route';
    const incoming = request.headers.traceparent;
    const span = tracer.startSpan(
      `${request.method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'http.route': route } },
      contextOf(typeof incoming === 'string' ? incoming : undefined),
    );
    spans.set(request, span);
    const own = span.spanContext();
    request.headers.traceparent = formatTraceparent(own.traceId, own.spanId, (own.traceFlags & 1) === 1);
  });
  app.addHook('onResponse', async (request, reply) => {
    const span = spans.get(request);
    if (!span) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
}
