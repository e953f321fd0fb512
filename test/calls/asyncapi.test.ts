import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../../src/core/json.ts';
import type { ExecutionResult } from '../../src/hosts/index.ts';
import { listenOnLoopback, type FixtureServer } from '../fixtures/fixture-server.ts';
import { loadCallWorkflow, runDocument } from './call-helpers.ts';
import { startNatsServer, type NatsServer } from './fixtures/nats-server.ts';

const CHAT_V3 = fileURLToPath(new URL('./fixtures/asyncapi-chat-v3.yaml', import.meta.url));
const FEED_V2 = fileURLToPath(new URL('./fixtures/asyncapi-feed-v2.yaml', import.meta.url));

describe('call: asyncapi over a real NATS broker (AsyncAPI 3)', () => {
  let nats: NatsServer;
  let client: NatsConnection;

  beforeAll(async () => {
    nats = await startNatsServer();
    client = await connect({ servers: nats.url });
  });
  afterAll(async () => {
    await client?.close();
    await nats?.stop();
  });

  /** Runs a subscribing workflow; once it subscribed, publishes `messages` on chat.inbox in order. */
  async function runWhilePublishing(name: string, messages: Json[], input: Record<string, Json> = {}): Promise<ExecutionResult> {
    const run = runDocument(await loadCallWorkflow(name), { document: CHAT_V3, port: nats.port, ...input });
    await nats.waitForSubscriber('chat.inbox');
    for (const [index, payload] of messages.entries()) {
      const headers = natsHeaders();
      headers.set('correlationId', `c-${index}`);
      client.publish('chat.inbox', JSON.stringify(payload), { headers });
    }
    await client.flush();
    return run;
  }

  it('publishes the evaluated payload and headers on the operation channel address; the output is the message', async () => {
    const received: Array<{ payload: unknown; foo: string | undefined }> = [];
    const subscription = client.subscribe('chat.greetings', {
      callback: (_error, msg) => {
        received.push({ payload: msg.json(), foo: msg.headers?.get('foo') });
      },
    });
    await client.flush();
    const result = await runDocument(await loadCallWorkflow('asyncapi-nats-publish'), { document: CHAT_V3, port: nats.port, name: 'Ada' });
    await client.flush();
    subscription.unsubscribe();
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ payload: { greetings: 'Hello, Ada!' }, headers: { foo: 'bar' } });
    expect(received).toEqual([{ payload: { greetings: 'Hello, Ada!' }, foo: 'bar' }]);
  });

  it('consumes an amount of filtered messages, in arrival order, with payload, headers and correlation id', async () => {
    const messages = [1, 2, 3, 4, 5, 6, 7].map((n) => ({ room: n % 2 === 0 ? 'ops' : 'dev', n }));
    const result = await runWhilePublishing('asyncapi-nats-subscribe', messages, { room: 'ops' });
    expect(result.status).toBe('completed');
    const output = result.output as Array<{ payload: { n: number }; headers: Record<string, string>; correlationId: string }>;
    expect(output.map((message) => message.payload.n)).toEqual([2, 4, 6]);
    expect(output[0]).toEqual({ payload: { room: 'ops', n: 2 }, headers: { correlationId: 'c-1' }, correlationId: 'c-1' });
  });

  it('runs foreach per message (item and index variables, output.as, export.as) until $context says stop', async () => {
    const result = await runWhilePublishing('asyncapi-nats-until-foreach', [{ text: 'a' }, { text: 'b' }, { text: 'c' }]);
    expect(result.status).toBe('completed');
    expect(result.output).toEqual(['#0 a', '#1 b']);
    const started = result.events.filter((event) => event.type === 'io.serverlessworkflow.task.started.v1').map((event) => (event.data as { task: string }).task);
    expect(started).toEqual(['/do/0/start', '/do/1/readInbox', '/do/1/readInbox/with/subscription/foreach/do/0/describe', '/do/1/readInbox/with/subscription/foreach/do/0/describe']);
  });

  it('keeps consuming while the condition holds after each message', async () => {
    const result = await runWhilePublishing('asyncapi-nats-while', [{ text: 'x' }, { text: 'y', last: true }, { text: 'z' }]);
    expect(result.output).toEqual(['x', 'y']);
  });

  it('stops after the consume.for duration with what arrived (nothing here)', async () => {
    const result = await runDocument(await loadCallWorkflow('asyncapi-nats-for'), { document: CHAT_V3, port: nats.port });
    expect(result.status).toBe('completed');
    expect(result.output).toEqual([]);
  });

  it('a task timeout while waiting for messages faults with a timeout error and closes the subscription', async () => {
    const result = await runDocument(await loadCallWorkflow('asyncapi-nats-timeout'), { document: CHAT_V3, port: nats.port });
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ status: 408, instance: '/do/0/readInbox' });
    await nats.waitForSubscriber('chat.inbox', false);
  });

  it('faults with a communication error when the broker is unreachable', async () => {
    const result = await runDocument(await loadCallWorkflow('asyncapi-nats-publish'), { document: CHAT_V3, port: 1, name: 'Ada' });
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ status: 503, instance: '/do/0/publishGreetings' });
    expect(result.error?.type).toMatch(/\/errors\/communication$/);
  });
});

describe('call: asyncapi over HTTP (AsyncAPI 2.6)', () => {
  let server: FixtureServer;
  const posted: Array<{ body: unknown; edition: unknown }> = [];

  beforeAll(async () => {
    const app = Fastify();
    app.post('/api/news', async (request) => {
      posted.push({ body: request.body, edition: request.headers['x-edition'] });
      return { accepted: true };
    });
    app.get('/api/news', (_request, reply) => {
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const headline of ['first', 'second', 'third']) reply.raw.write(`data: ${JSON.stringify({ headline })}\n\n`);
      reply.raw.end();
    });
    server = await listenOnLoopback(app);
  });
  afterAll(() => server.close());

  it('publishes with a POST to server url + channel and subscribes to a server-sent event stream', async () => {
    const port = Number(new URL(server.url).port);
    const result = await runDocument(await loadCallWorkflow('asyncapi-http'), { document: FEED_V2, port, headline: 'Cairn ships' });
    expect(result.status).toBe('completed');
    expect(posted).toEqual([{ body: { headline: 'Cairn ships' }, edition: 'morning' }]);
    expect(result.output).toEqual(['first', 'second']);
  });

  it('faults with a configuration error naming the missing channel', async () => {
    const document = await loadCallWorkflow('asyncapi-http');
    const post = document.do[0]!.post as { with: Record<string, Json> };
    post.with.channel = 'sports';
    const result = await runDocument(document, { document: FEED_V2, port: 1, headline: 'x' });
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ status: 400, instance: '/do/0/post' });
    expect(result.error?.detail).toContain("no channel 'sports'");
  });
});
