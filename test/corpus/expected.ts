import { expect } from 'vitest';
import { PETS } from '../fixtures/petstore-server.ts';

/**
 * Expected results of the spec's examples, written from the specification's text (v1.0.3
 * dsl-reference.md unless said otherwise) and the loopback stand-ins in corpus-server.ts.
 */
export interface CorpusRun {
  file: string;
  title: string;
  input: unknown;
  output?: unknown;
  /** For a run that must fault: the fields of the RFC 7807 error it must carry. */
  error?: Record<string, unknown>;
}

const doggie = PETS[0]!;
const notImplemented = (name: string) => ({
  type: 'https://serverlessworkflow.io/errors/not-implemented',
  status: 500,
  title: 'Not Implemented',
  detail: `The workflow '${name}:0.1.0' is a work in progress and cannot be run yet`,
  instance: '/do/0/notImplemented',
});

export const CORPUS_RUNS: readonly CorpusRun[] = [
  // call http: the default output is the response content.
  { file: 'do-single.yaml', title: 'GET the pet named by the {petId} template', input: { petId: 1 }, output: doggie },
  { file: 'call-http-endpoint-interpolation.yaml', title: 'endpoint built by an expression', input: { petId: 1 }, output: doggie },
  { file: 'call-http-endpoint-interpolation-shorthand.yaml', title: 'endpoint URI template from the input', input: { petId: 1 }, output: doggie },
  // The stand-in petstore has no pet 69: a non-2xx answer is a communication error at the function's task.
  {
    file: 'call-custom-function-inline.yaml',
    title: 'use.functions: the function runs with `with` as its input',
    input: {},
    error: { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication', status: 404, instance: '/do/0/getPet/getPetById' },
  },
  // An OpenAPI call outputs the operation's response content: findPetsByStatus(available).
  { file: 'call-openapi.yaml', title: 'findPetsByStatus', input: {}, output: PETS.filter((pet) => pet.status === 'available') },
  { file: 'call-openapi-redirect.yaml', title: 'findPetsByStatus, redirect: true', input: {}, output: PETS.filter((pet) => pet.status === 'available') },
  { file: 'call-http-query-parameters.yaml', title: 'query from an expression', input: { searchQuery: 'luke' }, output: { count: 1, results: [{ name: 'Luke Skywalker' }], accept: expect.any(String) } },
  { file: 'call-http-redirect.yaml', title: 'redirect: true', input: { searchQuery: 'luke' }, output: { count: 1, results: [{ name: 'Luke Skywalker' }], accept: expect.any(String) } },
  { file: 'call-http-query-headers-expressions.yaml', title: 'headers and query as expressions', input: { searchQuery: 'sky' }, output: { count: 1, results: [{ name: 'Luke Skywalker' }], accept: 'application/json' } },
  // output: response gives {request, statusCode, headers, content}; export.as puts the homeworld in $context.
  { file: 'star-wars-homeworld.yaml', title: 'export.as carries a value to a later task', input: { id: 1 }, output: { name: 'Tatooine', climate: 'arid' } },
  { file: 'authentication-bearer.yaml', title: 'bearer token from an expression', input: { token: 'secret-token' }, output: doggie },
  { file: 'authentication-bearer-uri-format.yaml', title: 'bearer token, templated URI', input: { token: 'secret-token', petId: 1 }, output: doggie },
  { file: 'authentication-reusable.yaml', title: 'use.authentications by name', input: { token: 'secret-token', petId: 1 }, output: doggie },
  // "Using a Custom Function" (dsl.md): called by the URL of its function.yaml, fetched like a catalog's.
  { file: 'call-custom-function-cataloged.yaml', title: 'custom function by URL from a loopback catalog', input: {}, output: { logged: '[information] Hello, world!' } },
  // if: a false condition skips the task; raise faults with the error as written.
  {
    file: 'conditional-task.yaml',
    title: 'an adult places the bet (strict mode: `.customer` in the body is a literal)',
    input: { customer: { age: 30 }, bet: { on: 'home' } },
    output: { accepted: true, bet: { customer: '.customer', bet: '.bet' } },
  },
  {
    file: 'conditional-task.yaml',
    title: 'an underage customer raises access-forbidden',
    input: { customer: { age: 16 } },
    error: { type: 'https://superbet-casinos.com/customer/access-forbidden', status: 400, title: 'Access Forbidden', instance: '/do/0/raiseErrorIfUnderage' },
  },
  // emit: the task output is the emitted CloudEvent (CTK emit.feature).
  {
    file: 'emit.yaml',
    title: 'the output is the emitted event',
    input: {},
    output: expectEvent({ source: 'https://petstore.com', type: 'com.petstore.order.placed.v1', data: { client: { firstName: 'Cruella', lastName: 'de Vil' }, items: [{ breed: 'dalmatian', quantity: 101 }] } }),
  },
  // fork compete: the first branch to complete sets the output.
  { file: 'fork.yaml', title: 'compete: the nurse answers first', input: { patient: { fullName: 'John Doe' }, room: { number: 42 } }, output: { alerted: 'nurse', patient: 'John Doe' } },
  { file: 'raise-inline.yaml', title: 'raise an inline error', input: {}, error: notImplemented('raise-not-implemented') },
  { file: 'raise-reusable.yaml', title: 'raise a use.errors error', input: {}, error: notImplemented('raise-not-implemented') },
  { file: 'set.yaml', title: 'set from $workflow.input', input: [{ id: 'e1' }], output: { startEvent: { id: 'e1' } } },
  { file: 'set-expression.yaml', title: 'set as one expression', input: [{ id: 'e1' }], output: { id: 'e1' } },
  { file: 'switch-then-string.yaml', title: 'electronic order', input: { orderType: 'electronic' }, output: { validate: true, status: 'fulfilled' } },
  { file: 'switch-then-string.yaml', title: 'physical order', input: { orderType: 'physical' }, output: { inventory: 'clear', items: 1, address: 'Elmer St' } },
  { file: 'switch-then-string.yaml', title: 'default case', input: { orderType: 'drone' }, output: { log: 'warn', message: "something's wrong" } },
  // A caught error without catch.do: the try task outputs its input.
  { file: 'try-catch.yaml', title: 'a 404 is caught (error type matched by its last segment across domains)', input: { petId: 404 }, output: { petId: 404 } },
  {
    file: 'try-catch-then.yaml',
    title: 'catch.do runs with $error; buyPet is skipped by its if (strict mode: `$error` unenclosed is a literal)',
    input: { petId: 404 },
    output: { error: '$error' },
  },
  { file: 'try-catch-then.yaml', title: 'no error: buyPet puts the pet with status sold', input: { petId: 1 }, output: { ...doggie, status: 'sold' } },
  // Spec main's catch.then: after the catch the flow goes to the named task.
  { file: 'try-catch-then-directive.yaml', title: 'a 503 is caught and catch.then jumps to recordFailure', input: {}, output: { status: 'failed' } },
  // for.in as an inline array (spec main): each item bound to $color, in order.
  {
    file: 'for-inline-array.yaml',
    title: 'iterates an inline array',
    input: { processed: [] },
    output: { processed: [{ name: 'red', hex: '#FF0000' }, { name: 'green', hex: '#00FF00' }, { name: 'blue', hex: '#0000FF' }] },
  },
  // The extension's `when` pipes the call's endpoint into startswith, but this example's endpoint is
  // an object ({uri}): jq's startswith requires a string, so evaluating it is an expression error.
  {
    file: 'mock-service-extension.yaml',
    title: "the extension's when is an expression error on an endpoint object",
    input: {},
    error: { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/expression', status: 400 },
  },
  // run shell: the default return is stdout (Cairn drops one final newline, docs/semantics.md).
  { file: 'run-shell-stdin-and-arguments.yaml', title: 'stdin and arguments reach the shell', input: {}, output: 'STDIN was: Hello World\nARGS are Foo Bar' },
  // run script, language js (spec main's name): console.log writes its arguments separated by a space.
  { file: 'run-script-with-stdin-and-arguments.yaml', title: 'stdin, argv and environment reach the script', input: {}, output: 'stdin >  Hello Workflow\narg >  hello\nenv >  bar' },
  { file: 'do-multiple.yaml', title: 'GET the pet, then PUT it back sold', input: { petId: 1 }, output: { ...doggie, status: 'sold' } },
];

function expectEvent(fields: Record<string, unknown>): unknown {
  return expect.objectContaining(fields);
}

/** Examples the suite validates but does not run, and why. */
export const NOT_RUN: Readonly<Record<string, string>> = {
  'accumulate-room-readings.yaml': 'waits for events from a sensor bus and calls an OpenAPI service it names but does not define',
  'authentication-oauth2.yaml': 'needs an OAuth2 authorization server',
  'authentication-oauth2-secret.yaml': 'needs an OAuth2 authorization server and operator secrets',
  'authentication-oidc.yaml': 'needs an OpenID Connect provider',
  'authentication-oidc-secret.yaml': 'needs an OpenID Connect provider and operator secrets',
  'call-asyncapi-publish.yaml': 'needs an AsyncAPI broker',
  'call-asyncapi-subscribe-consume-amount.yaml': 'needs an AsyncAPI broker',
  'call-asyncapi-subscribe-consume-forever-foreach.yaml': 'needs an AsyncAPI broker',
  'call-asyncapi-subscribe-consume-until.yaml': 'needs an AsyncAPI broker',
  'call-asyncapi-subscribe-consume-while.yaml': 'needs an AsyncAPI broker',
  'call-grpc.yaml': 'needs a gRPC service',
  'call-mcp.yaml': 'needs an MCP server',
  'for.yaml': 'waits for pet-clinic events',
  'listen-to-all read-envelope.yaml': 'waits for events',
  'listen-to-all.yaml': 'waits for events',
  'listen-to-any-filter.yaml': 'waits for events',
  'listen-to-any-forever-foreach.yaml': 'listens forever',
  'listen-to-any-until-condition.yaml': 'waits for events',
  'listen-to-any-until-consumed.yaml': 'waits for events',
  'listen-to-any.yaml': 'waits for events',
  'listen-to-one.yaml': 'waits for events',
  'run-container-cleanup-always.yaml': 'needs a container runtime',
  'run-container-cleanup-eventually.yaml': 'needs a container runtime',
  'run-container-stdin-and-arguments.yaml': 'needs a container runtime',
  'run-container-with-name.yaml': 'needs a container runtime',
  'run-container-with-pull-policy.yaml': 'needs a container runtime',
  'run-container.yaml': 'needs a container runtime',
  'run-return-all.yaml': 'needs a container runtime',
  'run-return-code.yaml': 'needs a container runtime',
  'run-return-none.yaml': 'needs a container runtime',
  'run-return-stderr.yaml': 'needs a container runtime',
  'run-subflow.yaml': 'needs the workflow test/register-customer, which the examples do not define',
  'schedule-cron.yaml': 'a cron schedule starts it (cairn serve), not a run',
  'schedule-event-driven.yaml': 'an event starts it (cairn serve), not a run',
  'try-catch-retry-inline.yaml': 'retries with a 3-second exponential backoff up to 5 times (tens of seconds)',
  'try-catch-retry-reusable.yaml': 'retries with a 3-second exponential backoff up to 5 times (tens of seconds)',
  'wait-duration-inline.yaml': 'waits 30 seconds',
  'wait-duration-iso8601.yaml': 'waits 30 seconds',
};
