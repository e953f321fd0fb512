import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCatalogFunctions } from '../../src/catalogs/resolve-catalog-functions.ts';
import { createNativeJqEngine } from '../../src/jq/native-engine.ts';
import { runOnHost } from '../../src/hosts/index.ts';
import { loadWorkflow, WorkflowLoadError } from '../../src/loader/load-workflow.ts';
import { listenOnLoopback, type FixtureServer } from '../fixtures/fixture-server.ts';

// dsl.md "Using a Custom Function": `call: https://github.com/myorg/functions/validateEmailAddress@v1.0.0`,
// resolved with the catalog rules (GitHub page → raw content, functions/<name>/<version>/function.yaml)
// and fetched with the catalogs' bounded fetch, here from a loopback stand-in for raw.githubusercontent.com.
const engine = createNativeJqEngine();
const FUNCTION = `
input:
  schema:
    document: { type: object, required: [ emailAddress ], properties: { emailAddress: { type: string } } }
set:
  valid: '\${ .emailAddress | test("^[^@]+@[^@]+$") }'
`;
const workflow = (call: string) => `
document: { dsl: '1.0.3', namespace: default, name: customFunctionWorkflow, version: '0.1.0' }
do:
  - validateEmail:
      call: ${call}
      with:
        emailAddress: \${ .userEmail }
`;

let server: FixtureServer;
const requested: string[] = [];

beforeAll(async () => {
  const app = Fastify();
  app.get('/*', async (request, reply) => {
    requested.push(request.url);
    if (request.url === '/myorg/functions/refs/heads/main/functions/validateEmailAddress/v1.0.0/function.yaml') return reply.type('application/yaml').send(FUNCTION);
    if (request.url === '/myorg/functions/refs/heads/main/functions/huge/1.0.0/function.yaml') return reply.send(`set: { x: '${'y'.repeat(2 * 1024 * 1024)}' }`);
    return reply.code(404).send('no such file');
  });
  server = await listenOnLoopback(app);
});
afterAll(async () => {
  await server.close();
});

async function load(call: string) {
  const document = loadWorkflow(workflow(call), 'workflow.yaml', { engine });
  return resolveCatalogFunctions(document, { fileName: 'workflow.yaml', engine, endpointRewrites: { 'https://raw.githubusercontent.com': server.url } });
}

describe('custom functions called by URL', () => {
  it('resolves <repository>/<name>@<version> like a catalog and runs the function with `with` as its input', async () => {
    const document = await load('https://github.com/myorg/functions/validateEmailAddress@v1.0.0');
    expect(requested).toContain('/myorg/functions/refs/heads/main/functions/validateEmailAddress/v1.0.0/function.yaml');
    const valid = await runOnHost('local', document, { userEmail: 'ada@example.com' }, { engine });
    expect(valid.output).toEqual({ valid: true });
    const invalid = await runOnHost('local', document, { userEmail: 42 }, { engine });
    expect(invalid.status).toBe('faulted');
    expect(invalid.error).toMatchObject({ status: 400, instance: '/do/0/validateEmail/https:~1~1github.com~1myorg~1functions~1validateEmailAddress@v1.0.0' });
  });

  it('fetches a function.yaml URL as it is', async () => {
    const document = await load('https://raw.githubusercontent.com/myorg/functions/refs/heads/main/functions/validateEmailAddress/v1.0.0/function.yaml');
    expect((await runOnHost('local', document, { userEmail: 'x' }, { engine })).output).toEqual({ valid: false });
  });

  it('names the call and the URL when the document cannot be read, and bounds its size', async () => {
    const missing = await load('https://github.com/myorg/functions/nothing@1.0.0').then(() => undefined, (caught: unknown) => caught);
    expect(missing).toBeInstanceOf(WorkflowLoadError);
    expect((missing as WorkflowLoadError).issues[0]).toMatchObject({ code: 'CAIRN_ERR_UNREADABLE', path: '/do/0/validateEmail/call' });
    expect((missing as WorkflowLoadError).issues[0]!.message).toContain('functions/nothing/1.0.0/function.yaml (HTTP 404)');
    const huge = await load('https://github.com/myorg/functions/huge@1.0.0').then(() => undefined, (caught: unknown) => caught);
    expect((huge as WorkflowLoadError).issues[0]!.message).toMatch(/larger than \d+ bytes/);
  });
});
