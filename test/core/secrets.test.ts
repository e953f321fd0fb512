import { describe, expect, it } from 'vitest';
import { runOnFakeHost } from './fake-host.ts';
import { testEngine, workflow } from './test-workflow.ts';

const SECRETS = { apiKey: 'sk-live-5e3f9a7c', db: { password: 'correct-horse-battery' } };

describe('secret redaction on the fake host', () => {
  it('no progress event carries a secret value, wherever the workflow copies it', async () => {
    const document = await workflow(`
use:
  secrets: [apiKey, db]
do:
  - copy:
      input:
        from: '\${ {key: $secrets.apiKey, connection: "postgres://app:\\($secrets.db.password)@db/app"} }'
      set: '\${ . }'
      export:
        as: '\${ {remembered: .key} }'
  - announce:
      emit:
        event:
          with:
            source: https://test.example
            type: test.secret
            data: '\${ {context: $context, key: .key} }'
  - leak:
      raise:
        error:
          type: https://serverlessworkflow.io/spec/1.0.0/errors/runtime
          status: 500
          detail: '\${ "cannot connect with " + .data.key }'
`);
    const { result, host } = await runOnFakeHost(document, {}, { engine: await testEngine(), secrets: SECRETS });
    expect(result.status).toBe('faulted');
    const everything = JSON.stringify(host.events);
    expect(everything).not.toContain(SECRETS.apiKey);
    expect(everything).not.toContain(SECRETS.db.password);
    expect(everything).toContain('[redacted]');
    // The values really flowed (so the redaction was needed): the emitted event carried them to the
    // performer, sealed on the way (the request itself holds a reference, never the value).
    expect(JSON.stringify(host.effects)).toContain(SECRETS.apiKey);
    expect(JSON.stringify(host.sealedEffects)).not.toContain(SECRETS.apiKey);
    expect(JSON.stringify(host.sealedEffects)).toContain('{"$secretText":[{"secret":"apiKey"}]}');
    const state = host.events.find((event) => event.type === 'io.cairn.task.state.v1' && event.subject === '/do/0/copy')!;
    expect(state.data.output).toEqual({ key: '[redacted]', connection: 'postgres://app:[redacted]@db/app' });
    // The error handed back to the caller is redacted too: it ends up in logs and the service.
    expect(result.error?.detail).toBe('cannot connect with [redacted]');
  });
});

describe('$secrets holds only what use.secrets declares', () => {
  it('naming an undeclared secret is an authorization error (403); dynamic reads see nothing undeclared', async () => {
    const engine = await testEngine();
    const undeclared = await workflow(`
use:
  secrets: [apiKey]
do:
  - peek:
      set:
        password: '\${ $secrets.db.password }'
`);
    const { result } = await runOnFakeHost(undeclared, {}, { engine, secrets: SECRETS });
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ status: 403, type: 'https://serverlessworkflow.io/spec/1.0.0/errors/authorization', instance: '/do/0/peek' });
    expect(result.error?.detail).toContain("secret 'db' is not declared in use.secrets");

    const dynamic = await workflow(`
do:
  - peek:
      set:
        all: '\${ $secrets }'
        names: '\${ $secrets | keys }'
`);
    const run = await runOnFakeHost(dynamic, {}, { engine, secrets: SECRETS });
    expect(run.result).toMatchObject({ status: 'completed', output: { all: {}, names: [] } });
  });
});
