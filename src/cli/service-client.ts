import type { Command } from '@commander-js/extra-typings';
import type { WorkflowStatus } from '../core/events.ts';
import type { Json, JsonObject } from '../core/json.ts';
import { parseTraceparent } from '../core/trace-context.ts';
import { EXIT } from './exit-codes.ts';
import { localApiToken } from './data-dir.ts';

/** Port `cairn serve` listens on by default. */
export const DEFAULT_SERVICE_PORT = 8420;
export const DEFAULT_SERVICE_URL = `http://127.0.0.1:${DEFAULT_SERVICE_PORT}`;

/** The service could not be reached (connection refused, reset, DNS, timeout): exit code 4. */
export class ServiceUnavailableError extends Error {
  constructor(url: string, cause: unknown) {
    super(`cannot reach the Cairn service at ${url}: ${describeCause(cause)}`);
    this.name = 'ServiceUnavailableError';
  }
}

/** The service answered with an error status; `body` is its JSON error when it sent one. */
export class ServiceHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json | undefined,
    what: string,
  ) {
    super(`${what}: HTTP ${status}${errorMessage(body)}`);
    this.name = 'ServiceHttpError';
  }
}

function describeCause(cause: unknown): string {
  const inner = (cause as { cause?: { code?: string; message?: string } })?.cause;
  return inner?.code ?? inner?.message ?? (cause as Error)?.message ?? String(cause);
}

function errorMessage(body: Json | undefined): string {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const text = body.message ?? body.detail ?? body.title;
    if (typeof text === 'string') return `: ${text}`;
  }
  return '';
}

export interface ServiceClientOptions {
  url: string;
  token?: string;
}

/** One Server-Sent Events message. */
export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

/** Splits an SSE byte stream into messages (the WHATWG event-stream format: `field: value` lines, blank line ends a message). */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = '';
  let message: { id?: string; event?: string; data: string[] } = { data: [] };
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
      if (line === '') {
        if (message.data.length > 0) yield { ...(message.id !== undefined ? { id: message.id } : {}), event: message.event ?? 'message', data: message.data.join('\n') };
        message = { data: [] };
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') message.data.push(value);
      else if (field === 'id') message.id = value;
      else if (field === 'event') message.event = value;
    }
  }
}

/**
 * A caller's trace context in the environment (OpenTelemetry's carrier for processes), as a header:
 * what the command asks of the service (an execution it starts, above all) continues that trace, as `cairn run` does.
 */
function callerTrace(): Record<string, string> {
  const traceparent = process.env.TRACEPARENT?.trim();
  return traceparent && parseTraceparent(traceparent) ? { traceparent } : {};
}

/** A thin client of the execution service's HTTP/JSON API, for the `cairn` commands. */
export class ServiceClient {
  readonly url: string;
  private readonly token: string | undefined;

  constructor(options: ServiceClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.token = options.token;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { accept: 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...callerTrace(), ...extra };
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await fetch(`${this.url}${path}`, { ...init, headers: { ...this.headers(), ...(init.headers as Record<string, string> | undefined) } });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ServiceUnavailableError(this.url, error);
    }
  }

  async request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      init.headers = { 'content-type': contentType };
    }
    const response = await this.fetch(path, init);
    const text = await response.text();
    let parsed: Json | undefined;
    try {
      parsed = text ? (JSON.parse(text) as Json) : undefined;
    } catch {
      parsed = text;
    }
    if (!response.ok) throw new ServiceHttpError(response.status, parsed, `${method} ${path}`);
    return parsed as T;
  }

  listExecutions(filter: { namespace?: string; name?: string; status?: string; idPrefix?: string; limit?: number; cursor?: string }): Promise<{ items: ExecutionRecord[]; nextCursor?: string }> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) if (value !== undefined) query.set(key, String(value));
    return this.request('GET', `/v1/executions${query.size ? `?${query}` : ''}`);
  }

  getExecution(id: string): Promise<ExecutionSnapshot> {
    return this.request('GET', `/v1/executions/${encodeURIComponent(id)}`);
  }

  /** Fills in `input`/`output` the service stored by reference (`inputUri`/`outputUri` paths of its own), fetching each value once. */
  async withStoredValues<T extends object>(record: T): Promise<T> {
    const fields = record as Record<string, unknown>;
    const filled: Record<string, unknown> = { ...fields };
    for (const field of ['input', 'output'] as const) {
      const uri = fields[`${field}Uri`];
      if (fields[field] === undefined && typeof uri === 'string' && STORED_VALUE_PATH.test(uri)) filled[field] = await this.request<Json>('GET', uri);
    }
    return filled as T;
  }

  controlExecution(id: string, action: 'cancel' | 'suspend' | 'resume', reason?: string): Promise<ExecutionRecord> {
    return this.request('POST', `/v1/executions/${encodeURIComponent(id)}/${action}`, reason ? { reason } : {});
  }

  startExecution(body: { workflow?: { namespace: string; name: string; version?: string }; document?: string; input?: Json }): Promise<ExecutionRecord> {
    return this.request('POST', '/v1/executions', body);
  }

  sendEvents(events: JsonObject | JsonObject[]): Promise<Json> {
    return this.request('POST', '/v1/events', events, Array.isArray(events) ? 'application/cloudevents-batch+json' : 'application/cloudevents+json');
  }

  registerWorkflow(document: string): Promise<Json> {
    return this.request('POST', '/v1/workflows', { document });
  }

  listWorkflows(): Promise<{ items: WorkflowSummary[] }> {
    return this.request('GET', '/v1/workflows');
  }

  listSchedules(): Promise<{ items: ScheduleRecord[] }> {
    return this.request('GET', '/v1/schedules');
  }

  /** Opens the execution's event stream after `lastEventId` (SSE `Last-Event-ID`). */
  async openEventStream(id: string, lastEventId: string | undefined, signal: AbortSignal): Promise<AsyncGenerator<SseMessage>> {
    const headers: Record<string, string> = { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) };
    const response = await this.fetch(`/v1/executions/${encodeURIComponent(id)}/events`, { headers, signal });
    if (!response.ok || !response.body) {
      const text = await response.text().catch(() => '');
      let body: Json | undefined;
      try {
        body = JSON.parse(text) as Json;
      } catch {
        body = text;
      }
      throw new ServiceHttpError(response.status, body, `GET /v1/executions/${id}/events`);
    }
    return readSse(response.body);
  }
}

