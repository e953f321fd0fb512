import { createServer, request as forwardRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessEventBus } from '../../src/bus/in-process-bus.ts';
import type { JsonObject } from '../../src/core/json.ts';
import type { WorkflowDocument } from '../../src/core/model.ts';
import { runOnHost, type HostName } from '../../src/hosts/index.ts';
import { loadTracing } from '../../src/observability/tracing.ts';
import { startA2aAgent, type A2aAgent } from '../calls/fixtures/a2a-agent.ts';
import { GREETER_PROTO, startGreeterServer, type GreeterServer } from '../calls/fixtures/grpc-greeter-server.ts';
import { startMcpHttpServer, type McpHttpServer } from '../calls/fixtures/mcp-server.ts';
import type { FixtureServer } from '../fixtures/fixture-server.ts';
import { startPetstoreServer } from '../fixtures/petstore-server.ts';
import { parentOf, repeatedSpans, startJaeger, tag, traceSpans, type JaegerServer, type JaegerSpan } from '../support/jaeger.ts';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';

/** A loopback proxy in front of an HTTP fixture that records the `traceparent` of every request it forwards. */
interface RecordingProxy {
  url: string;
  traceparents: Map<string, Array<string | undefined>>;
  server: Server;
}

async function recordingProxy(target: string): Promise<RecordingProxy> {
  const traceparents = new Map<string, Array<string | undefined>>();
  const to = new URL(target);
  const server = createServer((request, response) => {
    const path = request.url ?? '';
    traceparents.set(path, [...(traceparents.get(path) ?? []), request.headers.traceparent as string | undefined]);
    const forward = forwardRequest({ host: to.hostname, port: to.port, path, method: request.method, headers: { ...request.headers, host: to.host } }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    request.pipe(forward);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, traceparents, server };
}

let jaeger: JaegerServer;
let temporal: DevServer;
let petstore: FixtureServer;
let agent: A2aAgent;
let mcp: McpHttpServer;
let greeter: GreeterServer;
let proxies: { petstore: RecordingProxy; agent: RecordingProxy; mcp: RecordingProxy };

beforeAll(async () => {
  [jaeger, temporal, petstore, agent, mcp, greeter] = await Promise.all([startJaeger(), startTemporalServer(), startPetstoreServer(), startA2aAgent(), startMcpHttpServer(), startGreeterServer()]);
  proxies = { petstore: await recordingProxy(petstore.url), agent: await recordingProxy(agent.origin), mcp: await recordingProxy(new URL(mcp.url).origin) };
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = jaeger.otlpHttp;
}, 120_000);
afterAll(async () => {
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  for (const proxy of Object.values(proxies ?? {})) proxy.server.close();
  await Promise.all([jaeger?.stop(), temporal?.stop(), petstore?.close(), agent?.close(), mcp?.close(), greeter?.close()]);
});

/** One task per outbound effect kind the issue names: http, openapi, grpc, a2a, mcp, and an emitted CloudEvent. */
function everyCallKind(): WorkflowDocument {
  return parseYaml(`
document: { dsl: '1.0.0', namespace: otel, name: calls, version: '1.0.0' }
do:
  - viaHttp:
      call: http
      with: { method: get, endpoint: '${proxies.petstore.url}/v2/pet/1' }
  - viaOpenapi:
      call: openapi
      with:
        document: { endpoint: '${proxies.petstore.url}/v3/openapi.json' }
        operationId: getPetById
        parameters: { petId: 2 }
  - viaGrpc:
      call: grpc
      with:
        proto: { endpoint: '${GREETER_PROTO}' }
        service: { name: greeter.v1.Greeter, host: 127.0.0.1, port: ${greeter.port} }
        method: SayHello
        arguments: { name: Ada, visits: '1' }
  - viaA2a:
      call: a2a
      with:
        method: message/send
        server: { uri: '${proxies.agent.url}/a2a' }
        parameters: { message: { messageId: m-1, parts: [ { kind: text, text: hi } ] } }
  - viaMcp:
      call: mcp
      with:
        method: tools/list
        transport: { http: { endpoint: '${proxies.mcp.url}/mcp' } }
  - announce:
      emit:
        event:
          with: { source: https://cairn.test, type: io.cairn.test.traced.v1, data: { x: 1 } }
`) as WorkflowDocument;
}

describe.each<HostName>(['local', 'temporal'])('every outbound effect traced on the %s host', (host) => {
  it('has a client span below its task span, and the call carries that span’s traceparent (an emitted CloudEvent, as its extension attribute)', async () => {
    for (const proxy of Object.values(proxies)) proxy.traceparents.clear();
    greeter.traceparents.length = 0;
    const { tracer, flush } = await loadTracing();
    const caller = tracer.startSpan('test caller');
    const { traceId, spanId } = caller.spanContext();
    const bus = new InProcessEventBus();
    const emitted: JsonObject[] = [];
    bus.subscribe((event) => emitted.push(event));
    const result = await runOnHost(host, everyCallKind(), {}, { bus, traceparent: `00-${traceId}-${spanId}-01`, temporal: { address: temporal.address } });
    caller.end();
    await flush();
    expect(result.error).toBeUndefined();

    // The execution, six tasks and six effects (and on Temporal, its own spans).
    const spans = await traceSpans(jaeger, traceId, 13);
    expect(repeatedSpans(spans)).toEqual([]);
    const byId = new Map(spans.map((span) => [span.spanID, span]));
    /** The task span an effect span is below: its parent on the local host, through Temporal's StartActivity span on Temporal. */
    const taskOf = (span: JaegerSpan): string | undefined => {
      let ancestor = byId.get(parentOf(span) ?? '');
      while (ancestor && tag(ancestor, 'cairn.task.pointer') === undefined) ancestor = byId.get(parentOf(ancestor) ?? '');
      return ancestor?.operationName;
    };
    const effect = (kind: string): JaegerSpan => {
      const found = spans.filter((span) => tag(span, 'cairn.effect.kind') === kind);
      expect(found, kind).toHaveLength(1);
      return found[0]!;
    };
    const sent = (kind: string) => `00-${traceId}-${effect(kind).spanID}-01`;

    expect(taskOf(effect('http'))).toBe('call viaHttp');
    expect(proxies.petstore.traceparents.get('/v2/pet/1')).toEqual([sent('http')]);
    expect(taskOf(effect('openapi'))).toBe('call viaOpenapi');
    expect(proxies.petstore.traceparents.get('/v2/pet/2')).toEqual([sent('openapi')]);
    expect(taskOf(effect('grpc'))).toBe('call viaGrpc');
    expect(greeter.traceparents).toEqual([sent('grpc')]);
    expect(taskOf(effect('a2a'))).toBe('call viaA2a');
    expect(proxies.agent.traceparents.get('/a2a')).toEqual([sent('a2a')]);
    expect(taskOf(effect('mcp'))).toBe('call viaMcp');
    // The MCP client's whole exchange (initialize, notification, the method) is the one call.
    const mcpRequests = proxies.mcp.traceparents.get('/mcp') ?? [];
    expect(mcpRequests.length).toBeGreaterThan(0);
    expect(new Set(mcpRequests)).toEqual(new Set([sent('mcp')]));
    expect(taskOf(effect('emit'))).toBe('emit announce');
    expect(emitted.map((event) => event.traceparent)).toEqual([sent('emit')]);
  }, 120_000);
});
