import type { Json } from './json.ts';
import type { SchemaSpec } from './model.ts';
import type { Execution } from './execution.ts';
import { workflowError } from './errors.ts';

/** Checks data against an `input`/`output`/`export` schema; a mismatch is a `validation` error (400). */
export function validateWithSchema(execution: Execution, schema: SchemaSpec | undefined, value: Json, what: 'input' | 'output' | 'export', pointer: string): void {
  if (!schema) return;
  if (!schema.document) {
    throw workflowError('configuration', `the ${what} schema must be given inline as 'document' (external schema resources are not supported)`, { instance: pointer });
  }
  const problems = execution.schemas.validate(schema.document, value);
  if (problems.length > 0) {
    throw workflowError('validation', `${what} does not match its schema: ${problems.join('; ')}`, { instance: pointer });
  }
}
