import fc from 'fast-check';
import type { Json, JsonObject } from '../../src/core/json.ts';
import type { WorkflowDocument } from '../../src/core/model.ts';

/**
 * Random but schema-plausible workflow documents for the interpreter property test: task lists of
 * set/switch/for/fork/try/raise/do/wait with random expressions (some failing, some referring to
 * unknown variables), flow directives (some naming no task, some jumping backwards), named
 * `use` references (some undefined) and short waits and timeouts.
 */
const TASK_NAMES = ['a', 'b', 'c', 'd'] as const;

/** fc.record leaves optional keys out (never `undefined`), so its objects are JSON objects. */
function jsonRecord<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<JsonObject> {
  return arbitrary as unknown as fc.Arbitrary<JsonObject>;
}

/** Mostly well-behaved values, sometimes a risky one: documents should run several tasks deep before faulting. */
function mostly<A, B>(safe: fc.Arbitrary<A>, risky: fc.Arbitrary<B>): fc.Arbitrary<A | B> {
  const either: fc.Arbitrary<A | B>[] = [safe, risky];
  return fc.oneof({ arbitrary: either[0]!, weight: 6 }, { arbitrary: either[1]!, weight: 1 });
}

const expression = mostly(
  fc.constantFrom(
    '${ . }',
    '${ .n? }',
    '${ {n: ((.n? // 0) + 1)} }',
    '${ .items? // [] }',
    '${ $context }',
    '${ $input }',
    '${ (.n? // 0) > 1 }',
    '${ [1, 2] }',
    '${ {} }',
    '${ $workflow.id }',
    '${ $task.name }',
    '${ $runtime.name }',
    '${ "text" }',
    '${ $context.n // 0 }',
    '${ $secrets.key }',
    '${ null }',
    'plain text',
  ),
  fc.constantFrom(
    '${ .a }',
    '${ .a + 1 }',
    '${ .items[0] }',
    '${ error("generated failure") }',
    '${ keys }',
    '${ $item }',
    '${ $index }',
    '${ $error }',
    '${ .missing.deeper }',
    '${ .[] }',
    '${ empty }',
    '${ tostring }',
    '${ .x + }',
  ),
);

const condition = mostly(
  fc.constantFrom('${ (.n? // 0) > 1 }', '${ ($context.n? // 0) < 3 }', '${ true }', '${ false }', '${ null }', '.a? == null'),
  fc.constantFrom('${ .a.b.c }', '${ error("in condition") }', '${ keys }', '${ $error.status == 503 }'),
);

const duration: fc.Arbitrary<Json> = mostly(
  fc.oneof(fc.record({ milliseconds: fc.integer({ min: 0, max: 5 }) }), fc.constantFrom('PT0.001S', 'PT0.005S', 'PT0S', '${ "PT0.002S" }', '${ {milliseconds: 3} }')),
  fc.constantFrom('${ .n }', 'P1M', 'bogus', '${ error("bad") }'),
);

const directive = fc.oneof(
  { arbitrary: fc.constant('continue'), weight: 6 },
  { arbitrary: fc.constantFrom('exit', 'end'), weight: 2 },
  { arbitrary: fc.constantFrom(...TASK_NAMES, 'nowhere'), weight: 1 },
);

const errorType = fc.constantFrom(
  'https://serverlessworkflow.io/spec/1.0.0/errors/runtime',
  'https://serverlessworkflow.io/spec/1.0.0/errors/communication',
  'https://serverlessworkflow.io/spec/1.0.0/errors/timeout',
  'https://example.com/errors/custom',
  '${ "https://example.com/errors/\\(.n)" }',
  '${ .a }',
);

const errorSpec = jsonRecord(fc.record(
  { type: errorType, status: fc.constantFrom(400, 401, 403, 404, 408, 500, 503), title: fc.constant('Generated'), detail: expression },
  { requiredKeys: ['type', 'status'] },
));

const retryPolicy = jsonRecord(fc.record(
  {
    delay: duration,
    backoff: fc.constantFrom({ constant: {} }, { linear: {} }, { exponential: {} }, { exponential: { factor: 3 } }),
    limit: fc.record({ attempt: fc.record({ count: fc.integer({ min: 0, max: 3 }), duration }, { requiredKeys: [] }), duration }, { requiredKeys: [] }),
    jitter: fc.record({ from: duration, to: duration }),
    when: condition,
    exceptWhen: condition,
  },
  { requiredKeys: ['limit'] },
));

const setValue: fc.Arbitrary<Json> = fc.oneof(
  expression,
  jsonRecord(fc.dictionary(fc.constantFrom('n', 'a', 'items', 'x'), fc.oneof(expression, fc.integer({ min: -2, max: 5 }), fc.constant([1, 2])), { minKeys: 1, maxKeys: 3 })),
);

