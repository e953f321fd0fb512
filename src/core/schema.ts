import type { Json, JsonObject } from './json.ts';

/**
 * Validates data against the JSON Schemas of `input.schema`, `output.schema` and `export.schema`.
 * Injected like the expression engine, so the core stays free of any particular library.
 */
export interface SchemaValidator {
  /** The problems found, as human-readable messages; empty when the value is valid. */
  validate(schema: JsonObject, value: Json): string[];
}
