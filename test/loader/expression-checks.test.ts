import { describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/loader/load-workflow.ts';
import { fixture, HEADER, issuesOf, sharedEngine } from './load-helpers.ts';

describe('expression checks', () => {
  it('locates jq syntax errors inside the YAML scalar, in plain and quoted scalars and every scope', async () => {
    const issues = await issuesOf(fixture('expression-errors.yaml'), 'expression-errors.yaml');
    expect(issues.map((i) => `${i.line}:${i.column} ${i.code} ${i.path}`)).toEqual([
      '9:24 CAIRN_ERR_EXPRESSION_SYNTAX /do/0/plain/set/value',
      '11:17 CAIRN_ERR_EXPRESSION_SYNTAX /do/1/quoted/if',
      '27:21 CAIRN_ERR_EXPRESSION_SYNTAX /do/3/guarded/try/0/call/set/x',
      '34:44 CAIRN_ERR_EXPRESSION_SYNTAX /do/3/guarded/catch/do/0/log/set/detail',
    ]);
    expect(issues[0]?.message).toBe('invalid expression: syntax error, unexpected end of expression');
    expect(issues[2]?.message).toBe('invalid expression: nosuchfunction/1 is not defined');
  });

  it('compiles fields the spec declares as expressions even without ${ }', async () => {
    const text = `${HEADER}do:
  - loop:
      for:
        in: '.items | map('
      do:
        - x:
            set:
              y: 1
`;
    expect((await issuesOf(text)).map((i) => `${i.line}:${i.column} ${i.path}`)).toEqual(['9:27 /do/0/loop/for/in']);
  });

  it('maps an error inside a literal block scalar to its own line and column', async () => {
    const text = `${HEADER}do:
  - a:
      set:
        y: |-
          \${ .a
             | .b ]] }
`;
    expect((await issuesOf(text)).map((i) => `${i.line}:${i.column} ${i.code}`)).toEqual(['11:19 CAIRN_ERR_EXPRESSION_SYNTAX']);
  });

  it('points at the start of a folded block scalar, whose lines cannot be mapped', async () => {
    const text = `${HEADER}do:
  - a:
      set:
        y: >-
          \${ .a
          | .b ]] }
`;
    expect((await issuesOf(text)).map((i) => `${i.line}:${i.column} ${i.code}`)).toEqual(['9:12 CAIRN_ERR_EXPRESSION_SYNTAX']);
  });

  it('leaves plain strings alone and accepts expressions of workflow input and output', async () => {
    const text = `${HEADER}input:
  from: '{ pets: .pets }'
output:
  as: \${ .result }
do:
  - a:
      set:
        text: 'not an expression: .a | ]'
        result: \${ $workflow.id }
`;
    expect(loadWorkflow(text, 'w.yaml', { engine: await sharedEngine() }).input?.from).toBe('{ pets: .pets }');
  });
});
