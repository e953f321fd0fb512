import { readFile } from 'node:fs/promises';
import Fastify from 'fastify';
import { listenOnLoopback, type FixtureServer } from '../fixtures/fixture-server.ts';
import { GREETER_PROTO } from '../calls/fixtures/grpc-greeter-server.ts';

/** The public origin of the files and the HTTP message feed the protocol goldens use. */
export const ASSETS_ORIGIN = 'https://assets.golden.test';

/** The function catalog of the catalog tests (functions/<name>/<version>/function.yaml). */
const CATALOG = new URL('../calls/catalog/', import.meta.url);

/** A Python script the run goldens read through `source` (doubles its first argument, exits 4). */
const DOUBLE_PY = 'import sys\nprint(int(sys.argv[1]) * 2)\nsys.exit(4)\n';

/** An AsyncAPI 2.6 document whose `web` server is this fixture under its public origin. */
const FEED_ASYNCAPI = `asyncapi: 2.6.0
info: { title: Golden feed over HTTP, version: 1.0.0 }
servers:
  web: { url: '${ASSETS_ORIGIN}/api', protocol: https }
channels:
  news:
    publish: { message: { payload: { type: object } } }
    subscribe: { message: { payload: { type: object } } }
`;

/**
 * Serves what the protocol goldens fetch: `/protos/greeter.proto` (the gRPC fixture's proto),
 * `/scripts/double.py`, `/asyncapi/feed.yaml`, a function catalog under `/catalog/`
 * (test/calls/catalog), and the feed itself: `POST /api/news` keeps the message (body and
 * `x-edition` header) and `GET /api/news` streams it back as a server-sent event, then a fixed
 * `closing` headline, so a golden that publishes then subscribes sees its own message (goldens run
 * one at a time).
 */
export async function startGoldenAssetsServer(): Promise<FixtureServer> {
  const app = Fastify({ logger: false });
  let lastPosted: unknown = null;

  app.get('/protos/greeter.proto', async (_request, reply) => reply.type('text/plain').send(await readFile(GREETER_PROTO, 'utf8')));
  app.get('/scripts/double.py', async (_request, reply) => reply.type('text/x-python').send(DOUBLE_PY));
  app.get('/asyncapi/feed.yaml', async (_request, reply) => reply.type('application/yaml').send(FEED_ASYNCAPI));
  app.get('/catalog/functions/:name/:version/function.yaml', async (request, reply) => {
    const { name, version } = request.params as { name: string; version: string };
    if (!/^[\w.-]+$/.test(name) || !/^[\w.-]+$/.test(version)) return reply.code(400).send('bad name or version');
    const file = new URL(`functions/${name}/${version}/function.yaml`, CATALOG);
    return readFile(file, 'utf8').then(
      (text) => reply.type('application/yaml').send(text),
      () => reply.code(404).send('no such function'),
    );
  });
  app.post('/api/news', async (request) => {
    lastPosted = { ...(request.body as object), edition: request.headers['x-edition'] ?? null };
    return { accepted: true };
  });
  app.get('/api/news', (_request, reply) => {
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const message of [lastPosted, { headline: 'closing' }]) reply.raw.write(`data: ${JSON.stringify(message)}\n\n`);
    reply.raw.end();
  });

  return listenOnLoopback(app);
}
