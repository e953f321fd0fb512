import { describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/loader/load-workflow.ts';
import { fixture, HEADER, issuesOf, positions, sharedEngine } from './load-helpers.ts';

describe('schema validation', () => {
  it('loads a valid document using every task kind it checks into plain data', async () => {
    const document = loadWorkflow(fixture('valid.yaml'), 'valid.yaml', { engine: await sharedEngine() });
    expect(document.document.name).toBe('order-pipeline');
    expect(document.do.map((entry) => Object.keys(entry)[0])).toEqual(['init', 'loop', 'check', 'guarded', 'useFn', 'report']);
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });

  it('locates each schema error by line:col with one precise message per problem', async () => {
    const issues = await issuesOf(fixture('schema-errors.yaml'), 'schema-errors.yaml');
    expect(issues.map((i) => `${i.line}:${i.column} ${i.message}`)).toEqual([
      "6:3 /document has an unknown property 'owner'",
      "10:7 /do/0/missingEndpoint/with is missing the required property 'endpoint'",
      '15:16 /do/1/badTimeout/timeout must be a mapping or a string',
      '17:13 /do/2/badWait/wait must be a duration: an ISO 8601 string such as PT30S, an object of days/hours/minutes/seconds/milliseconds, or a ${ } expression',
      '18:5 /do/3/noKind is not a task: it needs one of the keys call, emit, for, fork, listen, raise, run, set, switch, try, wait, do',
      "22:9 /do/4/shellWithoutCommand/run/shell is missing the required property 'command'",
      '26:18 /do/5/nested/do/0/badSet/set must be a mapping or a string',
    ]);
    expect(issues.every((i) => i.code === 'CAIRN_ERR_SCHEMA' && i.file === 'schema-errors.yaml')).toBe(true);
    expect(issues[1]?.path).toBe('/do/0/missingEndpoint/with');
  });

  it('reports a missing top-level do and a document that is not a mapping', async () => {
    expect(positions(await issuesOf(HEADER))).toEqual(['1:1 CAIRN_ERR_SCHEMA']);
    expect((await issuesOf(HEADER))[0]?.message).toBe("the document is missing the required property 'do'");
    expect((await issuesOf('- just\n- a list\n'))[0]?.message).toBe('the document must be a mapping');
  });

  it('picks the raise error definition branch, not the string alternative', async () => {
    const text = `${HEADER}do:\n  - fail:\n      raise:\n        error:\n          type: not a uri\n`;
    const issues = await issuesOf(text);
    expect(issues.map((i) => `${i.line}:${i.column} ${i.message}`)).toEqual([
      "9:9 /do/0/fail/raise/error is missing the required property 'status'",
      '10:17 /do/0/fail/raise/error/type must be a URI such as https://serverlessworkflow.io/spec/1.0.0/errors/runtime, or a ${ } expression',
    ]);
  });

  it('validates a call by its own variant: unknown property on an http call', async () => {
    const text = `${HEADER}do:\n  - get:\n      call: http\n      with:\n        method: get\n        endpoint: https://example.com\n        retries: 3\n`;
    expect((await issuesOf(text)).map((i) => `${i.line}:${i.column} ${i.message}`)).toEqual([
      "12:9 /do/0/get/with has an unknown property 'retries'",
    ]);
  });

  it('accepts DSL 1.0.0 to 1.0.3 and rejects other versions', async () => {
    const engine = await sharedEngine();
    const doc = (dsl: string) => HEADER.replace("'1.0.3'", `'${dsl}'`) + 'do:\n  - a:\n      set:\n        x: 1\n';
    for (const dsl of ['1.0.0', '1.0.1', '1.0.2', '1.0.3']) expect(() => loadWorkflow(doc(dsl), 'w.yaml', { engine })).not.toThrow();
    const issues = await issuesOf(doc('2.0.0'));
    expect(positions(issues)).toEqual(['2:8 CAIRN_ERR_UNSUPPORTED_DSL']);
  });
});
