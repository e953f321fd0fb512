import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpEffect } from '../../src/core/effects.ts';
import { isCancelledError, isWorkflowError, type WorkflowError } from '../../src/core/errors.ts';
import type { JsonObject } from '../../src/core/json.ts';
import { performEffect } from '../../src/effects/perform-effect.ts';
import { listenOnLoopback, type FixtureServer } from '../fixtures/fixture-server.ts';
import { startHttpbinServer } from '../fixtures/httpbin-server.ts';
import { startPetstoreServer } from '../fixtures/petstore-server.ts';
import { testContext } from './effect-test-context.ts';

let httpbin: FixtureServer;
let petstore: FixtureServer;

beforeAll(async () => {
  [httpbin, petstore] = await Promise.all([startHttpbinServer(), startPetstoreServer()]);
});
afterAll(async () => {
  await Promise.all([httpbin.close(), petstore.close()]);
});

function http(uri: string, extra: Partial<HttpEffect> = {}): HttpEffect {
  return { kind: 'http', method: 'get', uri, headers: {}, query: {}, output: 'content', redirect: false, ...extra };
}

async function failure(promise: Promise<unknown>): Promise<WorkflowError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!isWorkflowError(error)) throw new Error(`expected a WorkflowError, got ${String(error)}`);
  return error;
}

describe('http effect outputs', () => {
  it('content: deserializes a JSON response', async () => {
    const output = await performEffect(http(`${petstore.url}/v2/pet/1`), testContext());
    expect(output).toMatchObject({ id: 1, name: 'doggie', status: 'available' });
  });

  it('content: text for textual types, base64 for binary ones, null for an empty body', async () => {
    expect(await performEffect(http(`${httpbin.url}/robots.txt`), testContext())).toBe('User-agent: *\nDisallow: /deny\n');
    expect(await performEffect(http(`${httpbin.url}/bytes/4`), testContext())).toBe(Buffer.from([0, 1, 2, 3]).toString('base64'));
    expect(await performEffect(http(`${httpbin.url}/status/204`), testContext())).toBeNull();
  });

  it('response: the spec HTTP response with request, status, headers and content', async () => {
    const output = (await performEffect(http(`${petstore.url}/v2/pet/2`, { output: 'response' }), testContext())) as JsonObject;
    expect(output).toMatchObject({
      request: { method: 'GET', uri: `${petstore.url}/v2/pet/2`, headers: {} },
      statusCode: 200,
      content: { id: 2, name: 'kitty' },
    });
    expect((output.headers as JsonObject)['content-type']).toMatch(/^application\/json/);
  });

  it('raw: the base64 of the body', async () => {
    const output = await performEffect(http(`${httpbin.url}/bytes/300`, { output: 'raw' }), testContext());
    const expected = Buffer.from(Array.from({ length: 300 }, (_, index) => index % 256));
    expect(output).toBe(expected.toString('base64'));
  });
});

describe('http effect requests', () => {
  it.each([
    ['object', { a: 1, nested: { b: [true, null] } }],
    ['array', [1, 'two', { three: 3 }]],
    ['number', 42],
    ['string', 'hello'],
    ['boolean', false],
    ['null', null],
  ])('sends a %s body as JSON', async (_kind, body) => {
    const output = (await performEffect(http(`${httpbin.url}/anything`, { method: 'post', body }), testContext())) as JsonObject;
    expect(output.method).toBe('POST');
    expect(output.json).toEqual(body);
    expect((output.headers as JsonObject)['content-type']).toBe('application/json');
  });

  it('sends a string body as is when the content type is not JSON, and form-encodes an object for forms', async () => {
    const text = (await performEffect(
      http(`${httpbin.url}/anything`, { method: 'put', headers: { 'Content-Type': 'text/plain' }, body: 'plain {not json}' }),
      testContext(),
    )) as JsonObject;
    expect(text.data).toBe('plain {not json}');
    const form = (await performEffect(
      http(`${httpbin.url}/anything`, {
        method: 'post',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: { name: 'Milou', age: 3 },
      }),
      testContext(),
    )) as JsonObject;
    expect(form.form).toEqual({ name: 'Milou', age: '3' });
  });

  it('appends query parameters to the URI and sends headers', async () => {
    const output = (await performEffect(
      http(`${httpbin.url}/anything?kept=yes`, { query: { q: 'a b&c', page: '2' }, headers: { 'X-Trace': 'abc' } }),
      testContext(),
    )) as JsonObject;
    expect(output.args).toEqual({ kept: 'yes', q: 'a b&c', page: '2' });
    expect((output.headers as JsonObject)['x-trace']).toBe('abc');
  });

  it('rewrites public origins to loopback fixtures', async () => {
    const output = (await performEffect(
      http('https://httpbin.org/anything/rewritten'),
      testContext({ endpointRewrites: { 'https://httpbin.org': httpbin.url } }),
    )) as JsonObject;
    expect(output.url).toBe('/anything/rewritten');
  });

  it('rejects a GET with a body and a relative URI as configuration errors', async () => {
    const withBody = await failure(performEffect(http(`${httpbin.url}/anything`, { body: { a: 1 } }), testContext()));
    expect(withBody.problem).toMatchObject({ status: 400, type: expect.stringMatching(/\/errors\/configuration$/) });
    const relative = await failure(performEffect(http('/pet/1'), testContext()));
    expect(relative.problem.detail).toContain('not an absolute URI');
  });
});

