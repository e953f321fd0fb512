import fc from 'fast-check';
import type { Json } from '../../src/core/json.ts';

/**
 * Random jq programs from a grammar of what workflow expressions use: paths, pipes, arithmetic,
 * comparisons, construction, common builtins, conditionals, reduce, `//`, try and bindings.
 * `$x` is always bound (programs are wrapped in `. as $x | ...`).
 */
const KEYS = ['a', 'b', 'c', 'name', 'tags'];

const atom = fc.oneof(
  fc.constantFrom('.', '.a', '.b', '.c', '.name', '.tags', '.a.b', '.[0]', '.[1]', '.[-1]', '.[]?', '.a[]?', '.[1:]', '.[:2]', '$x', '.tags[0]'),
  fc.constantFrom('null', 'true', 'false', '[]', '{}', '""', '"a,b"', '"Hello"', '"x"', '0', '1', '2', '3', '10', '-1', '0.5', '[1,2]', '{"a":1}'),
);

const unary = fc.constantFrom(
  'length', 'keys', 'keys_unsorted', 'to_entries', 'add', 'sort', 'unique', 'tostring', 'tojson', 'type',
  'ascii_downcase', 'ascii_upcase', 'reverse', 'not', 'min', 'max', 'flatten', 'first', 'last', 'floor',
  'values', 'has("a")', 'has(0)', 'split(",")', 'join(",")', 'tonumber', 'any', 'all', 'from_entries',
  'paths', '[paths]', 'to_entries | from_entries', 'abs', 'ltrimstr("a")', 'startswith("H")', 'test("a")',
  'explode', 'implode', 'utf8bytelength', 'fromjson', 'isempty(.[]?)', 'splits(",")', 'del(.a)',
  'del(.[0])', 'with_entries(.value |= tostring)', 'map_values(. + 1)', 'indices(1)', 'index(",")', 'contains("a")',
  'inside("abc")', 'getpath(["a","b"])', 'tostream', 'combinations', 'transpose', 'min_by(.a)',
  'max_by(length)', 'walk(if type == "number" then . + 1 else . end)', '@base64', '@csv', '@html', '@uri', '@sh',
  '@json', '@text', 'ascii_downcase | ltrimstr("h")', 'limit(2; .[]?)', 'first(.[]?)', 'range(3)', 'sqrt',
  'infinite', 'nan | isnan', 'splits("a")', 'sub("a"; "b")', 'gsub("[ab]"; "X")', 'trim', 'format("csv")',
);

const binop = fc.constantFrom('+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', 'and', 'or', '//', '|', ',');

/** Path expressions: what `path(...)`, `del(...)` and assignments accept. */
const pathArbitrary: fc.Arbitrary<string> = fc.letrec<{ p: string }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    fc.constantFrom('.', '.a', '.b', '.[0]', '.[-1]', '.[]?', '.a.b', '.[1:]', '..', 'first(.[]?)', 'getpath(["a","b"])', '.tags[0]'),
    fc.tuple(tie('p'), tie('p')).map(([a, b]) => `${a} | ${b}`),
    fc.tuple(tie('p'), tie('p')).map(([a, b]) => `(${a}, ${b})`),
    tie('p').map((a) => `select(${a} | type == "number")`),
    fc.tuple(tie('p'), tie('p')).map(([a, b]) => `if .a then ${a} else ${b} end`),
    fc.tuple(tie('p'), tie('p')).map(([a, b]) => `(${a} // ${b})`),
    tie('p').map((a) => `(${a})?`),
  ),
})).p;

export const expressionArbitrary: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', maxDepth: 4, withCrossShrink: true },
    atom,
    unary,
    fc.tuple(tie('e'), binop, tie('e')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    tie('e').map((e) => `[${e}]`),
    fc.tuple(fc.constantFrom(...KEYS), tie('e')).map(([k, e]) => `{${k}: ${e}}`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `{a: ${a}, b: (${b})}`),
    tie('e').map((e) => `map(${e})`),
    tie('e').map((e) => `select(${e})`),
    tie('e').map((e) => `sort_by(${e})`),
    tie('e').map((e) => `group_by(${e})`),
    tie('e').map((e) => `unique_by(${e})`),
    tie('e').map((e) => `any(${e})`),
    tie('e').map((e) => `(${e})?`),
    tie('e').map((e) => `try ${wrap(e)}`),
    tie('e').map((e) => `try ${wrap(e)} catch .`),
    tie('e').map((e) => `(.a |= ${wrap(e)})`),
    tie('e').map((e) => `(.b += ${wrap(e)})`),
    pathArbitrary.map((p) => `path(${p})`),
    pathArbitrary.map((p) => `[paths] | length`.replace('paths', `path(${p})`)),
    pathArbitrary.map((p) => `del(${p})`),
    fc.tuple(pathArbitrary, tie('e')).map(([p, e]) => `((${p}) |= ${wrap(e)})`),
    fc.tuple(pathArbitrary, tie('e')).map(([p, e]) => `((${p}) = ${wrap(e)})`),
    tie('e').map((e) => `"s\\(${e})e"`),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([c, t, f]) => `if ${c} then ${t} else ${f} end`),
    fc.tuple(tie('e'), tie('e')).map(([c, t]) => `if ${c} then ${t} end`),
    fc.tuple(tie('e'), tie('e')).map(([init, upd]) => `reduce .[]? as $x (${init}; ${upd})`),
    fc.tuple(tie('e'), tie('e')).map(([init, upd]) => `[foreach .[]? as $x (${init}; ${upd})]`),
    fc.tuple(tie('e'), tie('e')).map(([src, body]) => `(${src} as $x | ${body})`),
    fc.tuple(tie('e'), tie('e')).map(([src, body]) => `(${src} as [$x, $y] | [$y, ${body}])`),
    tie('e').map((e) => `(. as {a: $x} | ${e})`),
    tie('e').map((e) => `-(${e})`),
    tie('e').map((e) => `[limit(3; ${e})]`),
    tie('e').map((e) => `first(${e})`),
    fc.tuple(tie('e'), unary).map(([e, u]) => `(${e} | ${u})`),
  ),
})).e;

function wrap(e: string): string {
  return `(${e})`;
}

const scalar = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, 1, 2, -3, 0.5, 10, 100, '', 'a', 'b,c', 'Hello World', 'abc', 'ÅB', '1', '2.5'),
  fc.integer({ min: -20, max: 20 }),
  fc.string({ maxLength: 6 }),
);

export const jsonArbitrary: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    scalar,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('v'), { maxKeys: 4 }),
  ),
})).v;
