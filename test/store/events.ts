import { EVENT_TYPES, progressEventId, type EventType, type ProgressEvent } from '../../src/core/events.ts';
import type { JsonObject } from '../../src/core/json.ts';

/** Builds the `seq`-th progress event of an execution, as the interpreter would. */
export function progressEvent(
  executionId: string,
  seq: number,
  type: EventType,
  extra: { subject?: string; iteration?: string; attempt?: number; data?: JsonObject; time?: string } = {},
): ProgressEvent {
  const { data = {}, time = `2026-01-01T00:00:${String(seq % 60).padStart(2, '0')}.000Z`, ...attributes } = extra;
  return {
    specversion: '1.0',
    id: progressEventId(executionId, seq),
    source: 'urn:cairn:runtime',
    type,
    time,
    datacontenttype: 'application/json',
    executionid: executionId,
    seq,
    ...attributes,
    data,
  };
}

/** A complete small run: workflow started, one task created/started/completed, workflow completed. */
export function completedRun(executionId: string, output: JsonObject = { greeting: 'hello' }): ProgressEvent[] {
  return [
    progressEvent(executionId, 1, EVENT_TYPES.workflowStarted, { data: { name: executionId, definition: { namespace: 'test', name: 'hello', version: '1.0.0' } } }),
    progressEvent(executionId, 2, EVENT_TYPES.taskCreated, { subject: '/do/0/greet' }),
    progressEvent(executionId, 3, EVENT_TYPES.taskStarted, { subject: '/do/0/greet' }),
    progressEvent(executionId, 4, EVENT_TYPES.taskCompleted, { subject: '/do/0/greet', data: { output } }),
    progressEvent(executionId, 5, EVENT_TYPES.workflowCompleted, { data: { output } }),
  ];
}
