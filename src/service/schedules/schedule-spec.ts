import { durationObjectToMs, isoDurationToMs } from '../../core/duration.ts';
import { isJsonObject, type Json, type JsonObject } from '../../core/json.ts';
import type { DurationObject } from '../../core/model.ts';
import { parseSource } from '../../loader/parse-source.ts';
import { ServiceError } from '../errors.ts';
import { CronSyntaxError, parseCron, type CronExpression } from './cron.ts';

/** A document's `schedule`, checked and ready to arm. */
export type ScheduleSpec =
  | { kind: 'every'; intervalMs: number }
  | { kind: 'cron'; cron: CronExpression }
  | { kind: 'after'; delayMs: number }
  | { kind: 'on'; strategy: JsonObject };

export type ScheduleKind = ScheduleSpec['kind'];

/** Shorter intervals would flood the store with executions (documents arrive over the network). */
export const MIN_EVERY_MS = 100;

/** A `schedule` Cairn cannot run; `field` is the dotted path (`schedule.cron`). */
export class ScheduleError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ScheduleError';
  }
}

const KINDS: readonly ScheduleKind[] = ['every', 'cron', 'after', 'on'];

/**
 * Reads `schedule` (the loader has checked it against the official schema). Exactly one of
 * `every`, `cron`, `after`, `on` must be set: the spec gives no meaning to combinations.
 */
export function parseSchedule(schedule: JsonObject | undefined): ScheduleSpec | undefined {
  if (schedule === undefined) return undefined;
  const kinds = KINDS.filter((kind) => schedule[kind] !== undefined);
  if (kinds.length !== 1) {
    throw new ScheduleError('schedule', kinds.length === 0 ? 'set one of every, cron, after, on' : `set only one of ${kinds.join(', ')} (the DSL defines no combination)`);
  }
  const kind = kinds[0]!;
  const value = schedule[kind]!;
  switch (kind) {
    case 'every': {
      const intervalMs = durationMs(value, 'schedule.every');
      if (intervalMs < MIN_EVERY_MS) throw new ScheduleError('schedule.every', `the interval must be at least ${MIN_EVERY_MS} ms`);
      return { kind, intervalMs };
    }
    case 'after':
      return { kind, delayMs: durationMs(value, 'schedule.after') };
    case 'cron': {
      if (typeof value !== 'string') throw new ScheduleError('schedule.cron', 'must be a string');
      let cron: CronExpression;
      try {
        cron = parseCron(value);
      } catch (error) {
        if (error instanceof CronSyntaxError) throw new ScheduleError('schedule.cron', error.message);
        throw error;
      }
      if (cron.nextAfter(Date.UTC(2000, 0, 1)) === undefined) {
        throw new ScheduleError('schedule.cron', `'${value}' never fires (no such date)`);
      }
      return { kind, cron };
    }
    case 'on':
      if (!isJsonObject(value) || !['one', 'any', 'all'].some((mode) => value[mode] !== undefined)) {
        throw new ScheduleError('schedule.on', 'needs one, any or all');
      }
      return { kind, strategy: value };
  }
}

function durationMs(value: Json, field: string): number {
  if (typeof value === 'string') {
    try {
      return isoDurationToMs(value);
    } catch {
      throw new ScheduleError(field, `'${value}' is not an ISO 8601 duration (expected e.g. PT30S, PT1M, P1DT2H)`);
    }
  }
  if (isJsonObject(value)) return durationObjectToMs(value as DurationObject);
  throw new ScheduleError(field, 'must be an ISO 8601 duration or a duration object');
}

/** The API error for a document whose schedule does not parse: 400, located at the field in the text. */
export function invalidScheduleError(error: ScheduleError, text: string, fileName: string): ServiceError {
  const path = error.field.split('.');
  const parsed = parseSource(text);
  const { line, column } = parsed.ok ? parsed.source.locate(path) : { line: 1, column: 1 };
  const issue = { file: fileName, line, column, path: `/${path.join('/')}`, message: error.message, code: 'CAIRN_ERR_SCHEDULE' };
  return new ServiceError('CAIRN_ERR_INVALID_WORKFLOW', `${fileName}:${line}:${column}: ${error.message}`, [issue]);
}
