import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Json } from '../../src/core/json.ts';
import { EncryptionCodec } from '../../src/hosts/temporal/encryption-codec.ts';
import { traceRoot } from '../../src/core/trace-context.ts';
import { runOnHost } from '../../src/hosts/index.ts';
import type { runTemporal } from '../../src/hosts/temporal/run-temporal.ts';
import { followExecution, startExecution } from '../../src/hosts/temporal/client.ts';
import { connectWorker, createCairnWorker } from '../../src/hosts/temporal/worker.ts';
import { SecretStore } from '../../src/secrets/secret-store.ts';
import { startAuthServer, type AuthServer } from '../fixtures/auth-server.ts';
import { loadDslWorkflow } from '../dsl/dsl-helpers.ts';
import { startJaeger, traceSpans, type JaegerServer } from '../support/jaeger.ts';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';

// Issue #3's leak check on the Temporal host: a secret used by a shell environment (as is and
// inside a computed string) and a bearer header, in 10 runs, appears 0 times in the process's log
// output, the progress events, the error bodies, the spans exported to Jaeger and the Temporal
// histories of those runs — raw, and in every activity input and result even after decrypting them
// with the payload codec.
const SECRET = 'tok-5c1e8b2f9d7a4603';
const ORIGIN = 'http://auth.example.test';
const CODEC_KEY = EncryptionCodec.generateKey();
const RUNS = 10;

let server: DevServer;
let auth: AuthServer;
let jaeger: JaegerServer;

beforeAll(async () => {
  [server, auth, jaeger] = await Promise.all([
    startTemporalServer(),
    startAuthServer({ clientId: 'c', clientSecret: 's', username: 'u', password: 'p', refreshToken: 'r' }),
    startJaeger(),
  ]);
  // Runs are traced (Cairn's spans and Temporal's interceptors'): the leak scan reads them back from a real Jaeger.
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = jaeger.otlpHttp;
  process.env.OTEL_SERVICE_NAME = 'cairn-temporal-secrets';
}, 120_000);
afterAll(async () => {
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  delete process.env.OTEL_SERVICE_NAME;
  await Promise.all([server?.stop(), auth?.close(), jaeger?.stop()]);
});

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** Every byte array in a history (payload data and metadata) as text, plus the rest as JSON. */
function payloadText(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('latin1');
  if (Array.isArray(value)) return value.map(payloadText).join('\n');
  if (typeof value === 'object' && value !== null) return Object.values(value).map(payloadText).join('\n');
  return String(value);
}

describe('secrets on the Temporal host', () => {
  it(`a secret used in ${RUNS} runs appears 0 times in logs, events, error bodies, exported spans and the histories (also decrypted activity payloads)`, async () => {
    const document = await loadDslWorkflow('secrets-leak-probe');
    const logged: string[] = [];
    const capture = (...args: unknown[]) => void logged.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
    const spies = [
      ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => vi.spyOn(console, method).mockImplementation(capture)),
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (capture(String(chunk)), true)),
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (capture(String(chunk)), true)),
    ];
    const results: Json[] = [];
    try {
      for (let run = 0; run < RUNS; run += 1) {
        const result = await runOnHost('temporal', document, {}, {
          executionId: `secret-leak-${run}`,
          secrets: { apiToken: SECRET },
          endpointRewrites: { [ORIGIN]: auth.url },
          allowProcesses: true,
          temporal: { address: server.address, codecKey: CODEC_KEY },
        });
        results.push(result as unknown as Json);
      }
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }
    // The secret was really used: the shell saw it whole and inside the computed string, the server echoed it.
    for (const result of results as unknown as Awaited<ReturnType<typeof runTemporal>>[]) {
      expect(result.status).toBe('faulted');
      expect(result.error).toMatchObject({ status: 403, response: { content: { rejected: 'Bearer [redacted]' } } });
      const shell = result.events.find((event) => event.type === 'io.cairn.task.state.v1' && event.subject === '/do/0/useInShell');
      expect(shell?.data.output).toBe(`token has ${SECRET.length} characters`);
    }
    expect(occurrences(JSON.stringify(results), SECRET)).toBe(0);
    expect(occurrences(logged.join('\n'), SECRET)).toBe(0);
    // Each run's trace, Cairn's spans and Temporal's (the start, the run, each activity's scheduling), with every tag and event.
    const traces = await Promise.all(Array.from({ length: RUNS }, (_, run) => traceSpans(jaeger, traceRoot(`secret-leak-${run}`).traceId, 9)));
    for (const spans of traces) {
      expect(spans.map((span) => span.operationName)).toEqual(
        expect.arrayContaining(['workflow test/secrets-leak-probe', 'run useInShell', 'call rejected', 'GET auth.example.test', 'StartWorkflow:ExecuteServerlessWorkflow', 'RunWorkflow:ExecuteServerlessWorkflow', 'StartActivity:performEffect']),
      );
    }
    expect(occurrences(JSON.stringify(traces), SECRET)).toBe(0);

    const connection = await Connection.connect({ address: server.address });
    const codec = new EncryptionCodec(CODEC_KEY);
    try {
      const client = new Client({ connection });
      for (let run = 0; run < RUNS; run += 1) {
        const history = await client.workflow.getHandle(`secret-leak-${run}`).fetchHistory();
        expect(occurrences(payloadText(history), SECRET)).toBe(0);
        const activityPayloads: string[] = [];
        for (const event of history.events ?? []) {
          const payloads = [
            ...(event.activityTaskScheduledEventAttributes?.input?.payloads ?? []),
            ...(event.activityTaskCompletedEventAttributes?.result?.payloads ?? []),
          ];
          for (const payload of await codec.decode(payloads as Payload[])) activityPayloads.push(Buffer.from(payload.data ?? []).toString('utf8'));
        }
        expect(activityPayloads.length).toBeGreaterThan(0);
        expect(occurrences(activityPayloads.join('\n'), SECRET)).toBe(0);
      }
    } finally {
      await connection.close();
    }
  }, 240_000);

  it('a worker that holds the secrets fills them into strings computed in the workflow, which never held the value (no codec at all)', async () => {
    const document = await loadDslWorkflow('secrets-leak-probe');
    const workerConnection = await connectWorker(server.address);
    const connection = await Connection.connect({ address: server.address });
    try {
      const client = new Client({ connection });
      const worker = await createCairnWorker({
        connection: workerConnection,
        taskQueue: 'worker-secrets',
        secrets: new SecretStore({ apiToken: SECRET }),
        endpointRewrites: { [ORIGIN]: auth.url },
        allowProcesses: true,
      });
      const result = await worker.runUntil(async () => {
        const handle = await startExecution(client, document, {}, { executionId: 'worker-secrets', taskQueue: 'worker-secrets' });
        return followExecution(handle);
      });
      // The shell got the value as is and inside the computed string; the server got the bearer token.
      expect(result.error).toMatchObject({ status: 403, response: { content: { rejected: 'Bearer [redacted]' } } });
      const shell = result.events.find((event) => event.type === 'io.cairn.task.state.v1' && event.subject === '/do/0/useInShell');
      expect(shell?.data.output).toBe(`token has ${SECRET.length} characters`);
      expect(occurrences(JSON.stringify(result), SECRET)).toBe(0);
      const history = await client.workflow.getHandle('worker-secrets').fetchHistory();
      expect(occurrences(payloadText(history), SECRET)).toBe(0);
    } finally {
      await connection.close();
      await workerConnection.close();
    }
  }, 120_000);
});
