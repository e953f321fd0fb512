import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCatalogFunctions } from '../../src/catalogs/resolve-catalog-functions.ts';
import { WorkflowLoadError } from '../../src/loader/load-workflow.ts';
import { listenOnLoopback, type FixtureServer } from '../fixtures/fixture-server.ts';
import { loadCallWorkflow, runDocument, sharedEngine, startedTasks, workflowPath } from './call-helpers.ts';

const catalogFolder = fileURLToPath(new URL('./catalog/', import.meta.url));

/** Loads a workflow and points a `file:` catalog named `shop` at test/calls/catalog. */
async function loadResolved(name: string, options: { defaultCatalog?: string; endpointRewrites?: Record<string, string> } = {}) {
  const document = await loadCallWorkflow(name);
  const shop = document.use?.catalogs?.shop;
  if (shop !== undefined && typeof shop.endpoint === 'string' && shop.endpoint.startsWith('file:')) shop.endpoint = pathToFileURL(catalogFolder).href;
  return resolveCatalogFunctions(document, { fileName: workflowPath(name), engine: await sharedEngine(), ...options });
}

async function loadError(name: string, options: { defaultCatalog?: string } = {}): Promise<WorkflowLoadError> {
  const error = await loadResolved(name, options).then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(WorkflowLoadError);
  return error as WorkflowLoadError;
}

describe('use.functions', () => {
  it('runs the function task with the evaluated `with` as its input, under the call pointer', async () => {
    const result = await runDocument(await loadCallWorkflow('function-inline'), { user: { first: 'Ada' } });
    expect(result.status).toBe('completed');
    expect(result.output).toBe('Hello, Ada!');
    expect(startedTasks(result)).toEqual(['/do/0/hello', '/do/0/hello/greet']);
  });

  it("validates the function's input schema and faults at the function's pointer", async () => {
    const result = await runDocument(await loadCallWorkflow('function-inline'), { user: { first: 42 } });
    expect(result.status).toBe('faulted');
    expect(result.error?.type).toMatch(/\/errors\/validation$/);
    expect(result.error?.instance).toBe('/do/0/hello/greet');
  });
});

describe('catalog functions (name:version@catalog)', () => {
  let server: FixtureServer;
  const requested: string[] = [];

  beforeAll(async () => {
    // Stands in for raw.githubusercontent.com: serves the catalog folder behind basic auth.
    const app = Fastify();
    app.get('/*', async (request, reply) => {
      requested.push(request.url);
      if (request.headers.authorization !== `Basic ${Buffer.from('reader:open-sesame').toString('base64')}`) return reply.code(401).send('who are you?');
      const prefix = '/acme/catalog/refs/heads/v2/';
      if (!request.url.startsWith(prefix)) return reply.code(404).send('no such repository');
      try {
        return reply.type('application/yaml').send(await readFile(`${catalogFolder}${request.url.slice(prefix.length)}`, 'utf8'));
      } catch {
        return reply.code(404).send('no such file');
      }
    });
    server = await listenOnLoopback(app);
  });
  afterAll(() => server.close());

  it('loads functions from a local folder, including a function that calls another catalog function', async () => {
    const document = await loadResolved('catalog-folder');
    expect(Object.keys(document.use?.functions ?? {})).toEqual(['add-tax:1.0.0@shop', 'round:2.0.0@shop']);
    const result = await runDocument(document, { net: 19.99 });
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ total: 23.99 });
    expect(startedTasks(result)).toEqual([
      '/do/0/price',
      '/do/0/price/add-tax:1.0.0@shop',
      '/do/0/price/add-tax:1.0.0@shop/do/0/gross',
      '/do/0/price/add-tax:1.0.0@shop/do/1/rounded',
      '/do/0/price/add-tax:1.0.0@shop/do/1/rounded/round:2.0.0@shop',
    ]);
  });

  it('loads functions over HTTP from a GitHub tree URL turned into its raw-content URL, with basic auth', async () => {
    const document = await loadResolved('catalog-url', { endpointRewrites: { 'https://raw.githubusercontent.com': server.url } });
    expect(requested).toEqual([
      '/acme/catalog/refs/heads/v2/functions/add-tax/1.0.0/function.yaml',
      '/acme/catalog/refs/heads/v2/functions/round/2.0.0/function.yaml',
    ]);
    const result = await runDocument(document, { net: 10 });
    expect(result.output).toEqual({ total: 11 });
  });

  it('uses the runtime default catalog for @default', async () => {
    const document = await loadCallWorkflow('catalog-undeclared');
    // The same document, calling a function of the runtime's default catalog instead.
    document.do[0]!.useIt = { call: 'round:2.0.0@default', with: { value: 1.239 } };
    const resolved = await resolveCatalogFunctions(document, { fileName: workflowPath('catalog-undeclared'), defaultCatalog: catalogFolder });
    const result = await runDocument(resolved, {});
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ total: 1.24 });
  });

  it('names the call when a function document cannot be read', async () => {
    const error = await loadError('catalog-missing');
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ code: 'CAIRN_ERR_UNREADABLE', path: '/do/1/absent/call' });
    expect(error.issues[0]!.message).toContain("cannot read catalog function 'nothing:9.9.9@shop'");
    expect(error.issues[0]!.message).toContain('ENOENT');
  });

  it('locates schema errors inside the function document by line and column', async () => {
    const error = await loadError('catalog-broken');
    expect(error.issues.length).toBeGreaterThan(0);
    expect(error.issues[0]!.file).toMatch(/catalog\/functions\/broken\/1\.0\.0\/function\.yaml$/);
    expect(error.issues[0]!.code).toBe('CAIRN_ERR_SCHEMA');
    expect(error.issues[0]!.line).toBeGreaterThan(1);
  });

  it('rejects a catalog the document does not declare', async () => {
    const error = await loadError('catalog-undeclared');
    expect(error.issues[0]).toMatchObject({ code: 'CAIRN_ERR_UNKNOWN_REFERENCE', path: '/do/0/useIt/call' });
  });

  it('faults with a configuration error when a catalog function was not resolved before the run', async () => {
    const result = await runDocument(await loadCallWorkflow('catalog-folder'), { net: 1 });
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ status: 400, instance: '/do/0/price' });
    expect(result.error?.detail).toContain('was not resolved before the run');
  });
});
