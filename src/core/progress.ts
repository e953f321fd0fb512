import type { Host } from './host.ts';
import type { Json, JsonObject } from './json.ts';
import { redactSecrets } from './redaction.ts';
import { isoTime } from './iso-time.ts';
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
  private lastIteration: readonly number[] = [];
  private lastIterationText = '';

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
      time: isoTime(this.host.now()),
      datacontenttype: 'application/json',
      executionid: this.executionId,
      seq: this.seq,
      data: this.redact(compact(data)) as JsonObject,
    };
    if (task) {
      event.subject = task.pointer;
      if (task.iteration.length > 0) event.iteration = this.iterationText(task.iteration);
      if (task.attempt > 0) event.attempt = task.attempt;
    }
    this.host.report(event);
  }

  /** A task's events share its iteration path: joined once, not once per event. */
  private iterationText(iteration: readonly number[]): string {
    if (iteration !== this.lastIteration) {
      this.lastIteration = iteration;
      this.lastIterationText = iteration.join('.');
    }
    return this.lastIterationText;
  }

  /** Replaces every occurrence of a secret value inside strings, at any depth. */
  redact(value: Json): Json {
    return redactSecrets(value, this.secretValues);
  }
}

/** The data without undefined fields; every caller passes a fresh object, so one without any is kept as it is. */
function compact(data: EventData): JsonObject {
  let complete = true;
  for (const key in data) if (data[key] === undefined) complete = false;
  if (complete) return data as JsonObject;
  const out: JsonObject = {};
  for (const key in data) if (data[key] !== undefined) out[key] = data[key]!;
  return out;
}
