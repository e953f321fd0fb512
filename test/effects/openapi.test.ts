import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { OpenApiEffect } from '../../src/core/effects.ts';
import { isWorkflowError, type WorkflowError } from '../../src/core/errors.ts';
import type { JsonObject } from '../../src/core/json.ts';
import { performEffect } from '../../src/effects/perform-effect.ts';
import type { FixtureServer } from '../fixtures/fixture-server.ts';
import { startPetstoreServer } from '../fixtures/petstore-server.ts';
import { testContext } from './effect-test-context.ts';

let petstore: FixtureServer;
let directory: string;

beforeAll(async () => {
  petstore = await startPetstoreServer();
  directory = await mkdtemp(join(tmpdir(), 'cairn-openapi-'));
});
afterAll(async () => {
  await petstore.close();
  await rm(directory, { recursive: true, force: true });
});

function openapi(document: string, operationId: string, parameters: JsonObject, extra: Partial<OpenApiEffect> = {}): OpenApiEffect {
  return { kind: 'openapi', document, operationId, parameters, output: 'content', redirect: false, ...extra };
}

async function failure(promise: Promise<unknown>): Promise<WorkflowError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!isWorkflowError(error)) throw new Error(`expected a WorkflowError, got ${String(error)}`);
  return error;
}

describe('openapi effect, Swagger 2.0', () => {
  const swagger = (): string => `${petstore.url}/v2/swagger.json`;

  it('maps a query parameter (findPetsByStatus)', async () => {
    const output = await performEffect(openapi(swagger(), 'findPetsByStatus', { status: 'available' }), testContext());
    expect((output as JsonObject[]).map((pet) => pet.name)).toEqual(['doggie', 'kitty']);
  });

  it('repeats an array query parameter', async () => {
    const output = await performEffect(openapi(swagger(), 'findPetsByStatus', { status: ['pending', 'sold'] }), testContext());
    expect((output as JsonObject[]).map((pet) => pet.id)).toEqual([3, 4]);
  });

  it('maps a path parameter declared by $ref at path level, with response output', async () => {
    const output = (await performEffect(
      openapi(swagger(), 'getPetById', { petId: 2 }, { output: 'response' }),
      testContext(),
    )) as JsonObject;
    expect(output).toMatchObject({
      request: { method: 'GET', uri: `${petstore.url}/v2/pet/2`, headers: { accept: 'application/json' } },
      statusCode: 200,
      content: { id: 2, name: 'kitty', status: 'available' },
    });
  });

  it('loads the document through endpoint rewrites, as the conformance kit does', async () => {
    const output = await performEffect(
      openapi('https://petstore.swagger.io/v2/swagger.json', 'getPetById', { petId: 1 }),
      testContext({ endpointRewrites: { 'https://petstore.swagger.io': petstore.url } }),
    );
    expect(output).toMatchObject({ id: 1, name: 'doggie' });
  });

  it('sends the body parameter under its own name or as `body`', async () => {
    const byName = await performEffect(openapi(swagger(), 'addPet', { pet: { name: 'Milou' } }), testContext());
    expect(byName).toMatchObject({ id: 100, name: 'Milou' });
    const asBody = await performEffect(openapi(swagger(), 'addPet', { body: { name: 'Idefix', status: 'sold' } }), testContext());
    expect(asBody).toMatchObject({ name: 'Idefix', status: 'sold' });
  });

  it('faults like an HTTP call: 404 is a communication error with status 404', async () => {
    const error = await failure(performEffect(openapi(swagger(), 'getPetById', { petId: 999 }), testContext()));
    expect(error.problem).toMatchObject({ status: 404, type: expect.stringMatching(/\/errors\/communication$/) });
  });
});

describe('openapi effect, OpenAPI 3', () => {
  it('resolves a relative server URL against the document URL', async () => {
    const output = await performEffect(openapi(`${petstore.url}/v3/openapi.json`, 'getPetById', { petId: 1 }), testContext());
    expect(output).toMatchObject({ id: 1, name: 'doggie' });
  });

  it('resolves a relative server URL against the public document URL, then rewrites the call', async () => {
    const output = (await performEffect(
      openapi('https://petstore.swagger.io/v3/openapi.json', 'getPetById', { petId: 2 }, { output: 'response' }),
      testContext({ endpointRewrites: { 'https://petstore.swagger.io': petstore.url } }),
    )) as JsonObject;
    expect(output).toMatchObject({ request: { uri: `${petstore.url}/v2/pet/2` }, content: { name: 'kitty' } });
  });

  it('reads a YAML document from a file and sends the requestBody', async () => {
    const path = join(directory, 'petstore.yaml');
    await writeFile(
      path,
      stringify({
        openapi: '3.1.0',
        info: { title: 'file fixture', version: '1' },
        servers: [{ url: '{origin}/v2', variables: { origin: { default: petstore.url } } }],
        paths: {
          '/pet': {
            post: {
              operationId: 'addPet',
              requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
              responses: { '200': { description: 'ok', content: { 'application/json': {} } } },
            },
          },
        },
      }),
    );
    const output = await performEffect(openapi(path, 'addPet', { body: { name: 'Rantanplan' } }), testContext());
    expect(output).toMatchObject({ id: 100, name: 'Rantanplan' });
  });
});

describe('openapi effect, bad calls', () => {
  it('an unknown operationId is a configuration error', async () => {
    const error = await failure(performEffect(openapi(`${petstore.url}/v2/swagger.json`, 'deletePet', {}), testContext()));
    expect(error.problem).toMatchObject({ status: 400, type: expect.stringMatching(/\/errors\/configuration$/) });
    expect(error.problem.detail).toContain("'deletePet'");
  });

  it('a missing required parameter is a validation error naming it', async () => {
    const error = await failure(performEffect(openapi(`${petstore.url}/v2/swagger.json`, 'getPetById', {}), testContext()));
    expect(error.problem).toMatchObject({ status: 400, type: expect.stringMatching(/\/errors\/validation$/) });
    expect(error.problem.detail).toContain("'petId'");
  });

  it('an undeclared parameter is a validation error listing the declared ones', async () => {
    const error = await failure(
      performEffect(openapi(`${petstore.url}/v2/swagger.json`, 'getPetById', { petId: 1, colour: 'red' }), testContext()),
    );
    expect(error.problem.detail).toContain("'colour'");
    expect(error.problem.detail).toContain('declared: petId');
  });

  it('a missing file is a configuration error; a document that is not OpenAPI too', async () => {
    const missing = await failure(performEffect(openapi(join(directory, 'nope.json'), 'x', {}), testContext()));
    expect(missing.problem.detail).toContain('ENOENT');
    const notSpec = join(directory, 'not-spec.yaml');
    await writeFile(notSpec, 'just: yaml\n');
    const invalid = await failure(performEffect(openapi(notSpec, 'x', {}), testContext()));
    expect(invalid.problem.detail).toContain('not a Swagger 2.0 or OpenAPI 3.x document');
  });
});
