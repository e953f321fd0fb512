import type { Json, JsonObject } from './json.ts';

/**
 * Side effects described as plain JSON: the core resolves every expression into one of these,
 * then the host performs it (in-process, or as a Temporal activity whose input is this object,
 * so history shows exactly what was done).
 */
export type EffectRequest = HttpEffect | OpenApiEffect | EmitEffect;

export type HttpOutputMode = 'content' | 'response' | 'raw';

export type ResolvedAuthentication =
  | { basic: { username: string; password: string } }
  | { bearer: { token: string } };

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

export interface EmitEffect {
  kind: 'emit';
  /** The complete CloudEvent to publish; the task's output is this event. */
  event: JsonObject;
}

export interface EffectOptions {
  /** The task's JSON Pointer: the Temporal activity summary and the log context. */
  summary: string;
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
