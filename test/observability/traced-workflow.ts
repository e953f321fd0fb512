import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import type { WorkflowDocument } from '../../src/core/model.ts';
import { expect } from 'vitest';
import { parentOf, repeatedSpans, tag, type JaegerSpan } from '../support/jaeger.ts';

/**
 * The traced workflow of the tracing tests: a fork whose second branch retries an HTTP call
 * (the first answer is a 500), then a `listen` woken by a CloudEvent.
 */
export function tracedWorkflow(port: number): WorkflowDocument {
  return parseYaml(`
document: { dsl: '1.0.0', namespace: otel, name: traced, version: '1.0.0' }
do:
  - both:
      fork:
        branches:
          - left: { set: { side: left } }
          - right:
              try:
                - fetch:
                    call: http
                    with: { method: get, endpoint: 'http://127.0.0.1:${port}/flaky' }
              catch:
                errors: { with: { type: https://serverlessworkflow.io/spec/1.0.0/errors/communication } }
                retry: { delay: { milliseconds: 20 }, limit: { attempt: { count: 3 } } }
  - awaitReady:
      listen:
        to: { one: { with: { type: com.example.ready } } }
`) as WorkflowDocument;
}

/** A loopback server that fails its first request and records every request's `traceparent`. */
export async function flakyServer(): Promise<{ server: Server; port: number; traceparents: string[] }> {
  const traceparents: string[] = [];
  let requests = 0;
  const server = createServer((request, response) => {
    traceparents.push(String(request.headers.traceparent ?? ''));
    requests += 1;
    response.writeHead(requests === 1 ? 500 : 200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ ok: requests > 1 }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, port: (server.address() as AddressInfo).port, traceparents };
}

/**
 * The expected span tree, checked on what Jaeger stores: under the caller's span, the execution;
 * under it the fork and the listen; under the fork its two branches; under the `try` one `call`
 * span per attempt, each with the client span of its HTTP request below it, whose id the server received.
 */
export function expectTracedTree(spans: JaegerSpan[], caller: { traceId: string; spanId: string }, producerSpanId: string, serverTraceparents: string[]): void {
  const byName = (name: string) => spans.filter((span) => span.operationName === name);
  const one = (name: string) => {
    const found = byName(name);
    expect(found, name).toHaveLength(1);
    return found[0]!;
  };
  expect(new Set(spans.map((span) => span.traceID))).toEqual(new Set([caller.traceId]));
  expect(repeatedSpans(spans), 'no span twice').toEqual([]);

  const execution = one('workflow otel/traced');
  expect(parentOf(execution)).toBe(caller.spanId);
  expect(tag(execution, 'cairn.workflow.version')).toBe('1.0.0');
  const fork = one('fork both');
  expect(parentOf(fork)).toBe(execution.spanID);
  expect(parentOf(one('set left'))).toBe(fork.spanID);
  const retrying = one('try right');
  expect(parentOf(retrying)).toBe(fork.spanID);

  const calls = byName('call fetch').sort((a, b) => Number(tag(a, 'cairn.task.attempt')) - Number(tag(b, 'cairn.task.attempt')));
  expect(calls.map((span) => tag(span, 'cairn.task.attempt'))).toEqual([0, 1]);
  expect(calls.map((span) => tag(span, 'cairn.status'))).toEqual(['faulted', 'completed']);
  expect(tag(calls[0]!, 'error.type')).toBe('https://serverlessworkflow.io/spec/1.0.0/errors/communication');
  const requests = spans.filter((span) => tag(span, 'cairn.effect.kind') === 'http');
  expect(requests).toHaveLength(2);
  const isBelow = (span: JaegerSpan, ancestor: JaegerSpan): boolean => {
    const parent = spans.find((candidate) => candidate.spanID === parentOf(span));
    return parentOf(span) === ancestor.spanID || (parent !== undefined && isBelow(parent, ancestor));
  };
  for (const [index, call] of calls.entries()) {
    // Directly below the attempt's span on the local host; below Temporal's activity spans on Temporal.
    const request = requests.find((span) => isBelow(span, call));
    expect(request, `request of attempt ${index}`).toBeDefined();
    expect(tag(request!, 'http.request.method')).toBe('GET');
    expect(serverTraceparents[index]).toBe(`00-${caller.traceId}-${request!.spanID}-01`);
  }
  for (const call of calls) expect(parentOf(call)).toBe(retrying.spanID);

  const listen = one('listen awaitReady');
  expect(parentOf(listen)).toBe(execution.spanID);
  expect(listen.references).toContainEqual(expect.objectContaining({ refType: 'FOLLOWS_FROM', spanID: producerSpanId }));
}
