import type { Json, JsonObject } from './json.ts';

/** The spec's standard error types (path `/spec/1.0.0/errors/<type>`). */
export const ERROR_TYPES = {
  configuration: 400,
  validation: 400,
  expression: 400,
  authentication: 401,
  authorization: 403,
  timeout: 408,
  communication: 500,
  runtime: 500,
} as const;
export type StandardErrorType = keyof typeof ERROR_TYPES;

export const ERROR_TYPE_BASE = 'https://serverlessworkflow.io/spec/1.0.0/errors/';
/** The standard error types' domain on the specification's main branch. */
export const MAIN_ERROR_TYPE_BASE = 'https://open-workflow-specification.org/spec/1.0.0/errors/';

export function errorTypeUri(type: StandardErrorType): string {
  return ERROR_TYPE_BASE + type;
}

/** An RFC 7807 problem as the DSL defines it; `instance` is the faulting task's JSON Pointer. */
export interface ProblemDetails {
  type: string;
  status: number;
  instance?: string;
  title?: string;
  detail?: string;
  [extension: string]: Json | undefined;
}

const WORKFLOW_ERROR_BRAND = Symbol.for('cairn.WorkflowError');
const AUTHORED_BRAND = Symbol.for('cairn.AuthoredError');

/**
 * The one runtime error of the interpreter: a spec error object plus a message.
 * Branded with `Symbol.for` so `isWorkflowError` works across the Temporal sandbox boundary.
 */
export class WorkflowError extends Error {
  readonly problem: ProblemDetails;
  readonly [WORKFLOW_ERROR_BRAND] = true;

  constructor(problem: ProblemDetails) {
    super(problem.detail ?? problem.title ?? problem.type);
    this.name = 'WorkflowError';
    this.problem = problem;
  }

  /** Sets `instance` unless an inner task already did: the innermost faulting task wins. */
  withInstance(pointer: string): WorkflowError {
    if (this.problem.instance !== undefined) return this;
    return Object.assign(new WorkflowError({ ...this.problem, instance: pointer }), { [AUTHORED_BRAND]: isAuthored(this) });
  }
}

export function isWorkflowError(value: unknown): value is WorkflowError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[WORKFLOW_ERROR_BRAND] === true;
}

/** An error the document raises (`raise`): its type is the author's and is never rewritten. */
export function authoredError(problem: ProblemDetails): WorkflowError {
  return Object.assign(new WorkflowError(problem), { [AUTHORED_BRAND]: true });
}

/**
 * The error with a standard type Cairn raised itself moved to main's domain (for documents that opt
 * into the specification's main branch); authored errors and other types are returned unchanged.
 */
export function inMainErrorDomain(error: WorkflowError): WorkflowError {
  const { type } = error.problem;
  if (isAuthored(error) || !type.startsWith(ERROR_TYPE_BASE)) return error;
  return new WorkflowError({ ...error.problem, type: MAIN_ERROR_TYPE_BASE + type.slice(ERROR_TYPE_BASE.length) });
}

function isAuthored(error: WorkflowError): boolean {
  return (error as unknown as Record<symbol, unknown>)[AUTHORED_BRAND] === true;
}

export function workflowError(
  type: StandardErrorType,
  detail: string,
  extra: Partial<ProblemDetails> = {},
): WorkflowError {
  return new WorkflowError({
    type: errorTypeUri(type),
    status: ERROR_TYPES[type],
    title: titleOf(type),
    detail,
    ...extra,
  });
}

function titleOf(type: StandardErrorType): string {
  return `${type[0]!.toUpperCase()}${type.slice(1)} Error`;
}

/** Last path segment of an error type URI: lets `communication` match any domain's communication type. */
export function errorTypeName(typeUri: string): string {
  const trimmed = typeUri.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

const CANCELLED_BRAND = Symbol.for('cairn.CancelledError');

/** Thrown into work whose cancellation scope was cancelled (fork losers, timeouts, external cancel). */
export class CancelledError extends Error {
  readonly [CANCELLED_BRAND] = true;
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

export function isCancelledError(value: unknown): value is CancelledError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[CANCELLED_BRAND] === true;
}

export function problemToJson(problem: ProblemDetails): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(problem)) if (value !== undefined) out[key] = value;
  return out;
}
