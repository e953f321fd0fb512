import { registerControl } from './builtins-control.ts';
import { registerCore } from './builtins-core.ts';
import { registerMath } from './builtins-math.ts';
import { registerStrings } from './builtins-strings.ts';
import { registerDates } from './dates.ts';
import { registerLog } from './builtins-log.ts';
import { fail } from './errors.ts';
import { getFormat } from './format.ts';
import { NATIVES, defineSimple, defineValues } from './natives.ts';
import { describe } from './values.ts';
import { registerRegex } from './regex.ts';

let registered = false;

export function registerBuiltins(preludeNames: () => string[]): void {
  if (registered) return;
  registered = true;
  registerControl();
  registerCore();
  registerStrings();
  registerMath();
  registerRegex();
  registerDates();
  registerLog();
  defineSimple('builtins', () => [...new Set([...[...NATIVES.keys()].filter((n) => !n.startsWith('_')), ...preludeNames()])]);
  defineSimple('input_line_number', () => 0);
  defineValues('format', 1, (v, name) => {
    const f = typeof name === 'string' ? getFormat(name) : undefined;
    return f ? f(v) : fail(`${typeof name === 'string' ? name : describe(name)} is not a valid format`);
  });
}
