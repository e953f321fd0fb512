import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Json, JsonObject } from '../core/json.ts';
import type { SchemaValidator } from '../core/schema.ts';

const MAX_COMPILED = 1_000;

/** JSON Schema (2020-12 and earlier drafts' common keywords) validation of task and workflow data with ajv. */
export function createAjvSchemaValidator(): SchemaValidator {
  // Built on first use: most runs validate nothing, and an Ajv instance with formats costs milliseconds (per run on Temporal).
  let ajv: Ajv2020 | undefined;
  const compiled = new Map<string, ReturnType<Ajv2020['compile']>>();
  return {
    validate(schema: JsonObject, value: Json): string[] {
      const key = JSON.stringify(schema);
      let validate = compiled.get(key);
      if (!validate) {
        // A long-lived worker meets ever new documents: past a bound, start over rather than grow.
        if (compiled.size >= MAX_COMPILED) {
          compiled.clear();
          ajv = undefined;
        }
        ajv ??= newAjv();
        validate = ajv.compile(schema);
        compiled.set(key, validate);
      }
      if (validate(value)) return [];
      return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
    },
  };
}

function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
  return ajv;
}
