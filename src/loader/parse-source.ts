import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Json } from '../core/json.ts';
import { ISSUE, type IssueCode } from './issue-codes.ts';
import type { JsonPath, RawIssue, SourcePosition } from './issue.ts';

export interface ParseLimits {
  /** Largest accepted document, in UTF-16 code units (about bytes for ASCII documents). */
  maxLength: number;
  /** Deepest accepted nesting of mappings and sequences. */
  maxDepth: number;
  /** Most alias expansions accepted while building the data (guards against "billion laughs"). */
  maxAliasCount: number;
  /** Most task entries (in every `do`, `try` and fork `branches` list) a workflow may declare; unlimited when absent. */
  maxTasks?: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxLength: 5 * 1024 * 1024, maxDepth: 200, maxAliasCount: 100 };

/** Flow brackets nested deeper than this exhaust the YAML parser's memory (a fatal V8 error, not an exception). */
const MAX_FLOW_NESTING_BEFORE_PARSE = 1000;
/** Same for block nesting opened on one line (`- - - - x`): 200,000 levels crash the process. */
const MAX_BLOCK_PREFIX_BEFORE_PARSE = 2000;

export interface ParsedSource {
  value: Json;
  /** Where the node at `path` starts (or its mapping key, with `atKey`); the closest existing ancestor otherwise. */
  locate(path: JsonPath, atKey?: boolean): SourcePosition;
  /**
   * Where the character at `index` of the string value at `path` is written: exact for single-line
   * plain or quoted scalars without escapes and for literal block scalars (`|`); undefined otherwise.
   */
  positionInScalar(path: JsonPath, index: number): SourcePosition | undefined;
}

export type ParseResult = { ok: true; source: ParsedSource } | { ok: false; issues: RawIssue[] };

const START: SourcePosition = { line: 1, column: 1 };

/** Parses YAML (JSON is YAML) into plain JSON data plus a map from JSON paths back to line:col. */
export function parseSource(text: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): ParseResult {
  if (text.length > limits.maxLength) {
    return fail(ISSUE.tooLarge, `document is ${text.length} characters long; the limit is ${limits.maxLength}`, START);
  }
  const tooDeep = prescanNesting(text);
  if (tooDeep) return fail(ISSUE.tooDeep, tooDeep.message, tooDeep.position);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true, logLevel: 'error' });
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((error) => ({ code: ISSUE.yamlSyntax, path: [], message: yamlMessage(error.code, error.message), position: position(error.pos[0]) })),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (error) {
    if (error instanceof ReferenceError) {
      return fail(ISSUE.aliasLimit, `aliases expand more than ${limits.maxAliasCount} times; refusing a possible alias bomb`, START);
    }
    throw error;
  }
  const locator = new Locator(doc, text, position);
  const conversion = toJson(data, limits.maxDepth);
  if ('issue' in conversion) {
    const { issue } = conversion;
    return { ok: false, issues: [{ ...issue, position: locator.locate(issue.path, false) }] };
  }
  return {
    ok: true,
    source: {
      value: conversion.value,
      locate: (path, atKey = false) => locator.locate(path, atKey),
      positionInScalar: (path, index) => locator.positionInScalar(path, index),
    },
  };
}

function fail(code: IssueCode, message: string, position: SourcePosition): ParseResult {
  return { ok: false, issues: [{ code, path: [], message, position }] };
}

function yamlMessage(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return 'duplicate mapping key';
  if (code === 'MULTIPLE_DOCS') return 'the file holds several YAML documents; a workflow is exactly one';
  return message.split('\n')[0] ?? message;
}

/**
 * Finds nesting the YAML parser cannot survive, before it runs: flow brackets nested over a limit,
 * or a line opening more block levels (indentation and `- `, `? `, `: ` indicators) than a limit.
 */
function prescanNesting(text: string): { message: string; position: SourcePosition } | undefined {
  let depth = 0;
  let line = 1;
  let column = 0;
  let prefix = 0;
  let inPrefix = true;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    column++;
    if (char === 10) {
      line++;
      column = 0;
      prefix = 0;
      inPrefix = true;
      continue;
    }
    if (inPrefix) {
      const next = text.charCodeAt(i + 1);
      const indicator = (char === 45 || char === 63 || char === 58) && (next === 32 || next === 9);
      if (char === 32 || char === 9 || indicator) {
        if (++prefix > MAX_BLOCK_PREFIX_BEFORE_PARSE) {
          return { message: `a line opens more than ${MAX_BLOCK_PREFIX_BEFORE_PARSE} characters of block nesting`, position: { line, column } };
        }
      } else inPrefix = false;
    }
    if (char === 91 || char === 123) {
      if (++depth > MAX_FLOW_NESTING_BEFORE_PARSE) {
        return { message: `brackets nest more than ${MAX_FLOW_NESTING_BEFORE_PARSE} levels deep`, position: { line, column } };
      }
    } else if ((char === 93 || char === 125) && depth > 0) depth--;
  }
  return undefined;
}

