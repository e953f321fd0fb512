import type { Host } from './host.ts';
import type { Json, JsonObject } from './json.ts';
import { redactSecrets } from './redaction.ts';
import { EVENT_SOURCE, progressEventId, type EventData, type EventType, type ProgressEvent } from './events.ts';

/** Identity of one task instance: its pointer plus where it sits in loops and retries. */
export interface TaskInstance {
  pointer: string;
  iteration: readonly number[];
  attempt: number;
}

/**
 * Numbers and stamps progress events. The sequence lives in interpreter state, so a replay on
 * Temporal reproduces the same ids; secret values are redacted before an event leaves the core.
 */
export class ProgressReporter {
  private seq: number;
  private secretValues: readonly string[];

  constructor(
    private readonly host: Host,
    private readonly executionId: string,
    secretValues: readonly string[],
    lastSeq = 0,
  ) {
    this.seq = lastSeq;
    this.secretValues = secretValues;
  }

  /** A value derived from secrets during the run (a Basic credential, say): redacted from here on. */
  protect(value: string): void {
    if (value.length < 4 || this.secretValues.includes(value)) return;
    this.secretValues = [...this.secretValues, value].sort((a, b) => b.length - a.length);
  }

  get lastSeq(): number {
    return this.seq;
  }

  emit(type: EventType, data: EventData, task?: TaskInstance): void {
    this.seq += 1;
    const event: ProgressEvent = {
      specversion: '1.0',
      id: progressEventId(this.executionId, this.seq),
      source: EVENT_SOURCE,
      type,
      time: new Date(this.host.now()).toISOString(),
      datacontenttype: 'application/json',
      executionid: this.executionId,
      seq: this.seq,
      data: this.redact(compact(data)) as JsonObject,
    };
    if (task) {
      event.subject = task.pointer;
      if (task.iteration.length > 0) event.iteration = task.iteration.join('.');
      if (task.attempt > 0) event.attempt = task.attempt;
    }
    this.host.report(event);
  }

  /** Replaces every occurrence of a secret value inside strings, at any depth. */
  redact(value: Json): Json {
    return redactSecrets(value, this.secretValues);
  }
}

function compact(data: EventData): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(data)) if (value !== undefined) out[key] = value;
  return out;
}
