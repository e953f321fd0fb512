import { describe, expect, it } from 'vitest';
import { ExpressionEvaluationError, ExpressionSyntaxError } from '../../src/jq/engine.ts';
import { createNativeJqEngine } from '../../src/jq/native-engine.ts';
import type { Json } from '../../src/core/json.ts';

const engine = createNativeJqEngine();
const run = (program: string, input: Json = null, vars: Record<string, Json> = {}): Json[] =>
  engine.compile(program, Object.keys(vars)).evaluate(input, vars);

function syntaxError(program: string, variables: string[] = []): ExpressionSyntaxError {
  try {
    engine.compile(program, variables);
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionSyntaxError);
    return e as ExpressionSyntaxError;
  }
  throw new Error(`expected ${program} not to compile`);
}

function evaluationError(program: string, input: Json = null, e = engine): string {
  const compiled = e.compile(program, []);
  try {
    compiled.evaluate(input, {});
  } catch (err) {
    expect(err).toBeInstanceOf(ExpressionEvaluationError);
    return (err as Error).message;
  }
  throw new Error(`expected ${program} to fail`);
}

describe('native jq engine: the ExpressionEngine contract', () => {
  it('returns every output of the program, with the variables it was compiled with', () => {
    expect(run('.[] | . * 2', [1, 2, 3])).toEqual([2, 4, 6]);
    expect(run('$input.x + 1', null, { input: { x: 41 } })).toEqual([42]);
    expect(run('empty')).toEqual([]);
  });

  it('locates syntax errors by line and column', () => {
    const e = syntaxError('.a |\n  )');
    expect(e.location).toEqual({ offset: 7, line: 2, column: 3 });
    expect(e.message).toMatch(/unexpected '\)' at line 2, column 3/);
  });

  it('rejects undefined variables and functions at compile time, with their location', () => {
    const e = syntaxError('.a + $nope', ['input']);
    expect(e.message).toBe('$nope is not defined at line 1, column 6');
    expect(e.location?.column).toBe(6);
    expect(syntaxError('frobnicate(1)').message).toMatch(/^frobnicate\/1 is not defined/);
    expect(() => engine.compile('$input', ['input'])).not.toThrow();
  });

  it('rejects builtins that reach outside the expression', () => {
    for (const program of ['input', '[inputs]', 'env', '$ENV.HOME', 'input_filename', 'halt_error', 'import "a" as a; .', 'include "a"; .']) {
      expect(syntaxError(program).message, program).toMatch(/not (allowed|available) in workflow expressions/);
    }
  });

  it('passes the input of debug, debug(msg) and stderr through, writing them to the log only', () => {
    const lines: string[] = [];
    const logged = createNativeJqEngine({ log: (line) => lines.push(line) });
    expect(logged.compile('[.a | debug, debug("m"), stderr]', []).evaluate({ a: 'x' }, {})).toEqual([['x', 'x', 'x']]);
    expect(lines).toEqual(['["DEBUG:","x"]', '["DEBUG:","m"]', '"x"']);
    expect(createNativeJqEngine().compile('debug | stderr', []).evaluate(1, {})).toEqual([1]);
  });

  it('reports runtime errors in jq wording', () => {
    expect(evaluationError('{} + 1')).toBe('object ({}) and number (1) cannot be added');
    expect(evaluationError('.a', [1])).toBe('Cannot index array with string ("a")');
    expect(evaluationError('error("boom")')).toBe('boom');
    expect(evaluationError('error({a: 1})')).toBe('{"a":1} (not a string)');
    expect(run('try error("x") catch .')).toEqual(['x']);
  });

  it('makes `now` an error unless a clock is given', () => {
    expect(evaluationError('now')).toMatch(/now is not available/);
    const clocked = createNativeJqEngine({ now: () => 1_700_000_000 });
    expect(clocked.compile('now | todate', []).evaluate(null, {})).toEqual(['2023-11-14T22:13:20Z']);
  });

  it('bounds evaluation steps, output size and nesting depth', () => {
    const small = createNativeJqEngine({ maxSteps: 10_000, maxOutputBytes: 10_000, maxDepth: 50 });
    expect(evaluationError('[range(1000000)] | length', null, small)).toMatch(/exceeded the limit of 10000 steps/);
    expect(evaluationError('[repeat(1)]', null, small)).toMatch(/steps/);
    expect(evaluationError('[range(5000)]', null, small)).toMatch(/output exceeded the limit of 10000 bytes/);
    expect(evaluationError('def f: [f]; f', null, small)).toMatch(/maximum depth/);
    expect(evaluationError('reduce range(100) as $i (null; [.])', null, small)).toMatch(/nesting depth of 50/);
    expect(small.compile('[range(100)] | length', []).evaluate(null, {})).toEqual([100]);
  });

  it('limits are per evaluation, and try cannot catch them', () => {
    const small = createNativeJqEngine({ maxSteps: 5_000 });
    const compiled = small.compile('[range(3000)] | length', []);
    for (let i = 0; i < 3; i++) expect(compiled.evaluate(null, {})).toEqual([3000]);
    expect(evaluationError('try ([range(100000)] | length) catch "caught"', null, small)).toMatch(/steps/);
  });

  it('prints non-finite numbers as jq does and keeps object key order', () => {
    expect(run('[infinite, -infinite, nan]')).toEqual([[Number.MAX_VALUE, -Number.MAX_VALUE, null]]);
    expect(run('{b: 1, a: 2} | keys_unsorted, tojson')).toEqual([['b', 'a'], '{"b":1,"a":2}']);
    expect(run('1e1000 | tostring')).toEqual(['1.7976931348623157e+308']);
  });

  it('compiles once and evaluates independently many times', () => {
    const compiled = engine.compile('.n as $n | [range($n)] | map(. * $n) | add', []);
    expect([1, 2, 3, 4].map((n) => compiled.evaluate({ n }, {})[0])).toEqual([0, 2, 9, 24]);
  });

  it('a program compiled again (each run of a document compiles its own) binds the variables it is given this time', () => {
    const fresh = createNativeJqEngine();
    expect(fresh.compile('$a + 1', ['a']).evaluate(null, { a: 1 })).toEqual([2]);
    expect(fresh.compile('$a + 1', ['b', 'a']).evaluate(null, { a: 10, b: 0 })).toEqual([11]);
    expect(() => fresh.compile('$a + 1', [])).toThrow(ExpressionSyntaxError);
    expect(fresh.compile('$a + 1', ['a']).evaluate(null, { a: 5 })).toEqual([6]);
  });
});

describe('native jq engine: regular expressions match in linear time', () => {
  const subject = `${'a'.repeat(10_000)}b`;

  it('answers catastrophic-backtracking patterns on 10,000 characters', () => {
    expect(run('test("(a+)+$")', subject)).toEqual([false]);
    expect(run('test("^(([a-z])+.)+[A-Z]([a-z])+$")', subject)).toEqual([false]);
    expect(run('[match("(a|aa)*b"; "g")] | map(.length)', subject)).toEqual([[10_001]]);
  });

  it('refuses backreferences and lookaround with an error naming the pattern, which `try` can catch', () => {
    expect(evaluationError('test("(a)\\\\1")', 'aa')).toMatch(/\(a\)\\1 .*is not a valid regex.*backreferences, lookahead and lookbehind are not supported/);
    expect(evaluationError('test("a(?=b)")', 'ab')).toMatch(/a\(\?=b\) .*is not a valid regex.*not supported/);
    expect(run('try test("a(?<=b)") catch "refused"', 'ab')).toEqual(['refused']);
  });
});
