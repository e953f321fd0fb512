import { describe, expect, it } from 'vitest';
import { parseCron } from '../../src/service/schedules/cron.ts';
import { parseSchedule, ScheduleError } from '../../src/service/schedules/schedule-spec.ts';

const at = (iso: string) => Date.parse(iso);
const next = (expression: string, after: string) => {
  const fire = parseCron(expression).nextAfter(at(after));
  return fire === undefined ? undefined : new Date(fire).toISOString();
};

describe('cron next fire time (UTC)', () => {
  it.each([
    ['*/15 * * * *', '2026-01-01T00:07:30.000Z', '2026-01-01T00:15:00.000Z'],
    ['*/15 * * * *', '2026-01-01T00:15:00.000Z', '2026-01-01T00:30:00.000Z'],
    ['0 0 * * *', '2026-03-15T12:00:00.000Z', '2026-03-16T00:00:00.000Z'],
    ['30 9 * * MON-FRI', '2026-11-27T10:00:00.000Z', '2026-11-30T09:30:00.000Z'],
    ['0 0 29 2 *', '2026-01-01T00:00:00.000Z', '2028-02-29T00:00:00.000Z'],
    ['0 12 1 * 0', '2026-11-25T13:00:00.000Z', '2026-11-29T12:00:00.000Z'],
    ['0 12 1 * 0', '2026-11-29T12:00:00.000Z', '2026-12-01T12:00:00.000Z'],
    ['0 0 * * 7', '2026-11-25T00:00:00.000Z', '2026-11-29T00:00:00.000Z'],
    ['@hourly', '2026-05-05T10:59:59.999Z', '2026-05-05T11:00:00.000Z'],
    ['@yearly', '2026-12-31T23:59:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['5-10/2 * * * *', '2026-01-01T00:05:00.000Z', '2026-01-01T00:07:00.000Z'],
    ['0 0 1 JAN-MAR *', '2026-04-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['10/20 3,4 * * *', '2026-01-01T03:50:00.000Z', '2026-01-01T04:10:00.000Z'],
  ])('%s after %s fires at %s', (expression, after, expected) => {
    expect(next(expression, after)).toBe(expected);
  });

  it('a fire sequence steps through month ends and leap days', () => {
    const cron = parseCron('0 6 31 * *');
    const fires: string[] = [];
    let t = at('2026-01-01T00:00:00.000Z');
    for (let index = 0; index < 4; index += 1) {
      t = cron.nextAfter(t)!;
      fires.push(new Date(t).toISOString());
    }
    expect(fires).toEqual(['2026-01-31T06:00:00.000Z', '2026-03-31T06:00:00.000Z', '2026-05-31T06:00:00.000Z', '2026-07-31T06:00:00.000Z']);
  });

  it.each([
    ['61 * * * *', "minute field '61': '61' is out of range 0-59"],
    ['* * * *', 'has 4 field(s); expected 5'],
    ['*/0 * * * *', "step '0' must be at least 1"],
    ['5-1 * * * *', "range '5-1' runs backwards"],
    ['* * * FOO *', "month field 'FOO': 'FOO' is not a number or a name"],
    ['@reboot', "unknown macro '@reboot'"],
    ['0 0 L * *', "day-of-month field 'L': 'L' is not a number"],
  ])('rejects %s', (expression, message) => {
    expect(() => parseCron(expression)).toThrow(message);
  });
});

describe('schedule parsing', () => {
  it('reads each kind', () => {
    expect(parseSchedule({ every: 'PT0.5S' })).toEqual({ kind: 'every', intervalMs: 500 });
    expect(parseSchedule({ after: { minutes: 1, seconds: 30 } })).toEqual({ kind: 'after', delayMs: 90_000 });
    expect(parseSchedule({ cron: '0 0 * * *' })).toMatchObject({ kind: 'cron' });
    expect(parseSchedule({ on: { one: { with: { type: 'x' } } } })).toEqual({ kind: 'on', strategy: { one: { with: { type: 'x' } } } });
    expect(parseSchedule(undefined)).toBeUndefined();
  });

  it.each([
    [{ cron: '0 0 31 2 *' }, 'schedule.cron', 'never fires'],
    [{ cron: 'every minute' }, 'schedule.cron', 'has 2 field(s)'],
    [{ every: 'PT0.01S' }, 'schedule.every', 'at least 100 ms'],
    [{ after: 'soon' }, 'schedule.after', 'not an ISO 8601 duration'],
    [{ every: 'PT1M', cron: '* * * * *' }, 'schedule', 'set only one of every, cron'],
    [{}, 'schedule', 'set one of every, cron, after, on'],
  ])('rejects %j naming %s', (schedule, field, message) => {
    let error: unknown;
    try {
      parseSchedule(schedule);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ScheduleError);
    expect((error as ScheduleError).field).toBe(field);
    expect((error as ScheduleError).message).toContain(message);
  });
});