/** The service's own path of a value it stored by reference. */
const STORED_VALUE_PATH = /^\/v1\/executions\/[^/]+\/values\/[0-9a-f]{64}$/;

export interface ExecutionRecord {
  id: string;
  workflow: { namespace: string; name: string; version: string };
  status: WorkflowStatus;
  output?: Json;
  outputUri?: string;
  error?: JsonObject;
  createdAt: string;
  updatedAt: string;
  lastSeq: number;
  /** What started it when no client did (`schedule.every`, …). */
  trigger?: string;
  /** Set for a `run: workflow` child: the execution and task that started it. */
  parentExecutionId?: string;
  parentTask?: string;
  /** The reason given with the cancel request. */
  cancelReason?: string;
}

/** An armed schedule of a registered workflow (`GET /v1/schedules`). */
export interface ScheduleRecord {
  workflow: { namespace: string; name: string; version: string };
  kind: string;
  schedule: JsonObject;
  nextFireAt?: string;
  waitingFor?: string;
  pendingEvents?: number;
}

export interface ExecutionSnapshot {
  execution: ExecutionRecord;
  tasks: JsonObject[];
}

export interface WorkflowSummary {
  namespace: string;
  name: string;
  versions: string[];
  latest: string;
}

/**
 * A subcommand that talks to the service: `--service URL` (default `$CAIRN_SERVICE` or the local
 * default) and `--token` (default `$CAIRN_TOKEN`, else the token a local `cairn serve` wrote in its
 * data directory).
 */
export function serviceCommand(parent: Command, name: string) {
  return parent
    .command(name)
    .option('--service <url>', 'URL of the Cairn service', process.env.CAIRN_SERVICE ?? DEFAULT_SERVICE_URL)
    .option('--token <token>', 'API token (default: $CAIRN_TOKEN, else the local service\'s <data>/api-token)');
}

export function clientFrom(options: { service: string; token?: string }): ServiceClient {
  const token = options.token ?? process.env.CAIRN_TOKEN ?? localApiToken();
  return new ServiceClient({ url: options.service, ...(token ? { token } : {}) });
}

/**
 * Runs a service command and turns failures into exit codes: 4 when the service cannot be
 * reached or fails (5xx), 2 when it rejects the request (4xx: bad input, unknown id, bad token).
 */
export async function runServiceCommand(name: string, action: () => Promise<number | void>): Promise<void> {
  try {
    process.exitCode = (await action()) ?? EXIT.ok;
  } catch (error) {
    if (error instanceof ServiceUnavailableError) {
      process.stderr.write(`cairn ${name}: ${error.message}\n`);
      process.exitCode = EXIT.unavailable;
    } else if (error instanceof ServiceHttpError) {
      process.stderr.write(`cairn ${name}: ${error.message}\n`);
      process.exitCode = error.status >= 500 ? EXIT.unavailable : EXIT.invalid;
    } else if (error instanceof Error && error.name === 'ArgumentError') {
      process.stderr.write(`cairn ${name}: ${error.message}\n`);
      process.exitCode = EXIT.invalid;
    } else {
      throw error;
    }
  }
}
