/**
 * Standard 5-field cron (`minute hour day-of-month month day-of-week`), evaluated in UTC, as
 * Vixie cron reads it: `*`, numbers, ranges `a-b`, steps `*\/n` `a-b/n` `a/n`, lists, month and
 * weekday names (`JAN`, `MON`), 0 or 7 for Sunday, and the macros `@yearly` `@annually`
 * `@monthly` `@weekly` `@daily` `@midnight` `@hourly`. When both day fields are restricted, a day
 * matches either (the classic rule); otherwise the restricted one decides.
 */
export interface CronExpression {
  readonly text: string;
  /** The first matching minute strictly after `epochMs`, or undefined when none comes within the search horizon. */
  nextAfter(epochMs: number): number | undefined;
}

export class CronSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronSyntaxError';
  }
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day-of-week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/** Feb 29 on a given weekday can be 28 years away; a year past that, an expression never fires. */
const HORIZON_YEARS = 29;
const MINUTE = 60_000;

export function parseCron(text: string): CronExpression {
  const trimmed = text.trim();
  const expanded = trimmed.startsWith('@') ? MACROS[trimmed.toLowerCase()] : trimmed;
  if (expanded === undefined) throw new CronSyntaxError(`unknown macro '${trimmed}' (known: ${Object.keys(MACROS).join(', ')})`);
  const parts = expanded.split(/\s+/).filter(Boolean);
  if (parts.length !== 5) {
    throw new CronSyntaxError(`'${text}' has ${parts.length} field(s); expected 5: minute hour day-of-month month day-of-week`);
  }
  const [minutes, hours, days, months, weekdays] = FIELDS.map((spec, index) => parseField(parts[index]!, spec));
  // 7 is Sunday too.
  if (weekdays!.values.has(7)) weekdays!.values.add(0);
  const dayRestricted = !days!.star;
  const weekdayRestricted = !weekdays!.star;
  const dayMatches = (date: Date): boolean => {
    const byDay = days!.values.has(date.getUTCDate());
    const byWeekday = weekdays!.values.has(date.getUTCDay());
    if (dayRestricted && weekdayRestricted) return byDay || byWeekday;
    return dayRestricted ? byDay : weekdayRestricted ? byWeekday : true;
  };

  return {
    text,
    nextAfter(epochMs: number): number | undefined {
      let t = Math.floor(epochMs / MINUTE) * MINUTE + MINUTE;
      const lastYear = new Date(t).getUTCFullYear() + HORIZON_YEARS;
      for (;;) {
        const date = new Date(t);
        const [year, month, day, hour] = [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), date.getUTCHours()];
        if (year > lastYear) return undefined;
        if (!months!.values.has(month + 1)) t = Date.UTC(year, month + 1, 1);
        else if (!dayMatches(date)) t = Date.UTC(year, month, day + 1);
        else if (!hours!.values.has(hour)) t = Date.UTC(year, month, day, hour + 1);
        else if (!minutes!.values.has(date.getUTCMinutes())) t += MINUTE;
        else return t;
      }
    },
  };
}

interface ParsedField {
  values: Set<number>;
  /** Written as `*` (or `*\/n`): unrestricted for the day-of-month / day-of-week rule. */
  star: boolean;
}

function parseField(text: string, spec: FieldSpec): ParsedField {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const [range, stepText, extra] = item.split('/');
    if (extra !== undefined || range === undefined || range === '') throw fieldError(spec, text, `'${item}' is not a value, range or step`);
    let step = 1;
    if (stepText !== undefined) {
      step = number(stepText, spec, text);
      if (step < 1) throw fieldError(spec, text, `step '${stepText}' must be at least 1`);
    }
    let low: number;
    let high: number;
    if (range === '*') {
      [low, high] = [spec.min, spec.name === 'day-of-week' ? 6 : spec.max];
    } else if (range.includes('-')) {
      const [from, to, more] = range.split('-');
      if (more !== undefined || !from || !to) throw fieldError(spec, text, `'${range}' is not a range`);
      [low, high] = [value(from, spec, text), value(to, spec, text)];
      if (low > high) throw fieldError(spec, text, `range '${range}' runs backwards`);
    } else {
      low = value(range, spec, text);
      // `a/n` means from a to the end of the field.
      high = stepText !== undefined ? spec.max : low;
    }
    for (let current = low; current <= high; current += step) values.add(current);
  }
  return { values, star: text.startsWith('*') };
}

function value(text: string, spec: FieldSpec, field: string): number {
  const index = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  const result = index >= 0 ? index + (spec.name === 'month' ? 1 : 0) : number(text, spec, field);
  if (result < spec.min || result > spec.max) throw fieldError(spec, field, `'${text}' is out of range ${spec.min}-${spec.max}`);
  return result;
}

function number(text: string, spec: FieldSpec, field: string): number {
  if (!/^\d+$/.test(text)) throw fieldError(spec, field, `'${text}' is not a number${spec.names ? ' or a name' : ''}`);
  return Number(text);
}

function fieldError(spec: FieldSpec, field: string, problem: string): CronSyntaxError {
  return new CronSyntaxError(`${spec.name} field '${field}': ${problem}`);
}
