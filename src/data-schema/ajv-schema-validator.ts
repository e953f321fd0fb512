import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Json, JsonObject } from '../core/json.ts';
import type { SchemaValidator } from '../core/schema.ts';

/** JSON Schema (2020-12 and earlier drafts' common keywords) validation of task and workflow data with ajv. */
export function createAjvSchemaValidator(): SchemaValidator {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
  const compiled = new Map<string, ReturnType<Ajv2020['compile']>>();
  return {
    validate(schema: JsonObject, value: Json): string[] {
      const key = JSON.stringify(schema);
      let validate = compiled.get(key);
      if (!validate) {
        validate = ajv.compile(schema);
        compiled.set(key, validate);
      }
      if (validate(value)) return [];
      return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
    },
  };
}
