import { registerControl } from './builtins-control.ts';
import { registerCore } from './builtins-core.ts';
import { registerMath } from './builtins-math.ts';
import { registerStrings } from './builtins-strings.ts';
import { registerDates } from './dates.ts';
import { defineSimple } from './natives.ts';
import { NATIVES } from './natives.ts';
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
  defineSimple('builtins', () => [...new Set([...[...NATIVES.keys()].filter((n) => !n.startsWith('_')), ...preludeNames()])]);
  defineSimple('input_line_number', () => 0);
}