type Conversion = { value: Json } | { issue: RawIssue };

/**
 * Copies the parsed data into fresh JSON (aliases become independent copies) and rejects what JSON
 * cannot hold: NaN, infinities, binary, and nesting beyond the limit.
 */
function toJson(data: unknown, maxDepth: number): Conversion {
  const path: Array<string | number> = [];
  const visit = (value: unknown, depth: number): Json => {
    if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new ConversionFailure(ISSUE.notJson, [...path], `${value} is not a JSON number`);
      return value;
    }
    if (depth >= maxDepth) throw new ConversionFailure(ISSUE.tooDeep, [...path], `document nests more than ${maxDepth} levels deep`);
    if (Array.isArray(value)) {
      return value.map((item, index) => {
        path.push(index);
        const result = visit(item, depth + 1);
        path.pop();
        return result;
      });
    }
    if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const result: { [key: string]: Json } = {};
      for (const [key, item] of Object.entries(value)) {
        path.push(key);
        // defineProperty keeps a "__proto__" key an ordinary property.
        Object.defineProperty(result, key, { value: visit(item, depth + 1), enumerable: true, writable: true, configurable: true });
        path.pop();
      }
      return result;
    }
    throw new ConversionFailure(ISSUE.notJson, [...path], 'value is not JSON (binary data, a set, or another YAML-only type)');
  };
  try {
    return { value: visit(data === undefined ? null : data, 0) };
  } catch (error) {
    if (error instanceof ConversionFailure) return { issue: { code: error.code, path: error.path, message: error.message } };
    throw error;
  }
}

class ConversionFailure extends Error {
  constructor(
    readonly code: IssueCode,
    readonly path: JsonPath,
    message: string,
  ) {
    super(message);
  }
}

class Locator {
  constructor(
    private readonly doc: Document,
    private readonly text: string,
    private readonly position: (offset: number) => SourcePosition,
  ) {}

  locate(path: JsonPath, atKey: boolean): SourcePosition {
    const found = this.walk(path);
    const range = atKey && found.complete && found.key ? found.key.range : (found.node?.range ?? found.key?.range);
    return range ? this.position(range[0]) : START;
  }

  positionInScalar(path: JsonPath, index: number): SourcePosition | undefined {
    const found = this.walk(path);
    const node = found.node;
    if (!found.complete || !isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined;
    const value = node.value;
    if (node.type === 'BLOCK_LITERAL') return this.positionInLiteral(node.range[0], value, index);
    const quote = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : node.type === 'PLAIN' ? 0 : -1;
    if (quote < 0 || value.includes('\n')) return undefined;
    const start = node.range[0] + quote;
    if (this.text.slice(start, start + value.length) !== value) return undefined;
    return this.position(start + Math.min(index, value.length));
  }

  /** A literal block keeps every line as written, shifted by one indentation: map line by line. */
  private positionInLiteral(headerOffset: number, value: string, index: number): SourcePosition | undefined {
    const before = value.slice(0, index).split('\n');
    const lineIndex = before.length - 1;
    const column = before[lineIndex]?.length ?? 0;
    let lineStart = this.text.indexOf('\n', headerOffset) + 1;
    if (lineStart === 0) return undefined;
    for (let i = 0; i < lineIndex; i++) {
      const next = this.text.indexOf('\n', lineStart);
      if (next < 0) return undefined;
      lineStart = next + 1;
    }
    const valueLine = value.split('\n')[lineIndex] ?? '';
    const sourceLineEnd = this.text.indexOf('\n', lineStart);
    const sourceLine = this.text.slice(lineStart, sourceLineEnd < 0 ? undefined : sourceLineEnd);
    const indent = sourceLine.length - valueLine.length;
    if (indent < 0 || sourceLine.slice(indent) !== valueLine) return undefined;
    return this.position(lineStart + indent + column);
  }

  /** Follows `path` through the YAML nodes; stops at the deepest node that exists. */
  private walk(path: JsonPath): { node: Node | undefined; key: Node | undefined; complete: boolean } {
    let node: unknown = this.doc.contents;
    let key: Node | undefined;
    for (const segment of path) {
      if (isAlias(node)) node = node.resolve(this.doc);
      let next: unknown;
      let nextKey: Node | undefined;
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && String(isScalar(item.key) ? item.key.value : item.key) === String(segment));
        if (pair) {
          next = pair.value ?? undefined;
          nextKey = isScalar(pair.key) ? pair.key : undefined;
          if (next === undefined || next === null) return { node: nextKey, key: nextKey, complete: true };
        }
      } else if (isSeq(node)) {
        next = node.items[Number(segment)];
      }
      if (next === undefined || next === null) return { node: node as Node | undefined, key, complete: false };
      node = next;
      key = nextKey;
    }
    return { node: node as Node | undefined, key, complete: true };
  }
}
