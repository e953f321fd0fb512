import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import type { EffectRequest } from '../core/effects.ts';
import { isWorkflowError } from '../core/errors.ts';
import type { Json } from '../core/json.ts';
import { formatTraceparent } from '../core/trace-context.ts';
import type { EffectContext } from '../effects/effect-context.ts';
import { contextOf, loadTracing } from './tracing.ts';

/**
 * Performs an effect inside a client span whose parent is the task's span (the `traceparent`
 * the host computed); the call itself carries this span's `traceparent`, so the callee's spans
 * hang below it. Names and attributes come from the sealed request: no secret reaches a span.
 */
export async function performInSpan(sealed: EffectRequest, context: EffectContext & { traceparent: string }, perform: (context: EffectContext) => Promise<Json>): Promise<Json> {
  const { tracer } = await loadTracing();
  const { name, attributes } = describe(sealed);
  const span = tracer.startSpan(name, { kind: sealed.kind === 'emit' ? SpanKind.PRODUCER : SpanKind.CLIENT, attributes }, contextOf(context.traceparent));
  const own = span.spanContext();
  try {
    return await perform({ ...context, traceparent: formatTraceparent(own.traceId, own.spanId, (own.traceFlags & 1) === 1) });
  } catch (error) {
    const type = isWorkflowError(error) ? error.problem.type : 'runtime';
    span.setAttribute('error.type', type);
    span.setStatus({ code: SpanStatusCode.ERROR, message: isWorkflowError(error) ? error.problem.title : 'effect failed' });
    throw error;
  } finally {
    span.end();
  }
}

function describe(request: EffectRequest): { name: string; attributes: Attributes } {
  const attributes: Attributes = { 'cairn.effect.kind': request.kind };
  switch (request.kind) {
    // A sealed field (one that held a secret) is an object, not a string: it is left out.
    case 'http': {
      const method = typeof request.method === 'string' ? request.method.toUpperCase() : 'HTTP';
      const host = typeof request.uri === 'string' ? hostOf(request.uri) : undefined;
      attributes['http.request.method'] = method;
      if (host) attributes['server.address'] = host;
      return { name: `${method} ${host ?? ''}`.trim(), attributes };
    }
    case 'openapi':
      if (typeof request.operationId !== 'string') return { name: 'openapi', attributes };
      attributes['cairn.openapi.operation'] = request.operationId;
      return { name: `openapi ${request.operationId}`, attributes };
    case 'emit':
      if (typeof request.event.type !== 'string') return { name: 'emit', attributes };
      attributes['cloudevents.event_type'] = request.event.type;
      return { name: `emit ${request.event.type}`, attributes };
    default:
      return { name: request.kind, attributes };
  }
}

function hostOf(uri: string): string | undefined {
  try {
    return new URL(uri).host;
  } catch {
    return undefined;
  }
}
