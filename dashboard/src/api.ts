import type { ProgressEvent, TaskStatus, WorkflowStatus } from '../../src/core/events.ts';
import type { Json, JsonObject } from '../../src/core/json.ts';

/** The execution service's HTTP/JSON API, as the dashboard (served by the same service) calls it. */
export interface WorkflowRef {
  namespace: string;
  name: string;
  version: string;
}

export interface ExecutionRecord {
  id: string;
  workflow: WorkflowRef;
  status: WorkflowStatus;
  /** Absent when the service stored it by reference (`inputUri`). */
  input?: Json;
  inputUri?: string;
  output?: Json;
  outputUri?: string;
  error?: JsonObject;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  updatedAt: string;
  lastSeq: number;
  /** Set for a `run: workflow` child: the execution and task (with its loop iteration) that started it. */
  parentExecutionId?: string;
  parentTask?: string;
  parentIteration?: string;
  /** The reason given with the cancel request. */
  cancelReason?: string;
}

export interface TaskSnapshot {
  ref: string;
  iteration?: string;
  status: TaskStatus;
  attempts: number;
  output?: Json;
  outputUri?: string;
  error?: JsonObject;
  seq: number;
}

export interface ExecutionSnapshot {
  execution: ExecutionRecord;
  tasks: TaskSnapshot[];
}

export interface WorkflowSummary {
  namespace: string;
  name: string;
  versions: string[];
  latest: string;
}

const TOKEN_KEY = 'cairn.token';

/**
 * The API token, entered once (login form, or the one-time `#login=TOKEN` link `cairn serve`
 * prints) and kept in the browser's storage, never in the page URL: a link to the page carries no token.
 */
export function apiToken(): string | undefined {
  return window.localStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function saveToken(token: string): void {
  window.localStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken(): void {
  window.localStorage.removeItem(TOKEN_KEY);
}

/** Takes the token of a login link (`#login=TOKEN`, or an older `?token=`) and removes it from the address bar. */
export function consumeLoginLink(): void {
  const url = new URL(window.location.href);
  const fromHash = /^#login=([^&]+)/.exec(url.hash)?.[1];
  const fromQuery = url.searchParams.get('token');
  const token = fromHash ? decodeURIComponent(fromHash) : fromQuery;
  if (!token) return;
  saveToken(token);
  url.searchParams.delete('token');
  if (fromHash) url.hash = '#/';
  window.history.replaceState(null, '', url.toString());
}

/** Raised on every 401, so the app shows one login form rather than an error per request. */
export const UNAUTHORIZED_EVENT = 'cairn:unauthorized';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = apiToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    if (response.status === 401) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    const detail = parsed && typeof parsed === 'object' ? ((parsed as { message?: string; detail?: string }).message ?? (parsed as { detail?: string }).detail) : undefined;
    throw new ApiError(response.status, detail ?? `${method} ${path}: HTTP ${response.status}`);
  }
  return parsed as T;
}

export interface ExecutionFilter {
  /** `namespace/name` */
  workflow?: string;
  status?: WorkflowStatus[];
  idPrefix?: string;
  createdAfter?: string;
  createdBefore?: string;
}

export const PAGE_SIZE = 50;

export function listExecutions(filter: ExecutionFilter, cursor?: string): Promise<{ items: ExecutionRecord[]; nextCursor?: string }> {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (filter.workflow) {
    const [namespace = '', name = ''] = filter.workflow.split('/');
    query.set('namespace', namespace);
    query.set('name', name);
  }
  if (filter.status?.length) query.set('status', filter.status.join(','));
  if (filter.idPrefix) query.set('idPrefix', filter.idPrefix);
  if (filter.createdAfter) query.set('createdAfter', filter.createdAfter);
  if (filter.createdBefore) query.set('createdBefore', filter.createdBefore);
  if (cursor) query.set('cursor', cursor);
  return call('GET', `/v1/executions?${query}`);
}

/** The `run: workflow` children an execution started (newest first). */
export const listChildExecutions = (parentId: string) =>
  call<{ items: ExecutionRecord[]; nextCursor?: string }>('GET', `/v1/executions?${new URLSearchParams({ parent: parentId, limit: '500' })}`);

/** One page of a task's instances (loop iterations), newest first, as their events; `cursor` from the previous page's `nextCursor`. */
export function getTaskInstances(id: string, pointer: string, page: { cursor?: string; iteration?: string; limit: number }) {
  const query = new URLSearchParams({ pointer, limit: String(page.limit) });
  if (page.cursor) query.set('cursor', page.cursor);
  if (page.iteration) query.set('iteration', page.iteration);
  return call<{ events: ProgressEvent[]; nextCursor?: string }>('GET', `/v1/executions/${encodeURIComponent(id)}/tasks?${query}`);
}

export const publishEvent = (event: JsonObject) => call<{ accepted: number }>('POST', '/v1/events', event);
export const getExecution = (id: string) => call<ExecutionSnapshot>('GET', `/v1/executions/${encodeURIComponent(id)}`);
export const getExecutionDocument = (id: string) => call<{ document: string }>('GET', `/v1/executions/${encodeURIComponent(id)}/document`);
export const controlExecution = (id: string, action: 'cancel' | 'suspend' | 'resume', reason?: string) =>
  call<ExecutionRecord>('POST', `/v1/executions/${encodeURIComponent(id)}/${action}`, reason ? { reason } : {});
export const startExecution = (workflow: Partial<WorkflowRef>, input: Json) => call<ExecutionRecord>('POST', '/v1/executions', { workflow, input });
export const startDocument = (document: string, input: Json) => call<ExecutionRecord>('POST', '/v1/executions', { document, input });
/** A value the service stored by reference; only its own value paths are fetched (never a URI an event names elsewhere). */
export function getStoredValue(uri: string): Promise<Json> {
  if (!/^\/v1\/executions\/[^/]+\/values\/[0-9a-f]{64}$/.test(uri)) return Promise.reject(new ApiError(400, `not a value of this service: ${uri}`));
  return call<Json>('GET', uri);
}
export const listWorkflows = () => call<{ items: WorkflowSummary[] }>('GET', '/v1/workflows');

function streamUrl(path: string): string {
  const token = apiToken();
  return token ? `${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}` : path;
}

/** The execution's events, backlog first then live; EventSource resumes with Last-Event-ID after a drop. */
export function openExecutionStream(id: string, onEvent: (event: ProgressEvent) => void, onEnd: () => void): EventSource {
  const source = new EventSource(streamUrl(`/v1/executions/${encodeURIComponent(id)}/events`));
  source.onmessage = (message) => onEvent(JSON.parse(message.data) as ProgressEvent);
  source.addEventListener('end', () => {
    source.close();
    onEnd();
  });
  return source;
}

/** Updates of the executions list: each message is an execution record that changed. */
export function openExecutionsStream(onChange: (execution: ExecutionRecord) => void): EventSource {
  const source = new EventSource(streamUrl('/v1/executions/stream'));
  source.onmessage = (message) => onChange(JSON.parse(message.data) as ExecutionRecord);
  return source;
}
