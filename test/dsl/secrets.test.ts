import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EffectRequest } from '../../src/core/effects.ts';
import type { ProgressEvent } from '../../src/core/events.ts';
import type { Json } from '../../src/core/json.ts';
import { runWorkflow } from '../../src/core/interpreter.ts';
import { InProcessEventBus } from '../../src/bus/in-process-bus.ts';
import { createAjvSchemaValidator } from '../../src/data-schema/ajv-schema-validator.ts';
import { createLocalHost } from '../../src/hosts/local/local-host.ts';
import { SecretStore } from '../../src/secrets/secret-store.ts';
import { loadSecrets, parseSecretSource, SecretSourceError } from '../../src/secrets/load-secrets.ts';
import { traceRoot } from '../../src/core/trace-context.ts';
import { startAuthServer, type AuthServer } from '../fixtures/auth-server.ts';
import { startJaeger, traceSpans, type JaegerServer } from '../support/jaeger.ts';
import { loadDslWorkflow, runDslWorkflow, sharedEngine } from './dsl-helpers.ts';

const SECRET = 'tok-93f1d2c8a7b64e05';
const ORIGIN = 'http://auth.example.test';
let server: AuthServer;
let jaeger: JaegerServer;

beforeAll(async () => {
  [server, jaeger] = await Promise.all([startAuthServer({ clientId: 'c', clientSecret: 's', username: 'u', password: 'p', refreshToken: 'r' }), startJaeger()]);
  // Runs are traced: their spans go to a real Jaeger, which the leak scan reads back.
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = jaeger.otlpHttp;
  process.env.OTEL_SERVICE_NAME = 'cairn-dsl-secrets';
}, 60_000);
afterAll(async () => {
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  delete process.env.OTEL_SERVICE_NAME;
  await Promise.all([server?.close(), jaeger?.stop()]);
});

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('secrets from the operator', () => {
  it('reads NAME=env:VAR and NAME=file:PATH; a JSON object file becomes an object secret, text loses its final newline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-secrets-'));
    writeFileSync(join(dir, 'db.json'), '{"username":"app-user","password":"pw-1"}\n');
    writeFileSync(join(dir, 'token.txt'), 'abc-token\n');
    const sources = ['db=file:' + join(dir, 'db.json'), 'token=file:' + join(dir, 'token.txt'), 'api=env:CAIRN_TEST_API_KEY'].map(parseSecretSource);
    expect(await loadSecrets(sources, { CAIRN_TEST_API_KEY: 'key-42' })).toEqual({
      db: { username: 'app-user', password: 'pw-1' },
      token: 'abc-token',
      api: 'key-42',
    });
  });

  it('rejects malformed declarations and missing sources with messages that name the source', async () => {
    expect(() => parseSecretSource('db=vault:x')).toThrow(SecretSourceError);
    await expect(loadSecrets([parseSecretSource('api=env:CAIRN_TEST_UNSET')], {})).rejects.toThrow('environment variable CAIRN_TEST_UNSET is not set');
    await expect(loadSecrets([parseSecretSource('db=file:/nonexistent/cairn')])).rejects.toThrow("secret 'db': cannot read /nonexistent/cairn (ENOENT)");
  });

  it('refuses texts too short to redact (under 4 characters), naming the secret and field, never the value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-secrets-'));
    writeFileSync(join(dir, 'db.json'), '{"username":"app-user","password":"pw1"}');
    await expect(loadSecrets([parseSecretSource('pin=env:CAIRN_TEST_PIN')], { CAIRN_TEST_PIN: '123' })).rejects.toThrow(
      "secret 'pin' is shorter than 4 characters",
    );
    const refused = loadSecrets([parseSecretSource(`db=file:${join(dir, 'db.json')}`)]);
    await expect(refused).rejects.toThrow(/^secret 'db\.password' is shorter than 4 characters: too short to redact/);
    await expect(refused).rejects.not.toThrow('pw1');
  });
});

describe('secrets stay out of effect requests, logs, events and errors', () => {
  it('effect requests handed to the host carry { secret } references and sealed computed strings, never the value', async () => {
    const document = await loadDslWorkflow('secrets-leak-probe');
    const requests: EffectRequest[] = [];
    const host = createLocalHost({
      onEvent: () => undefined,
      bus: new InProcessEventBus(),
      endpointRewrites: { [ORIGIN]: server.url },
      allowProcesses: true,
      secrets: new SecretStore({ apiToken: SECRET }),
    });
    const perform = host.perform.bind(host);
    host.perform = (request, options, scope) => {
      requests.push(structuredClone(request));
      return perform(request, options, scope);
    };
    const result = await runWorkflow(document, {}, host, {
      executionId: 'refs',
      engine: await sharedEngine(),
      schemas: createAjvSchemaValidator(),
      secrets: { apiToken: SECRET },
    });
    expect(result.status).toBe('faulted');
    expect(requests.map((request) => request.kind)).toEqual(['run.shell', 'http']);
    expect(requests[0]).toMatchObject({ environment: { TOKEN: { secret: 'apiToken' }, COMPUTED: { $secretText: ['Key ', { secret: 'apiToken' }] } } });
    expect(requests[1]).toMatchObject({ authentication: { bearer: { token: { secret: 'apiToken' } } } });
    expect(occurrences(JSON.stringify(requests), SECRET)).toBe(0);
  });

  it('a secret used in 10 runs appears 0 times in console output, progress events, outputs, error bodies and the spans exported to Jaeger', async () => {
    const logged: string[] = [];
    const capture = (...args: unknown[]) => void logged.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => vi.spyOn(console, method).mockImplementation(capture));
    const streamed: ProgressEvent[] = [];
    const results: Json[] = [];
    try {
      for (let run = 0; run < 10; run += 1) {
        const result = await runDslWorkflow('secrets-leak-probe', {}, {
          executionId: `dsl-secret-leak-${run}`,
          secrets: { apiToken: SECRET },
          endpointRewrites: { [ORIGIN]: server.url },
          allowProcesses: true,
          onEvent: (event) => streamed.push(event),
        });
        // The secret was really used: the shell saw it, the server got it (and echoed it in its 403 body).
        expect(result.status).toBe('faulted');
        expect(result.error).toMatchObject({ status: 403, response: { content: { rejected: 'Bearer [redacted]' } } });
        results.push(result as unknown as Json);
      }
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }
    const shellOutputs = streamed.filter((event) => event.type === 'io.cairn.task.state.v1' && event.subject === '/do/0/useInShell');
    expect(shellOutputs.map((event) => event.data.output)).toEqual(Array(10).fill(`token has ${SECRET.length} characters`));
    const faults = streamed.filter((event) => event.type.endsWith('.faulted.v1'));
    expect(faults).toHaveLength(20);
    expect(occurrences(JSON.stringify(streamed), SECRET)).toBe(0);
    expect(occurrences(JSON.stringify(results), SECRET)).toBe(0);
    expect(occurrences(logged.join('\n'), SECRET)).toBe(0);
    // Each run's trace: the execution, its two tasks and their two effects, with every tag and event.
    const traces = await Promise.all(Array.from({ length: 10 }, (_, run) => traceSpans(jaeger, traceRoot(`dsl-secret-leak-${run}`).traceId, 5)));
    for (const spans of traces) {
      expect(spans.map((span) => span.operationName).sort()).toEqual(['GET auth.example.test', 'call rejected', 'run useInShell', 'run.shell', 'workflow test/secrets-leak-probe']);
    }
    expect(occurrences(JSON.stringify(traces), SECRET)).toBe(0);
  }, 60_000);
});