const leafTask: fc.Arbitrary<JsonObject> = fc.oneof(
  { arbitrary: setValue.map((set) => ({ set })), weight: 4 },
  fc.array(
    fc.tuple(fc.constantFrom('one', 'two', 'other'), fc.record({ when: condition, then: directive }, { requiredKeys: ['then'] })),
    { minLength: 1, maxLength: 3 },
  ).map((cases) => ({ switch: cases.map(([name, switchCase]) => ({ [name]: switchCase })) })),
  mostly(errorSpec, fc.constantFrom('named', 'undefinedError')).map((error) => ({ raise: { error } })),
  { arbitrary: duration.map((wait) => ({ wait })), weight: 2 },
);

/** Each common field on about one task in six. */
function rarely(fields: Record<string, fc.Arbitrary<Json>>): fc.Arbitrary<JsonObject> {
  const entries = Object.entries(fields).map(([key, arbitrary]) =>
    fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary, weight: 1 }).map((value) => [key, value] as const),
  );
  return fc.tuple(...entries).map((pairs) => {
    const out: JsonObject = {};
    for (const [key, value] of pairs) if (value !== undefined) out[key] = value;
    return out;
  });
}

const commonFields: fc.Arbitrary<JsonObject> = rarely({
  if: condition,
  input: fc.record({ from: expression }),
  output: fc.record({ as: expression }),
  export: fc.record({ as: expression }),
  then: directive,
  timeout: mostly(fc.record({ after: duration }), fc.constantFrom('short', 'undefinedTimeout')),
});

const forIn = mostly(fc.constantFrom('${ [1, 2, 3] }', '.items? // []', '${ {x: 1, y: 2} }', '${ [] }'), expression);

function forTask(body: fc.Arbitrary<JsonObject[]>): fc.Arbitrary<JsonObject> {
  const loop = fc.record({ in: forIn, each: fc.constant('it'), at: fc.constant('i') }, { requiredKeys: ['in'] });
  return jsonRecord(fc.record({ for: loop, while: condition, do: body }, { requiredKeys: ['for', 'do'] }));
}

function tryTask(list: fc.Arbitrary<JsonObject[]>): fc.Arbitrary<JsonObject> {
  const filter = fc.record({ with: fc.record({ type: errorType, status: fc.constantFrom(500, 503, 408) }, { requiredKeys: [] }) });
  const retry = fc.oneof(retryPolicy, fc.constantFrom('quick', 'undefinedRetry'));
  const handler = fc.record(
    { errors: filter, as: fc.constantFrom('error', 'err'), when: condition, exceptWhen: condition, retry, do: list },
    { requiredKeys: [] },
  );
  return jsonRecord(fc.record({ try: list, catch: handler }));
}

const { taskList } = fc.letrec<{ taskList: JsonObject[]; task: JsonObject }>((tie) => {
  const list = tie('taskList');
  const kinds = fc.oneof(
    { maxDepth: 3, depthIdentifier: 'task' },
    leafTask,
    list.map((tasks) => ({ do: tasks })),
    forTask(list),
    fc.record({ branches: list, compete: fc.boolean() }).map((fork) => ({ fork })),
    tryTask(list),
  );
  return {
    taskList: fc
      .array(fc.tuple(fc.constantFrom(...TASK_NAMES), tie('task')), { minLength: 1, maxLength: 4 })
      .map((entries) => entries.map(([name, task]) => ({ [name]: task }))),
    task: fc.tuple(kinds, commonFields).map(([task, common]) => ({ ...task, ...common })),
  };
});

const workflowFields: fc.Arbitrary<JsonObject> = rarely({
  input: fc.record({ from: expression }),
  output: fc.record({ as: expression }),
  timeout: mostly(fc.record({ after: fc.record({ milliseconds: fc.integer({ min: 1, max: 20 }) }) }), fc.constantFrom('short', 'undefinedTimeout')),
});

export const workflowDocument: fc.Arbitrary<WorkflowDocument> = fc.tuple(taskList, workflowFields).map(
  ([list, fields]) =>
    ({
      document: { dsl: '1.0.3', namespace: 'property', name: 'generated', version: '1.0.0' },
      use: {
        errors: { named: { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime', status: 500 } },
        retries: { quick: { delay: { milliseconds: 1 }, limit: { attempt: { count: 2 } } } },
        timeouts: { short: { after: { milliseconds: 3 } } },
      },
      ...fields,
      do: list,
    }) as unknown as WorkflowDocument,
);

export const workflowInput: fc.Arbitrary<Json> = mostly(
  fc.record({
    n: fc.integer({ min: -1, max: 4 }),
    a: fc.oneof(fc.constant(null), fc.string({ maxLength: 5 }), fc.integer()),
    items: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 3 }),
  }),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);
