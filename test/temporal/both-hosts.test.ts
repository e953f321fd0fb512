import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExpressionEngine } from '../../src/core/expr/engine.ts';
import type { Json } from '../../src/core/json.ts';
import { loadDefaultEngine } from '../../src/expr/default-engine.ts';
import { runLocal, type ExecutionResult } from '../../src/hosts/local/run-local.ts';
import { runTemporal } from '../../src/hosts/temporal/run-temporal.ts';
import { loadWorkflow } from '../../src/loader/load-workflow.ts';
import type { FixtureServer } from '../fixtures/fixture-server.ts';
import { startHttpbinServer } from '../fixtures/httpbin-server.ts';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';

// Every workflow under workflows/ runs on the local host and on a real Temporal dev server; the
// two must agree on status, output or error, and on which lifecycle events each task produced.
const WORKFLOWS_DIR = new URL('./workflows/', import.meta.url);
const INPUT: Json = { n: 12, items: [1, 2, 3] };

let temporal: DevServer;
let httpbin: FixtureServer;
let engine: ExpressionEngine;

beforeAll(async () => {
  [temporal, httpbin, engine] = await Promise.all([startTemporalServer(), startHttpbinServer(), loadDefaultEngine()]);
});
afterAll(async () => {
  await Promise.all([temporal?.stop(), httpbin?.close()]);
});

describe('the same workflow on both hosts', () => {
  const files = readdirSync(WORKFLOWS_DIR).filter((name) => name.endsWith('.yaml')).sort();

  it.each(files)('%s gives the same result on local and temporal', async (file) => {
    const document = loadWorkflow(readFileSync(new URL(file, WORKFLOWS_DIR), 'utf8'), file, { engine });
    const options = { executionId: `golden-${file.replace('.yaml', '')}`, endpointRewrites: { 'https://httpbin.org': httpbin.url } };
    const local = await runLocal(document, INPUT, { ...options, engine });
    const durable = await runTemporal(document, INPUT, { ...options, temporal: { address: temporal.address } });

    expect(summary(durable)).toEqual(summary(local));
    expect(taskEvents(durable)).toEqual(taskEvents(local));
    expect(durable.events.map((event) => event.seq)).toEqual(durable.events.map((_, index) => index + 1));
  }, 60_000);
});

/** Status, output, error; an HTTP `date` header is the only thing allowed to differ. */
function summary(result: ExecutionResult): Json {
  return JSON.parse(JSON.stringify({ status: result.status, output: result.output, error: result.error }), (key, value) => (key === 'date' ? '<date>' : value));
}

/** Which events each task instance produced, independent of how concurrent branches interleaved. */
function taskEvents(result: ExecutionResult): string[] {
  return result.events.map((event) => `${event.subject ?? ''} ${event.iteration ?? ''} ${event.attempt ?? ''} ${event.type}`).sort();
}
