import type { Json, JsonObject } from './json.ts';
import type { TaskInstance } from './progress.ts';

/**
 * Side effects described as plain JSON: the core resolves every expression into one of these,
 * then the host performs it (in-process, or as a Temporal activity whose input is this object,
 * so history shows exactly what was done).
 */
export type EffectRequest = HttpEffect | OpenApiEffect | EmitEffect | RunShellEffect | RunScriptEffect | RunContainerEffect | RunWorkflowEffect | CallProtocolEffect;

export type HttpOutputMode = 'content' | 'response' | 'raw';

/**
 * A value the Node-side performer resolves: a literal, or a reference to an operator secret
 * (`name` or `name.field`), so secret values never enter effect requests (Temporal history).
 */
export type SecretText = string | SecretReference;
export interface SecretReference {
  secret: string;
}

export function isSecretReference(value: unknown): value is SecretReference {
  return typeof value === 'object' && value !== null && typeof (value as SecretReference).secret === 'string' && Object.keys(value).length === 1;
}

export interface UserCredentials {
  username: SecretText;
  password: SecretText;
}

/** OAuth2 / OpenID Connect settings (spec `oauth2` / `oidc`), with expressions evaluated and secrets as references. */
export interface OAuth2Settings {
  /** oauth2: the authority base URI; oidc: the issuer URI or its `/.well-known/openid-configuration`. */
  authority: string;
  grant: string;
  /** oauth2 only: token endpoint path relative to the authority (default `/oauth2/token`). */
  tokenEndpoint?: string;
  client?: { id?: SecretText; secret?: SecretText; assertion?: SecretText; authentication?: string };
  encoding?: 'application/x-www-form-urlencoded' | 'application/json';
  issuers?: string[];
  scopes?: string[];
  audiences?: string[];
  username?: SecretText;
  password?: SecretText;
  subject?: { token: SecretText; type: string };
  actor?: { token: SecretText; type: string };
}

/** An authentication policy as the performer needs it; a bare reference means "the whole policy is this secret" (`use: secretName`). */
export type ResolvedAuthentication =
  | { basic: UserCredentials | SecretReference }
  | { bearer: { token: SecretText } | SecretReference }
  | { digest: UserCredentials | SecretReference }
  | { oauth2: OAuth2Settings | SecretReference }
  | { oidc: OAuth2Settings | SecretReference };

export interface HttpEffect {
  kind: 'http';
  method: string;
  /** Absolute URI, templates already expanded. */
  uri: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  body?: Json;
  output: HttpOutputMode;
  /** When true, 3xx responses are not errors (and are not followed). */
  redirect: boolean;
  authentication?: ResolvedAuthentication;
}

export interface OpenApiEffect {
  kind: 'openapi';
  /** Where the OpenAPI document is read from (URL or file path). */
  document: string;
  documentAuthentication?: ResolvedAuthentication;
  operationId: string;
  parameters: JsonObject;
  output: HttpOutputMode;
  redirect: boolean;
  authentication?: ResolvedAuthentication;
}

/** Requests of the call protocols beyond HTTP and OpenAPI. */
export type CallProtocolEffect = GrpcEffect | AsyncApiPublishEffect | AsyncApiSubscribeEffect | AsyncApiReceiveEffect | AsyncApiUnsubscribeEffect | A2aEffect | McpEffect;

/** `call: grpc`: a dynamic client built from the proto; server-streaming methods output an array. */
export interface GrpcEffect {
  kind: 'grpc';
  /** Where the proto file is read from (file path, `file:` or http(s) URL). */
  proto: string;
  /** Fully qualified service name, e.g. `greeter.Greeter`. */
  service: string;
  host: string;
  port?: number;
  method: string;
  arguments: JsonObject;
  authentication?: ResolvedAuthentication;
}

/** Which AsyncAPI operation, on which server: shared by publish and subscribe. */
export interface AsyncApiTarget {
  /** Where the AsyncAPI document is read from (file path, `file:` or http(s) URL). */
  document: string;
  /** AsyncAPI 3 operation name. */
  operation?: string;
  /** AsyncAPI 2.6 channel name. */
  channel?: string;
  server?: { name: string; variables: Record<string, string> };
  protocol?: string;
  authentication?: ResolvedAuthentication;
}

/** An AsyncAPI message as workflows see it. */
export interface AsyncApiMessage {
  payload?: Json;
  headers?: Record<string, string>;
  correlationId?: string;
  [key: string]: Json | undefined;
}

/** `call: asyncapi` with `message`: publishes once; the output is the message as sent. */
export interface AsyncApiPublishEffect extends AsyncApiTarget {
  kind: 'asyncapi.publish';
  message: { payload?: Json; headers: Record<string, string> };
}