describe('http effect authentication', () => {
  it('basic: sends the credentials and redacts them from the response output', async () => {
    const output = (await performEffect(
      http(`${httpbin.url}/basic-auth/serverless-workflow/conformance-test`, {
        output: 'response',
        authentication: { basic: { username: 'serverless-workflow', password: 'conformance-test' } },
      }),
      testContext(),
    )) as JsonObject;
    expect(output.content).toEqual({ authenticated: true, user: 'serverless-workflow' });
    expect((output.request as JsonObject).headers).toMatchObject({ authorization: '[redacted]' });
    expect(JSON.stringify(output)).not.toContain(Buffer.from('serverless-workflow:conformance-test').toString('base64'));
  });

  it('basic: wrong credentials fault with status 401 and no secret in the error', async () => {
    const error = await failure(
      performEffect(
        http(`${httpbin.url}/basic-auth/user/right-password`, {
          authentication: { basic: { username: 'user', password: 'wrong-password' } },
        }),
        testContext(),
      ),
    );
    expect(error.problem.status).toBe(401);
    const serialized = JSON.stringify(error.problem) + error.message;
    expect(serialized).not.toContain('wrong-password');
    expect(serialized).not.toContain(Buffer.from('user:wrong-password').toString('base64'));
  });

  it('bearer: sends the token', async () => {
    const output = await performEffect(
      http(`${httpbin.url}/bearer`, { authentication: { bearer: { token: 's3cr3t-token' } } }),
      testContext(),
    );
    expect(output).toEqual({ authenticated: true, token: 's3cr3t-token' });
  });
});

describe('http effect status handling', () => {
  const redirectUri = (): string => `${httpbin.url}/redirect-to?url=${encodeURIComponent(`${httpbin.url}/anything`)}`;

  it('redirect false: a 302 is a communication error and is not followed', async () => {
    const error = await failure(performEffect(http(redirectUri()), testContext()));
    expect(error.problem).toMatchObject({ status: 302, type: expect.stringMatching(/\/errors\/communication$/) });
  });

  it('redirect true: a 302 is accepted and returned, not followed', async () => {
    const output = (await performEffect(http(redirectUri(), { redirect: true, output: 'response' }), testContext())) as JsonObject;
    expect(output.statusCode).toBe(302);
    expect((output.headers as JsonObject).location).toBe(`${httpbin.url}/anything`);
  });

  it('redirect true still faults outside 200–399', async () => {
    const error = await failure(performEffect(http(`${httpbin.url}/status/500`, { redirect: true }), testContext()));
    expect(error.problem.status).toBe(500);
  });

  it('404 is a communication error carrying status 404, the response, and no credentials', async () => {
    const error = await failure(
      performEffect(
        http(`${petstore.url}/v2/pet/getPetByName/Milou`, { authentication: { bearer: { token: 'very-secret-token' } } }),
        testContext(),
      ),
    );
    expect(error.problem).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication',
      status: 404,
      title: 'Communication Error',
      response: { statusCode: 404, content: { code: 1, type: 'error', message: 'Pet not found' } },
    });
    expect(error.problem.instance).toBeUndefined();
    expect(JSON.stringify(error.problem) + error.message).not.toContain('very-secret-token');
  });

  it('keeps a large error body short in the error', async () => {
    const app = Fastify();
    app.get('/', async (_request, reply) => reply.code(500).type('text/html').send('<p>'.repeat(10_000)));
    const server = await listenOnLoopback(app);
    try {
      const error = await failure(performEffect(http(`${server.url}/`), testContext()));
      const content = (error.problem.response as JsonObject).content as string;
      expect(content.startsWith('<p><p>')).toBe(true);
      expect(content).toMatch(/… \(21808 more characters\)$/);
    } finally {
      await server.close();
    }
  });

  it('connection refused is a communication error with status 503 and a clear detail', async () => {
    const gone = await startHttpbinServer();
    await gone.close();
    const error = await failure(performEffect(http(`${gone.url}/anything`), testContext()));
    expect(error.problem).toMatchObject({ status: 503, type: expect.stringMatching(/\/errors\/communication$/) });
    expect(error.problem.detail).toContain('connection refused');
  });
});

describe('http effect cancellation', () => {
  it('rejects with CancelledError when the signal aborts mid-request', async () => {
    const context = testContext();
    const pending = performEffect(http(`${httpbin.url}/delay/10`), context);
    setTimeout(() => context.controller.abort(), 50);
    const error = await pending.then(() => undefined, (reason: unknown) => reason);
    expect(isCancelledError(error)).toBe(true);
  });

  it('does not start when the signal is already aborted', async () => {
    const context = testContext();
    context.controller.abort();
    const error = await performEffect(http(`${httpbin.url}/anything`), context).then(() => undefined, (reason: unknown) => reason);
    expect(isCancelledError(error)).toBe(true);
  });
});
