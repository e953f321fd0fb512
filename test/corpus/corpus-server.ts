import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { listenOnLoopback, type FixtureServer } from '../fixtures/fixture-server.ts';
import { startPetstoreServer } from '../fixtures/petstore-server.ts';

const catalogFolder = fileURLToPath(new URL('./catalog/', import.meta.url));

/** The public services the spec's examples call, served on loopback; endpointRewrites points their origins here. */
export interface CorpusServices {
  endpointRewrites: Record<string, string>;
  close(): Promise<void>;
}

/** Stand-ins for the hosts the examples name: each answers as the example's text expects. */
export async function startCorpusServices(): Promise<CorpusServices> {
  const petstore = await startPetstoreServer();
  const app = Fastify({ logger: false });
  const people: Record<string, { name: string; homeworld: () => string }> = {
    '1': { name: 'Luke Skywalker', homeworld: () => 'https://swapi.dev/api/planets/1/' },
  };
  app.get('/api/people/', async (request) => {
    const search = String((request.query as Record<string, unknown>)['search'] ?? '').toLowerCase();
    const results = Object.values(people).filter((person) => person.name.toLowerCase().includes(search)).map((person) => ({ name: person.name }));
    return { count: results.length, results, accept: request.headers.accept ?? null };
  });
  app.get('/api/people/:id', async (request, reply) => {
    const person = people[(request.params as { id: string }).id];
    return person === undefined ? reply.code(404).send({ detail: 'Not found' }) : { name: person.name, homeworld: person.homeworld() };
  });
  app.get('/api/planets/1/', async () => ({ name: 'Tatooine', climate: 'arid' }));
  app.post('/api/bet/on/football', async (request) => ({ accepted: true, bet: request.body }));
  app.put('/api/v3/alert/nurses', async (request) => ({ alerted: 'nurse', patient: (request.body as { patientId?: string }).patientId ?? null }));
  // The doctor answers later, so the nurse's branch wins the race.
  app.put('/api/v3/alert/doctor', async (request) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { alerted: 'doctor', patient: (request.body as { patientId?: string }).patientId ?? null };
  });
  app.get('/api', async (_request, reply) => reply.code(503).send({ title: 'Service Unavailable' }));
  app.get('/serverlessworkflow/catalog/main/*', async (request, reply) => {
    const relative = (request.params as { '*': string })['*'];
    if (relative.includes('..')) return reply.code(400).send('bad path');
    try {
      return reply.type('application/yaml').send(await readFile(`${catalogFolder}${relative}`, 'utf8'));
    } catch {
      return reply.code(404).send('no such file');
    }
  });
  const services: FixtureServer = await listenOnLoopback(app);
  const origin = services.url;
  return {
    endpointRewrites: {
      'https://petstore.swagger.io': petstore.url,
      'https://swapi.dev': origin,
      'https://superbet-casinos.com': origin,
      'https://fake-hospital.com': origin,
      'https://external-service.example.com': origin,
      'https://raw.githubusercontent.com': origin,
    },
    close: async () => {
      await Promise.all([petstore.close(), services.close()]);
    },
  };
}