/**
 * `call: asyncapi` with `subscription`: opens a subscription and answers `{ subscription: id }`.
 * The interpreter then pulls messages one by one (`asyncapi.receive`), so filters, `while`,
 * `until` and `foreach` run in the core between messages; messages arriving meanwhile are queued.
 */
export interface AsyncApiSubscribeEffect extends AsyncApiTarget {
  kind: 'asyncapi.subscribe';
}

/** The next message of an open subscription, or null when none came within `timeoutMs` or the stream ended. */
export interface AsyncApiReceiveEffect {
  kind: 'asyncapi.receive';
  subscription: string;
  timeoutMs?: number;
}

export interface AsyncApiUnsubscribeEffect {
  kind: 'asyncapi.unsubscribe';
  subscription: string;
}

/** `call: a2a`: one JSON-RPC request to an A2A agent; streaming methods output the array of results. */
export interface A2aEffect {
  kind: 'a2a';
  method: string;
  /** The agent card's location; the server URL is read from it (`url`). */
  agentCard?: string;
  agentCardAuthentication?: ResolvedAuthentication;
  /** The JSON-RPC endpoint, when no agent card is given. */
  server?: string;
  authentication?: ResolvedAuthentication;
  /** The JSON-RPC params, defaults (message id) already filled in by the core. */
  parameters: Json;
}

/** `call: mcp`: initialize, then one MCP request; the output is the JSON-RPC result. */
export interface McpEffect {
  kind: 'mcp';
  protocolVersion: string;
  method: string;
  parameters: JsonObject;
  transport:
    | { http: { endpoint: string; headers: Record<string, string>; authentication?: ResolvedAuthentication } }
    | { stdio: { command: string; arguments: string[]; environment: Record<string, string> } };
  client: { name: string; version: string };
  timeoutMs?: number;
}

export interface EmitEffect {
  kind: 'emit';
  /** The complete CloudEvent to publish; the task's output is this event. */
  event: JsonObject;
}

export interface EffectOptions {
  /** The task's JSON Pointer: the Temporal activity summary and the log context. */
  summary: string;
  /** The task instance performing the effect: the parent of the effect's span in a trace. */
  task: TaskInstance;
}

/**
 * The HTTP response shape of `output: response` (spec "HTTP Response").
 */
export interface HttpResponseOutput {
  request: { method: string; uri: string; headers: Record<string, string> };
  statusCode: number;
  headers: Record<string, string>;
  content?: Json;
  [key: string]: Json | undefined;
}

/** What a `run` task outputs (spec `run.return`); `all` is `{ code, stdout, stderr }`. */
export type ProcessReturn = 'stdout' | 'stderr' | 'code' | 'all' | 'none';

/** Fields every process effect shares. `argv` items are passed as separate arguments, never through a shell string. */
export interface ProcessEffectBase {
  argv: string[];
  stdin?: string;
  /** Extra environment variables for the process (on top of a minimal inherited set); secrets stay references. */
  environment: Record<string, SecretText>;
  return: ProcessReturn;
  /** When false the process is started and left running; the effect resolves with null at once. */
  await: boolean;
}

/** `run: shell`: `/bin/sh -c command sh ...argv`, so arguments are `$1`, `$2`… inside the command. */
export interface RunShellEffect extends ProcessEffectBase {
  kind: 'run.shell';
  command: string;
}

/** `run: script`: the code (or the source it is read from) runs in a separate `node` or `python3` process. */
export interface RunScriptEffect extends ProcessEffectBase {
  kind: 'run.script';
  language: 'js' | 'python';
  code?: string;
  /** Where the code is read from: a file path, a `file:` URL or an http(s) URL. */
  source?: string;
}

/** `run: container`: a `docker run` invocation (or any docker-compatible CLI). */
export interface RunContainerEffect extends ProcessEffectBase {
  kind: 'run.container';
  image: string;
  /** Container name (spec convention `{workflow.name}-{uuid}.{workflow.namespace}-{task.name}`). */
  name: string;
  /** A shell script run as `sh -c command sh ...argv` inside the container; without it argv goes to the image's CMD. */
  command?: string;
  /** host port → container port. */
  ports: Record<string, string>;
  /** host path → container path. */
  volumes: Record<string, string>;
  pullPolicy?: 'ifNotPresent' | 'always' | 'never';
  /** `lifetime`: remove the container when it exits (`always`), never, or `eventually` after `afterMs`. */
  cleanup: 'always' | 'never' | 'eventually';
  cleanupAfterMs?: number;
}

/** `run: workflow`: a sub-workflow from the host's workflow registry; hosts run it as a child execution. */
export interface RunWorkflowEffect {
  kind: 'run.workflow';
  namespace: string;
  name: string;
  version: string;
  input: Json;
  /** When false the child is started and left running; the effect resolves with null once it started. */
  await: boolean;
}
