import type { IssueCode } from './issue-codes.ts';

export type JsonPath = ReadonlyArray<string | number>;

export interface SourcePosition {
  line: number;
  column: number;
}

/** One problem found in a workflow document, located in its file (lines and columns are 1-based). */
export interface ValidationIssue {
  file: string;
  line: number;
  column: number;
  /** JSON pointer of the offending value ("" for the whole document). */
  path: string;
  message: string;
  code: IssueCode;
}

/** An issue before it is tied to a file position. */
export interface RawIssue {
  code: IssueCode;
  path: JsonPath;
  message: string;
  /** Set when the issue has a position of its own (syntax errors, offsets inside an expression). */
  position?: SourcePosition;
  /** Point at the mapping key of the last path segment instead of its value. */
  atKey?: boolean;
  /** For an expression error: the 0-based index inside the string value where jq found the problem. */
  expressionOffset?: number;
}

export function toPointer(path: JsonPath): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
