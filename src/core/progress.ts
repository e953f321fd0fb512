import type { Host } from './host.ts';
import type { Json, JsonObject } from './json.ts';
import { isJsonObject } from './json.ts';
import { EVENT_SOURCE, progressEventId, type EventData, type EventType, type ProgressEvent } from './events.ts';

/** Identity of one task instance: its pointer plus where it sits in loops and retries. */
export interface TaskInstance {
  pointer: string;
  iteration: readonly number[];
  attempt: number;
}

const REDACTED = '[redacted]';

/**
 * Numbers and stamps progress events. The sequence lives in interpreter state, so a replay on
 * Temporal reproduces the same ids; secret values are redacted before an event leaves the core.
 */
export class ProgressReporter {
  private seq: number;

  constructor(
    private readonly host: Host,
    private readonly executionId: string,
    private readonly secretValues: readonly string[],
    lastSeq = 0,
  ) {
    this.seq = lastSeq;
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
    if (this.secretValues.length === 0) return value;
    if (typeof value === 'string') {
      return this.secretValues.reduce((text, secret) => text.split(secret).join(REDACTED), value);
    }
    if (Array.isArray(value)) return value.map((item) => this.redact(item));
    if (isJsonObject(value)) {
      const out: JsonObject = {};
      for (const [key, item] of Object.entries(value)) out[key] = this.redact(item);
      return out;
    }
    return value;
  }
}

function compact(data: EventData): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(data)) if (value !== undefined) out[key] = value;
  return out;
}

/** Collects the secret strings to redact (values of at least 4 characters, to avoid redacting noise). */
export function secretStrings(secrets: Json): string[] {
  const found = new Set<string>();
  const walk = (value: Json): void => {
    if (typeof value === 'string') {
      if (value.length >= 4) found.add(value);
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (isJsonObject(value)) Object.values(value).forEach(walk);
  };
  walk(secrets);
  return [...found].sort((a, b) => b.length - a.length);
}
