import type { ExpressionLocation } from '../engine.ts';

/** A compile error reported by jq, with its location translated back into the user's program. */
export interface JqCompileDiagnostic {
  message: string;
  location: ExpressionLocation | undefined;
}

const COMPILE_ERROR = /^jq: error: (.*?)(?: at <top-level>, line (\d+), column (\d+):)?$/;
const RUNTIME_PREFIX = /^jq: error \(at [^)]*\)(?: \(not a string\))?: ?/;

/**
 * Parses jq's compile-error text. `prefixLength` is the number of characters the adapter put in
 * front of the user's program on its first line, so columns point into the user's own text.
 */
export function parseCompileErrors(stderr: string, program: string, prefixLength: number): JqCompileDiagnostic[] {
  const diagnostics: JqCompileDiagnostic[] = [];
  for (const line of stderr.split('\n')) {
    const match = COMPILE_ERROR.exec(line);
    if (!match) continue;
    const jqLine = match[2] === undefined ? undefined : Number(match[2]);
    // An error on the line after the program is at the adapter's closing bracket: the program ended early.
    const pastEnd = jqLine !== undefined && jqLine > program.split('\n').length;
    const message = pastEnd ? (match[1] ?? '').replace("unexpected ')'", 'unexpected end of expression') : (match[1] ?? 'syntax error');
    const jqColumn = match[3] === undefined ? undefined : Number(match[3]);
    const location =
      jqLine === undefined || jqColumn === undefined ? undefined : pastEnd ? endOf(program) : toUserLocation(program, jqLine, jqColumn, prefixLength);
    diagnostics.push({ message, location });
  }
  if (diagnostics.length === 0) diagnostics.push({ message: firstLine(stderr) || 'invalid jq program', location: undefined });
  return diagnostics;
}

/** The message of a runtime failure (`error("...")`, type errors), without jq's `(at <stdin>:0)` noise. */
export function parseRuntimeError(stderr: string): string {
  const line = firstLine(stderr);
  const stripped = line.replace(RUNTIME_PREFIX, '');
  return stripped || 'jq evaluation failed';
}

function toUserLocation(program: string, jqLine: number, jqColumn: number, prefixLength: number): ExpressionLocation {
  const lines = program.split('\n');
  const line = Math.min(Math.max(jqLine, 1), Math.max(lines.length, 1));
  const rawColumn = jqLine === 1 ? jqColumn - prefixLength : jqColumn;
  const lineText = lines[line - 1] ?? '';
  const column = Math.min(Math.max(rawColumn, 1), lineText.length + 1);
  let offset = 0;
  for (let i = 0; i < line - 1; i++) offset += (lines[i] ?? '').length + 1;
  // The contract's offsets are 1-based like lines and columns.
  return { offset: offset + column, line, column };
}

function endOf(program: string): ExpressionLocation {
  const lines = program.split('\n');
  return { offset: program.length + 1, line: lines.length, column: (lines[lines.length - 1] ?? '').length + 1 };
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
}
