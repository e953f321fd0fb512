import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performEffect } from '../../src/effects/perform-effect.ts';
import { testContext } from '../effects/effect-test-context.ts';

let server: Server;
let url: string;
const received: Array<string | undefined> = [];

beforeAll(async () => {
  // Vitest runs each file in a process of its own: none of the tracing tests' variables are set here.
  for (const name of Object.keys(process.env)) if (name.startsWith('OTEL_')) delete process.env[name];
  server = createServer((request, response) => {
    received.push(request.headers.traceparent as string | undefined);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => {
  server?.close();
});

// A Temporal worker whose own OTEL_* ask for no traces still gets each effect's traceparent from a traced client.
describe('an effect handed a traceparent in a process that OTEL_* does not trace', () => {
  it('sends the traceparent on to the callee, and loads no tracing that could export', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await performEffect({ kind: 'http', method: 'get', uri: url, headers: {}, query: {}, output: 'content', redirect: false }, testContext({ traceparent }));
    expect(received).toEqual([traceparent]);
    // Loading tracing registers its provider as OpenTelemetry's global.
    expect(Reflect.get(globalThis, Symbol.for('opentelemetry.js.api.1'))).toBeUndefined();
  });
});
