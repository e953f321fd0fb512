import type { DurationObject } from './model.ts';
import { workflowError } from './errors.ts';

const UNIT_MS = { days: 86_400_000, hours: 3_600_000, minutes: 60_000, seconds: 1_000, milliseconds: 1 } as const;

const ISO_DURATION = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds of a duration object (`{ minutes: 1, seconds: 30 }`). */
export function durationObjectToMs(duration: DurationObject): number {
  let total = 0;
  for (const [unit, factor] of Object.entries(UNIT_MS)) {
    const amount = duration[unit as keyof DurationObject];
    if (amount !== undefined) total += amount * factor;
  }
  return total;
}

/** Milliseconds of an ISO 8601 duration (`PT1M30S`, `P1DT2H`); years and months are refused as ambiguous. */
export function isoDurationToMs(text: string): number {
  const match = ISO_DURATION.exec(text.trim());
  if (!match || text.trim() === 'P' || text.trim().endsWith('T')) {
    throw workflowError('validation', `'${text}' is not an ISO 8601 duration (expected e.g. PT30S, PT1M, P1DT2H)`);
  }
  const [, weeks, days, hours, minutes, seconds] = match;
  const part = (value: string | undefined, factor: number) => (value ? Number(value) * factor : 0);
  return Math.round(
    part(weeks, 7 * UNIT_MS.days) +
      part(days, UNIT_MS.days) +
      part(hours, UNIT_MS.hours) +
      part(minutes, UNIT_MS.minutes) +
      part(seconds, UNIT_MS.seconds),
  );
}

/** An ISO 8601 duration string for a number of milliseconds (used in events and errors). */
export function msToIsoDuration(ms: number): string {
  return `PT${Number((ms / 1000).toFixed(3))}S`;
}
