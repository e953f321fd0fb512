import { readFileSync } from 'node:fs';

/** One case of jq's tests/jq.test: a program, an input line and expected output lines. */
export interface JqTestCase {
  /** 1-based line of the program in jq.test */
  line: number;
  program: string;
  input: string;
  expected: string[];
  /** `%%FAIL` cases expect a compile error instead of outputs */
  fail: boolean;
}

/**
 * Parses the jq.test format: blank lines and `#` lines separate cases; a case is the program line,
 * the input line, then expected outputs up to the next blank line. `%%FAIL` starts a case whose
 * program must not compile (followed by the expected error message, which is not compared).
 */
export function readJqTests(path: string): JqTestCase[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const cases: JqTestCase[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i]!;
    if (l.trim() === '' || l.startsWith('#')) {
      i++;
      continue;
    }
    if (l.startsWith('%%FAIL')) {
      const program = lines[i + 1]!;
      cases.push({ line: i + 2, program, input: 'null', expected: [], fail: true });
      i += 2;
      while (i < lines.length && lines[i]!.trim() !== '') i++;
      continue;
    }
    const program = l;
    const input = lines[i + 1] ?? 'null';
    const expected: string[] = [];
    const line = i + 1;
    i += 2;
    while (i < lines.length && lines[i]!.trim() !== '') {
      if (!lines[i]!.startsWith('#')) expected.push(lines[i]!);
      i++;
    }
    cases.push({ line, program, input, expected, fail: false });
  }
  return cases;
}
