import { describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/loader/load-workflow.ts';
import { fixture, HEADER, issuesOf, sharedEngine } from './load-helpers.ts';

describe('semantic checks', () => {
  it('locates bad then targets, duplicate names and unknown use references', async () => {
    const issues = await issuesOf(fixture('semantic-errors.yaml'), 'semantic-errors.yaml');
    expect(issues.map((i) => `${i.line}:${i.column} ${i.code} ${i.path}`)).toEqual([
      '12:13 CAIRN_ERR_THEN_TARGET /do/0/first/then',
      '13:5 CAIRN_ERR_DUPLICATE_TASK /do/1/first',
      '20:19 CAIRN_ERR_THEN_TARGET /do/2/branch/switch/0/big/then',
      '24:13 CAIRN_ERR_UNKNOWN_REFERENCE /do/3/callIt/call',
      '29:16 CAIRN_ERR_UNKNOWN_REFERENCE /do/5/fail/raise/error',
      '31:16 CAIRN_ERR_UNKNOWN_REFERENCE /do/6/guarded/timeout',
      '40:24 CAIRN_ERR_UNKNOWN_REFERENCE /do/6/guarded/try/0/fetch/with/endpoint/authentication/use',
      '42:16 CAIRN_ERR_UNKNOWN_REFERENCE /do/6/guarded/catch/retry',
    ]);
    expect(issues[0]?.message).toBe("then 'nowhere' names no task of this task list; expected continue, exit, end or one of: first, branch, callIt, fromCatalog, fail, guarded");
    expect(issues[1]?.message).toBe("task name 'first' is already used by /do/0/first in this task list");
  });

  it('formats every issue as file:line:col: message', async () => {
    const engine = await sharedEngine();
    try {
      loadWorkflow(fixture('semantic-errors.yaml'), 'flows/semantic-errors.yaml', { engine });
      expect.unreachable();
    } catch (error) {
      const lines = (error as { format(): string }).format().split('\n');
      expect(lines).toHaveLength(8);
      expect(lines[0]).toBe("flows/semantic-errors.yaml:12:13: then 'nowhere' names no task of this task list; expected continue, exit, end or one of: first, branch, callIt, fromCatalog, fail, guarded");
    }
  });

  it('only accepts then targets from the same task list, not from an outer or inner one', async () => {
    const text = `${HEADER}do:
  - outer:
      do:
        - inner:
            set:
              x: 1
            then: outer
  - last:
      set:
        y: 2
      then: inner
`;
    expect((await issuesOf(text)).map((i) => `${i.line}:${i.column} ${i.code}`)).toEqual(['12:19 CAIRN_ERR_THEN_TARGET', '16:13 CAIRN_ERR_THEN_TARGET']);
  });

  it('resolves names defined under use, catalog functions and built-in calls; $secrets need no declaration', async () => {
    const text = `${HEADER}use:
  functions:
    greet:
      set:
        hello: world
  errors:
    oops:
      type: https://example.com/errors/oops
      status: 500
do:
  - a:
      call: greet
  - b:
      call: log:1.0.0@default
  - c:
      set:
        token: \${ $secrets.undeclared }
  - d:
      raise:
        error: oops
`;
    const document = loadWorkflow(text, 'w.yaml', { engine: await sharedEngine() });
    expect(document.do).toHaveLength(4);
  });
});
