import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import type { JsonObject } from '../core/json.ts';

/**
 * The official schema as Cairn validates it, and its validators by name: `root`, `task_<kind>` for
 * each task definition and `call_<index>` for each variant of `callTask.oneOf`. `npm run build`
 * compiles them once into standalone code beside this module (ajv's compile costs ~0.5 s per
 * process); from src/ (tests) they are compiled with ajv on first use.
 */
export interface OfficialSchema {
  schema: JsonObject;
  validators: Record<string, ValidateFunction>;
}

const require = createRequire(import.meta.url);
export const PRECOMPILED_FILE = 'official-schema.precompiled.cjs';
const precompiledPath = fileURLToPath(new URL(`./${PRECOMPILED_FILE}`, import.meta.url));

/** `release`: v1.0.3's schema/workflow.yaml (precompiled by the build); `main`: the specification main's schema/workflow-main.yaml. */
export type SchemaEdition = 'release' | 'main';
const SCHEMA_FILES: Record<SchemaEdition, string> = { release: 'workflow.yaml', main: 'workflow-main.yaml' };

export function loadOfficialSchema(edition: SchemaEdition = 'release'): OfficialSchema {
  if (edition === 'release' && existsSync(precompiledPath)) return require(precompiledPath) as OfficialSchema;
  const { ajv, schema, refs } = compileWithAjv({}, edition);
  const validators: Record<string, ValidateFunction> = {};
  for (const [name, ref] of Object.entries(refs)) validators[name] = ajv.getSchema(ref)!;
  return { schema, validators };
}

/** The CommonJS module `npm run build` writes as PRECOMPILED_FILE: the validators and the schema they check. */
export function officialSchemaStandaloneCode(): string {
  const { ajv, schema, refs } = compileWithAjv({ source: true });
  const standaloneCode = (require('ajv/dist/standalone/index.js') as { default: (ajv: unknown, refs: Record<string, string>) => string }).default;
  return `${standaloneCode(ajv, refs)}\nexports.validators = { ${Object.keys(refs).map((name) => `${name}: exports.${name}`).join(', ')} };\nexports.schema = ${JSON.stringify(schema)};\n`;
}

type Ajv = import('ajv/dist/2020.js').Ajv2020;

function compileWithAjv(code: { source?: boolean } = {}, edition: SchemaEdition = 'release'): { ajv: Ajv; schema: JsonObject; refs: Record<string, string> } {
  // The official schemas, vendored in schema/ (Apache-2.0, see schema/LICENSE).
  const schema = parse(readFileSync(new URL(`../../schema/${SCHEMA_FILES[edition]}`, import.meta.url), 'utf8')) as JsonObject;
  // Tasks are validated one by one (see schema.ts), so the schema stops at task lists.
  const defs = schema['$defs'] as JsonObject;
  ((defs['taskList'] as JsonObject)['items'] as JsonObject)['additionalProperties'] = true;
  const use = (schema['properties'] as JsonObject)['use'] as JsonObject;
  ((use['properties'] as JsonObject)['functions'] as JsonObject)['additionalProperties'] = true;

  // ajv and ajv-formats are CommonJS, loaded only when there is no precompiled module.
  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const addFormats = require('ajv-formats') as (ajv: Ajv) => void;
  const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true, code: { ...code, formats: code.source ? formatsCode() : undefined } });
  addFormats(ajv);
  ajv.compile(schema);
  const id = String(schema['$id']);
  const refs: Record<string, string> = { root: id };
  for (const name of Object.keys(defs)) {
    if (name.endsWith('Task') && name !== 'callTask') refs[`task_${name.slice(0, -'Task'.length)}`] = `${id}#/$defs/${name}`;
  }
  ((defs['callTask'] as JsonObject)['oneOf'] as JsonObject[]).forEach((_, index) => {
    refs[`call_${index}`] = `${id}#/$defs/callTask/oneOf/${index}`;
  });
  return { ajv, schema, refs };
}

/** How the standalone code reaches ajv-formats' format checks. */
function formatsCode() {
  const { _ } = require('ajv/dist/compile/codegen/index.js') as typeof import('ajv/dist/compile/codegen/index.js');
  return _`require("ajv-formats/dist/formats").fullFormats`;
}
