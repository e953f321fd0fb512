import { beforeAll, describe, expect, it } from 'vitest';
import { ExpressionEvaluationError, ExpressionSyntaxError, type ExpressionEngine } from '../../src/jq/engine.ts';
import type { Json } from '../../src/core/json.ts';
import { createJqWasmEngine } from '../../src/jq/wasm/jq-wasm-engine.ts';

let engine: ExpressionEngine;
beforeAll(async () => {
  engine = await createJqWasmEngine();
});

function syntaxError(program: string, variables: string[] = []): ExpressionSyntaxError {
  try {
    engine.compile(program, variables);
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${program} to be rejected`);
}

// program / input / variables / expected outputs
const evaluations: Array<[string, Json, Record<string, Json>, Json[]]> = [
  ['.a', { a: 1 }, {}, [1]],
  ['.', 'text', {}, ['text']],
  ['.[] | . * 2', [1, 2, 3], {}, [2, 4, 6]],
  ['empty', null, {}, []],
  ['$input.x + $context.y', null, { input: { x: 1 }, context: { y: 2 } }, [3]],
  ['$missing', null, {}, [null]],
  ['"hi \\(.name)"', { name: 'Ann' }, {}, ['hi Ann']],
  ['.a # trailing comment', { a: 5 }, {}, [5]],
  ['def twice: . * 2; twice', 4, {}, [8]],
];

describe('jq-wasm engine', () => {
  it.each(evaluations)('evaluates %s', (program, input, variables, expected) => {
    const compiled = engine.compile(program, Object.keys(variables).length ? Object.keys(variables) : ['missing']);
    expect(compiled.evaluate(input, variables)).toEqual(expected);
  });

  it('reports a syntax error with its location inside the program', () => {
    const error = syntaxError('.a | ');
    expect(error.message).toContain('syntax error, unexpected end of expression');
    expect(error.location).toEqual({ offset: 6, line: 1, column: 6 });
  });

  it('points at the offending token on the first line, not at the wrapper', () => {
    const error = syntaxError('.a | )');
    expect(error.message).toContain("unexpected ')'");
    expect(error.location).toEqual({ offset: 6, line: 1, column: 6 });
  });

  it('locates errors on later lines of a multi-line program', () => {
    const error = syntaxError('.a\n| .b ]]');
    expect(error.location).toMatchObject({ line: 2, column: 6 });
  });

  it('rejects variables that were not declared', () => {
    expect(syntaxError('$secret', ['input']).message).toBe('$secret is not defined');
    expect(() => engine.compile('$secret', ['secret'])).not.toThrow();
  });

  it('rejects unknown functions', () => {
    expect(syntaxError('nosuchfn(1)').message).toBe('nosuchfn/1 is not defined');
  });

  it('rejects invalid variable names and absurd nesting without crashing jq', () => {
    expect(syntaxError('.', ['not-valid']).message).toContain('not a valid jq variable name');
    expect(syntaxError('['.repeat(5000) + ']'.repeat(5000)).message).toContain('nests brackets');
  });

  it('maps runtime failures to ExpressionEvaluationError', () => {
    expect(() => engine.compile('error("boom")', []).evaluate(null, {})).toThrow(new ExpressionEvaluationError('boom'));
    expect(() => engine.compile('.a + 1', []).evaluate({ a: 'x' }, {})).toThrow(/cannot be added/);
  });

  it('keeps working after a WASM trap (deep recursion)', () => {
    expect(() => engine.compile('def f: [f]; f', []).evaluate(null, {})).toThrow(ExpressionEvaluationError);
    expect(engine.compile('.a', []).evaluate({ a: 7 }, {})).toEqual([7]);
  });

  it('caches compilation per program and variable list', () => {
    expect(engine.compile('.x', ['a'])).toBe(engine.compile('.x', ['a']));
    expect(engine.compile('.x', ['a'])).not.toBe(engine.compile('.x', ['b']));
  });
});
