import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { EVENT_TYPES, type ProgressEvent } from '../core/events.ts';
import { isJsonObject, type JsonObject } from '../core/json.ts';
import type { EventBus } from '../bus/event-bus.ts';
import { ArgumentError } from './parse-json-argument.ts';

const REQUIRED = ['specversion', 'id', 'source', 'type'] as const;

function checkCloudEvent(value: unknown, where: string): JsonObject {
  if (!isJsonObject(value)) throw new ArgumentError(`${where}: a CloudEvent must be a JSON object`);
  for (const attribute of REQUIRED) {
    if (typeof value[attribute] !== 'string' || value[attribute] === '') throw new ArgumentError(`${where}: CloudEvent attribute "${attribute}" must be a non-empty string`);
  }
  return value;
}

/** The CloudEvents of an `--event FILE`: one JSON object, or an array of them. */
export function readEventFile(path: string): JsonObject[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ArgumentError(`--event ${path}: ${reason}`);
  }
  return (Array.isArray(parsed) ? parsed : [parsed]).map((event, index) => checkCloudEvent(event, `--event ${path}${Array.isArray(parsed) ? ` [${index}]` : ''}`));
}

/**
 * Delivers `cairn run --event` CloudEvents to the run's `listen` tasks. The in-process bus hands an
 * event only to listeners present when it is published, so queued events (from files, or NDJSON
 * lines on stdin with `--event -`) go out when a `listen` starts waiting, and at once while one waits.
 */
export class RunEventFeeder {
  private readonly queue: JsonObject[] = [];
  private listening = 0;
  private warned = false;

  constructor(
    private readonly bus: EventBus,
    private readonly hasSource: boolean,
    private readonly warn: (line: string) => void,
  ) {}

  add(events: JsonObject[]): void {
    this.queue.push(...events);
    if (this.listening > 0) this.flush();
  }

  /** Reads NDJSON CloudEvents from stdin as they come. */
  readStdin(onError: (error: Error) => void): void {
    let line = 0;
    createInterface({ input: process.stdin }).on('line', (text) => {
      line += 1;
      if (!text.trim()) return;
      try {
        this.add([checkCloudEvent(JSON.parse(text), `stdin line ${line}`)]);
      } catch (error) {
        onError(error instanceof SyntaxError ? new ArgumentError(`stdin line ${line}: not JSON (${error.message})`) : (error as Error));
      }
    });
  }

  /** Watches the run's progress for `listen` tasks starting and ending. */
  onProgress(event: ProgressEvent): void {
    if (event.type === EVENT_TYPES.workflowCorrelationStarted) {
      this.listening += 1;
      if (!this.hasSource && !this.warned) {
        this.warned = true;
        this.warn(
          `cairn run: ${event.subject ?? 'a listen task'} waits for an event: pass --event FILE (a CloudEvent as JSON, repeatable) or --event - (NDJSON CloudEvents on stdin); Ctrl-C cancels`,
        );
      }
      // After the listen task's subscription is in place (it subscribes, then reports).
      setImmediate(() => this.flush());
    } else if (event.type === EVENT_TYPES.workflowCorrelationCompleted) {
      this.listening = Math.max(0, this.listening - 1);
    }
  }

  private flush(): void {
    for (const event of this.queue.splice(0)) void this.bus.publish(event);
  }
}
