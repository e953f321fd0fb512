import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OtlpReceiver } from '../support/otlp-receiver.ts';
import { startOtlpTracesReceiver, type ReceivedSpan } from '../support/otlp-traces-receiver.ts';

const TWO_STEPS = `
document: { dsl: '1.0.0', namespace: otel, name: sampled, version: '1.0.0' }
do:
  - first:
      set: { one: 1 }
  - second:
      set: '\${ . + { two: 2 } }'
`;

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

let receiver: OtlpReceiver<ReceivedSpan>;
let folder: string;
let workflow: string;

beforeAll(async () => {
  receiver = await startOtlpTracesReceiver();
  folder = mkdtempSync(join(tmpdir(), 'cairn-sampling-'));
  workflow = join(folder, 'two-steps.yaml');
  writeFileSync(workflow, TWO_STEPS);
});
afterAll(async () => {
  await receiver?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** `cairn run` of the workflow with these variables (and no inherited OTEL_* or TRACEPARENT); the spans it exported before exiting. */
async function runTraced(variables: Record<string, string>, { args = [], stderr: expectedStderr = /^$/ }: { args?: string[]; stderr?: RegExp } = {}): Promise<ReceivedSpan[]> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_') && name !== 'TRACEPARENT'));
  const before = receiver.items.length;
  // Not spawnSync: the receiver answers from this process's event loop.
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['bin/cairn.js', 'run', workflow, '--quiet', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...inherited, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.base, ...variables },
  });
  expect(stderr).toMatch(expectedStderr);
  expect(JSON.parse(stdout)).toEqual({ one: 1, two: 2 });
  // The run flushes its spans before it exits: what arrived by now is all it exported.
  return receiver.items.slice(before);
}

describe('sampling by the standard OTEL_TRACES_SAMPLER and a caller’s TRACEPARENT', () => {
  it('exports the execution and each task by default, as one new trace', async () => {
    const spans = await runTraced({});
    expect(spans.map((span) => span.name).sort()).toEqual(['set first', 'set second', 'workflow otel/sampled']);
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
    expect(spans.find((span) => span.name.startsWith('workflow'))?.parentSpanId).toBe('');
  });

  it('exports nothing under always_off, and the run is unaffected', async () => {
    expect(await runTraced({ OTEL_TRACES_SAMPLER: 'always_off' })).toEqual([]);
  });

  it('follows a sampled TRACEPARENT under parentbased_always_off: the run continues the caller’s trace', async () => {
    const spans = await runTraced({ OTEL_TRACES_SAMPLER: 'parentbased_always_off', TRACEPARENT: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` });
    expect(spans).toHaveLength(3);
    expect(spans.every((span) => span.traceId === CALLER_TRACE)).toBe(true);
    const execution = spans.find((span) => span.name.startsWith('workflow'))!;
    expect(execution.parentSpanId).toBe(CALLER_SPAN);
    expect(spans.filter((span) => span !== execution).every((span) => span.parentSpanId === execution.spanId)).toBe(true);
  });

  it('exports nothing for an unsampled TRACEPARENT under the default parent-based sampler', async () => {
    expect(await runTraced({ TRACEPARENT: `00-${CALLER_TRACE}-${CALLER_SPAN}-00` })).toEqual([]);
  });

  it('continues the caller’s trace from an execution thread too (a run with limits)', async () => {
    const spans = await runTraced({ TRACEPARENT: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` }, { args: ['--max-tasks', '100'] });
    expect(spans.map((span) => span.name).sort()).toEqual(['set first', 'set second', 'workflow otel/sampled']);
    expect(spans.every((span) => span.traceId === CALLER_TRACE)).toBe(true);
  });

  it('describes the resource by OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, on task spans and the execution’s alike', async () => {
    const spans = await runTraced({ OTEL_SERVICE_NAME: 'orders', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=staging,service.name=overridden' });
    expect(spans.map((span) => span.name).sort()).toEqual(['set first', 'set second', 'workflow otel/sampled']);
    // OTEL_SERVICE_NAME wins over a service.name among the attributes, as the specification says.
    for (const span of spans) expect(span.resource, span.name).toMatchObject({ 'service.name': 'orders', 'deployment.environment': 'staging' });
    // Unset, the service is Cairn.
    expect(new Set((await runTraced({})).map((span) => span.resource['service.name']))).toEqual(new Set(['cairn']));
  });

  it('says once, on stderr, that OTLP over gRPC is not spoken, and exports over OTLP/HTTP as before', async () => {
    const spans = await runTraced(
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      { stderr: /^OTEL_EXPORTER_OTLP_PROTOCOL=grpc: Cairn exports traces over OTLP\/HTTP with protobuf only \(http\/protobuf\); point the endpoint at the collector's OTLP\/HTTP port \(4318 by default\)\n$/ },
    );
    expect(spans).toHaveLength(3);
    // The signal's own variable wins, and http/protobuf is what Cairn speaks: nothing to say.
    expect(await runTraced({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' })).toHaveLength(3);
  });
});
