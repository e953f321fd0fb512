/** Runtime expressions in strict mode: a whole string of the form `${ … }`. */
const ENCLOSED = /^\s*\$\{([\s\S]*)\}\s*$/;

/** The jq program inside `${ … }`, or undefined when the string is a plain literal. */
export function enclosedProgram(value: string): string | undefined {
  const match = ENCLOSED.exec(value);
  return match ? match[1]!.trim() : undefined;
}

/**
 * The program of a field the spec declares as an expression (`if`, `for.in`, `switch…when`, …):
 * evaluated even without `${ }`, as the conformance kit expects.
 */
export function declaredProgram(value: string): string {
  return enclosedProgram(value) ?? value.trim();
}

/** Names of the `$variables` a program mentions, so only those are built and passed. */
/** Names a program reads from `$secrets` by a literal key (`$secrets.name`, `$secrets["name"]`, `$secrets | .name`). */
export function referencedSecretNames(program: string): Set<string> {
  const names = new Set<string>();
  for (const match of program.matchAll(/\$secrets\s*(?:\|\s*)?(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\.?\[\s*"([^"\\]*)"\s*\]|\.\s*"([^"\\]*)")/g)) {
    names.add(match[1] ?? match[2] ?? match[3]!);
  }
  return names;
}

export function referencedVariables(program: string): Set<string> {
  const names = new Set<string>();
  for (const match of program.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(match[1]!);
  return names;
}
