import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowDocument } from '../../src/core/model.ts';
import { loadCallWorkflow, runDocument } from './call-helpers.ts';
import { GREETER_PROTO, startGreeterServer, type GreeterServer } from './fixtures/grpc-greeter-server.ts';

/** Points every gRPC task of the document at the test server (the schema only allows a literal port). */
function withPort(document: WorkflowDocument, port: number): WorkflowDocument {
  const text = JSON.stringify(document).replaceAll('"port":50051', `"port":${port}`);
  return JSON.parse(text) as WorkflowDocument;
}

describe('call: grpc against a real gRPC server on loopback', () => {
  let greeter: GreeterServer;
  let protoServer: Server;
  let protoUrl: string;

  beforeAll(async () => {
    greeter = await startGreeterServer();
    const proto = await readFile(GREETER_PROTO, 'utf8');
    const importer = 'syntax = "proto3";\nimport "greeter.proto";\n';
    protoServer = createServer((request, response) => {
      if (request.url === '/protos/greeter.proto') response.writeHead(200, { 'content-type': 'text/plain' }).end(proto);
      else if (request.url === '/protos/importer.proto') response.writeHead(200, { 'content-type': 'text/plain' }).end(importer);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => protoServer.listen(0, '127.0.0.1', resolve));
    const address = protoServer.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    protoUrl = `http://127.0.0.1:${address.port}/protos/greeter.proto`;
  });
  afterAll(async () => {
    await greeter.close();
    await new Promise((resolve) => protoServer.close(resolve));
  });

  it('calls a unary method with evaluated arguments and bearer metadata, outputting the reply as JSON', async () => {
    const document = withPort(await loadCallWorkflow('grpc-unary'), greeter.port);
    const result = await runDocument(document, { proto: GREETER_PROTO, token: 'sesame', user: { name: 'Ada', visits: '9007199254740993' } });
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ message: 'Hello, Ada!', mood: 'HAPPY', visits: '9007199254740994' });
    expect(greeter.authorizations.at(-1)).toBe('Bearer sesame');
  });

  it('resolves a secret bearer token on the Node side: the request and the events never hold it', async () => {
    const document = withPort(await loadCallWorkflow('grpc-secret'), greeter.port);
    const result = await runDocument(document, { proto: GREETER_PROTO }, { secrets: { greeter: { token: 'grpc-s3cret' } } });
    expect(result.status).toBe('completed');
    expect(greeter.authorizations.at(-1)).toBe('Bearer grpc-s3cret');
    expect(JSON.stringify(result.events)).not.toContain('grpc-s3cret');
  });

  it('reads the proto from an http URL and collects a server stream into an array', async () => {
    const document = withPort(await loadCallWorkflow('grpc-stream'), greeter.port);
    const result = await runDocument(document, { proto: protoUrl, port: greeter.port });
    expect(result.status).toBe('completed');
    expect(result.output).toEqual(['Hello, Ada!', 'Bonjour, Ada!', 'Hallo, Ada!']);
  });

  it('turns a NOT_FOUND status into a communication error with status 404 that try/catch can filter', async () => {
    const document = withPort(await loadCallWorkflow('grpc-caught'), greeter.port);
    const result = await runDocument(document, { proto: GREETER_PROTO, port: greeter.port, method: 'SayHello' });
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ caught: expect.stringContaining('NOT_FOUND: no such person') });
  });

  it('faults with a configuration error naming the methods when the method does not exist', async () => {
    const document = withPort(await loadCallWorkflow('grpc-caught'), greeter.port);
    const result = await runDocument(document, { proto: GREETER_PROTO, port: greeter.port, method: 'SayGoodbye' });
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ status: 400, instance: '/do/0/lookup/try/0/greet' });
    expect(result.error?.detail).toContain('has no method SayGoodbye (methods: SayHello, SayHellos, Hang)');
  });

  it('a task timeout cancels the call on the server and faults with a timeout error', async () => {
    const document = withPort(await loadCallWorkflow('grpc-timeout'), greeter.port);
    const result = await runDocument(document, { proto: GREETER_PROTO });
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ status: 408, instance: '/do/0/hang' });
    await expect.poll(() => greeter.cancelledHangs(), { timeout: 10_000 }).toBe(1);
  });

  it('faults with a communication error (503) when nothing listens on the port', async () => {
    const document = withPort(await loadCallWorkflow('grpc-stream'), 1);
    const result = await runDocument(document, { proto: GREETER_PROTO });
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ status: 503, grpcStatus: 'UNAVAILABLE' });
  });

  it('an http proto\'s imports are fetched relative to its URL', async () => {
    const document = withPort(await loadCallWorkflow('grpc-stream'), greeter.port);
    const result = await runDocument(document, { proto: protoUrl.replace('greeter.proto', 'importer.proto'), port: greeter.port });
    expect(result.status).toBe('completed');
    expect(result.output).toEqual(['Hello, Ada!', 'Bonjour, Ada!', 'Hallo, Ada!']);
  });

  it('imports go through the file policy like the proto itself: outside the allowed directories they are refused, unread', async () => {
    const base = await mkdtemp(join(tmpdir(), 'cairn-proto-policy-'));
    try {
      const allowed = join(base, 'allowed');
      const outside = join(base, 'outside');
      await mkdir(allowed);
      await mkdir(outside);
      await writeFile(join(allowed, 'greeter.proto'), await readFile(GREETER_PROTO, 'utf8'));
      await writeFile(join(outside, 'secret.proto'), 'operator-secret-token');
      const importing = (target: string) => `syntax = "proto3";\nimport "greeter.proto";\nimport "${target}";\n`;
      await writeFile(join(allowed, 'absolute.proto'), importing(join(outside, 'secret.proto')));
      await writeFile(join(allowed, 'relative.proto'), importing('../outside/secret.proto'));
      await writeFile(join(allowed, 'sibling.proto'), 'syntax = "proto3";\nimport "greeter.proto";\n');
      const document = withPort(await loadCallWorkflow('grpc-stream'), greeter.port);
      const policy = { effectPolicy: { fileDirectories: [allowed] } };

      for (const name of ['absolute.proto', 'relative.proto']) {
        const result = await runDocument(document, { proto: join(allowed, name), port: greeter.port }, policy);
        expect(result.status).toBe('faulted');
        expect(result.error).toMatchObject({ status: 403, type: 'https://serverlessworkflow.io/spec/1.0.0/errors/authorization' });
        expect(result.error?.detail).toContain('reading local files is not allowed');
        expect(JSON.stringify(result)).not.toContain('operator-secret-token');
      }
      const sibling = await runDocument(document, { proto: join(allowed, 'sibling.proto'), port: greeter.port }, policy);
      expect(sibling.status).toBe('completed');
      expect(sibling.output).toEqual(['Hello, Ada!', 'Bonjour, Ada!', 'Hallo, Ada!']);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});
