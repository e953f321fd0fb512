import { fileURLToPath, pathToFileURL } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCatalogFunctions } from '../../src/catalogs/resolve-catalog-functions.ts';
import type { Json } from '../../src/core/json.ts';
import type { WorkflowDocument } from '../../src/core/model.ts';
import { runTemporal } from '../../src/hosts/temporal/run-temporal.ts';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';
import { loadCallWorkflow, workflowPath } from './call-helpers.ts';
import { startA2aAgent, type A2aAgent } from './fixtures/a2a-agent.ts';
import { GREETER_PROTO, startGreeterServer, type GreeterServer } from './fixtures/grpc-greeter-server.ts';
import { startMcpHttpServer, type McpHttpServer } from './fixtures/mcp-server.ts';
import { startNatsServer, type NatsServer } from './fixtures/nats-server.ts';

const CHAT_V3 = fileURLToPath(new URL('./fixtures/asyncapi-chat-v3.yaml', import.meta.url));
const CATALOG = pathToFileURL(fileURLToPath(new URL('./catalog/', import.meta.url))).href;

// The call protocols on the temporal host: every effect is an activity of the run's own worker.
describe('calls on a real Temporal dev server', () => {
  let temporal: DevServer;
  let greeter: GreeterServer;
  let nats: NatsServer;
  let client: NatsConnection;
  let agent: A2aAgent;
  let mcp: McpHttpServer;

  beforeAll(async () => {
    [temporal, greeter, nats, agent, mcp] = await Promise.all([startTemporalServer(), startGreeterServer(), startNatsServer(), startA2aAgent(), startMcpHttpServer()]);
    client = await connect({ servers: nats.url });
  });
  afterAll(async () => {
    await client?.close();
    await Promise.all([temporal?.stop(), greeter?.close(), nats?.stop(), agent?.close(), mcp?.close()]);
  });

  const durable = (document: WorkflowDocument, input: Json, name: string) =>
    runTemporal(document, input, { executionId: `calls-${name}-${Date.now()}`, temporal: { address: temporal.address } });

  it('runs use.functions and resolved catalog functions', async () => {
    const inline = await durable(await loadCallWorkflow('function-inline'), { user: { first: 'Ada' } }, 'function');
    expect(inline.output).toBe('Hello, Ada!');
    const document = await loadCallWorkflow('catalog-folder');
    document.use!.catalogs!.shop!.endpoint = CATALOG;
    const resolved = await resolveCatalogFunctions(document, { fileName: workflowPath('catalog-folder') });
    const priced = await durable(resolved, { net: 19.99 }, 'catalog');
    expect(priced.output).toEqual({ total: 23.99 });
  });

  it('calls gRPC', async () => {
    const document = JSON.parse(JSON.stringify(await loadCallWorkflow('grpc-stream')).replaceAll('"port":50051', `"port":${greeter.port}`)) as WorkflowDocument;
    const result = await durable(document, { proto: GREETER_PROTO }, 'grpc');
    expect(result.output).toEqual(['Hello, Ada!', 'Bonjour, Ada!', 'Hallo, Ada!']);
  });

  it('subscribes to NATS with foreach and until across activities', async () => {
    const run = durable(await loadCallWorkflow('asyncapi-nats-until-foreach'), { document: CHAT_V3, port: nats.port }, 'asyncapi');
    await nats.waitForSubscriber('chat.inbox');
    for (const text of ['a', 'b', 'c']) client.publish('chat.inbox', JSON.stringify({ text }));
    await client.flush();
    const result = await run;
    expect(result.status).toBe('completed');
    expect(result.output).toEqual(['#0 a', '#1 b']);
  });

  it('publishes to NATS from an activity: payload and headers reach a subscriber', async () => {
    const received: Array<{ payload: unknown; foo: string | undefined }> = [];
    const subscription = client.subscribe('chat.greetings', { callback: (_error, msg) => void received.push({ payload: msg.json(), foo: msg.headers?.get('foo') }) });
    await client.flush();
    const result = await durable(await loadCallWorkflow('asyncapi-nats-publish'), { document: CHAT_V3, port: nats.port, name: 'Ada' }, 'publish');
    await client.flush();
    subscription.unsubscribe();
    expect(result.output).toEqual({ payload: { greetings: 'Hello, Ada!' }, headers: { foo: 'bar' } });
    expect(received).toEqual([{ payload: { greetings: 'Hello, Ada!' }, foo: 'bar' }]);
  });

  it('calls an A2A agent and an MCP server', async () => {
    const a2a = await durable(await loadCallWorkflow('a2a-stream'), { server: `${agent.origin}/a2a` }, 'a2a');
    expect(a2a.output).toEqual(['working', 'report', 'completed']);
    const tools = await durable(await loadCallWorkflow('mcp-http'), { endpoint: mcp.url, a: 1 }, 'mcp');
    expect(tools.output).toEqual({ tools: ['add', 'whoami', 'slow'], sum: 3, text: '3', prompt: 'Please greet Ada.', note: 'note 42' });
  });
});
