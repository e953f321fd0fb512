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
  input: Json;
  output?: Json;
  error?: JsonObject;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  updatedAt: string;
  lastSeq: number;
}

export interface TaskSnapshot {
  ref: string;
  iteration?: string;
  status: TaskStatus;
  attempts: number;
  output?: Json;
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

/** A token given once as `?token=` is kept for the tab's later requests. */
export function apiToken(): string | undefined {
  const fromUrl = new URLSearchParams(window.location.search).get('token');
  if (fromUrl) window.sessionStorage.setItem(TOKEN_KEY, fromUrl);
  return window.sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

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
    const detail = parsed && typeof parsed === 'object' ? ((parsed as { message?: string; detail?: string }).message ?? (parsed as { detail?: string }).detail) : undefined;
    throw new ApiError(response.status, detail ?? `${method} ${path}: HTTP ${response.status}`);
  }
  return parsed as T;
}

export interface ExecutionFilter {
  workflow?: string;
  status?: WorkflowStatus;
}

export function listExecutions(filter: ExecutionFilter): Promise<{ items: ExecutionRecord[] }> {
  const query = new URLSearchParams({ limit: '100' });
  if (filter.workflow) {
    const [namespace, name] = filter.workflow.split('/');
    query.set('namespace', namespace!);
    query.set('name', name!);
  }
  if (filter.status) query.set('status', filter.status);
  return call('GET', `/v1/executions?${query}`);
}

export const getExecution = (id: string) => call<ExecutionSnapshot>('GET', `/v1/executions/${encodeURIComponent(id)}`);
export const getExecutionDocument = (id: string) => call<{ document: string }>('GET', `/v1/executions/${encodeURIComponent(id)}/document`);
export const controlExecution = (id: string, action: 'cancel' | 'suspend' | 'resume') => call<ExecutionRecord>('POST', `/v1/executions/${encodeURIComponent(id)}/${action}`, {});
export const startExecution = (workflow: Partial<WorkflowRef>, input: Json) => call<ExecutionRecord>('POST', '/v1/executions', { workflow, input });
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
