import { workflowError } from '../core/errors.ts';
import { isJsonObject, type Json, type JsonObject } from '../core/json.ts';
import type { LoadedDocument } from './openapi-document.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface ParameterSpec {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie' | 'body' | 'formData';
  required: boolean;
}

export interface BodySpec {
  /** The name callers pass the body under (Swagger 2 body parameter name; `body` always works). */
  name: string;
  required: boolean;
  /** Media types the operation accepts, in document order. */
  mediaTypes: string[];
}

export interface OperationSpec {
  operationId: string;
  method: string;
  path: string;
  /** Base URL (scheme, host, base path) the path is appended to. */
  baseUrl: URL;
  parameters: ParameterSpec[];
  body?: BodySpec;
  /** Media types the operation answers with. */
  responseMediaTypes: string[];
}

/** Finds `operationId` and describes how to call it; Swagger 2.0 and OpenAPI 3.x. */
export function findOperation(loaded: LoadedDocument, operationId: string): OperationSpec {
  const { document } = loaded;
  const paths = isJsonObject(document.paths) ? document.paths : {};
  for (const [path, rawItem] of Object.entries(paths)) {
    const pathItem = resolveRef(document, rawItem);
    for (const method of METHODS) {
      const operation = pathItem[method];
      if (!isJsonObject(operation) || operation.operationId !== operationId) continue;
      return document.swagger === '2.0'
        ? swaggerOperation(loaded, operationId, method, path, pathItem, operation)
        : openApi3Operation(loaded, operationId, method, path, pathItem, operation);
    }
  }
  throw workflowError('configuration', `the OpenAPI document has no operation with operationId '${operationId}'`);
}

function swaggerOperation(
  loaded: LoadedDocument,
  operationId: string,
  method: string,
  path: string,
  pathItem: JsonObject,
  operation: JsonObject,
): OperationSpec {
  const { document, url } = loaded;
  const parameters = mergedParameters(document, pathItem, operation);
  const schemes = strings(document.schemes);
  const fromScheme = url?.protocol.slice(0, -1);
  const scheme = fromScheme !== undefined && (schemes.length === 0 || schemes.includes(fromScheme)) ? fromScheme : (schemes[0] ?? 'https');
  const host = typeof document.host === 'string' ? document.host : url?.host;
  if (host === undefined) {
    throw workflowError('configuration', `Swagger document has no 'host' and was not loaded from a URL: cannot call '${operationId}'`);
  }
  const basePath = typeof document.basePath === 'string' ? document.basePath : '';
  const bodyParameter = parameters.find((parameter) => parameter.in === 'body');
  const consumes = strings(operation.consumes ?? document.consumes);
  const spec: OperationSpec = {
    operationId,
    method,
    path,
    baseUrl: new URL(`${scheme}://${host}${basePath}`),
    parameters: parameters.filter((parameter) => parameter.in !== 'body'),
    responseMediaTypes: strings(operation.produces ?? document.produces),
  };
  if (bodyParameter !== undefined) {
    spec.body = { name: bodyParameter.name, required: bodyParameter.required, mediaTypes: consumes };
  }
  return spec;
}

function openApi3Operation(
  loaded: LoadedDocument,
  operationId: string,
  method: string,
  path: string,
  pathItem: JsonObject,
  operation: JsonObject,
): OperationSpec {
  const { document, url } = loaded;
  const servers = [operation.servers, pathItem.servers, document.servers].find(
    (candidate) => Array.isArray(candidate) && candidate.length > 0,
  ) as Json[] | undefined;
  const server = servers === undefined ? { url: '/' } : resolveRef(document, servers[0]!);
  const serverUrl = expandServerVariables(server);
  let baseUrl: URL;
  try {
    baseUrl = new URL(serverUrl, url);
  } catch {
    throw workflowError(
      'configuration',
      `server URL '${serverUrl}' is relative and the OpenAPI document was not loaded from a URL: cannot call '${operationId}'`,
    );
  }
  const responseMediaTypes = new Set<string>();
  for (const response of Object.values(isJsonObject(operation.responses) ? operation.responses : {})) {
    const content = resolveRef(document, response).content;
    if (isJsonObject(content)) for (const mediaType of Object.keys(content)) responseMediaTypes.add(mediaType);
  }
  const spec: OperationSpec = {
    operationId,
    method,
    path,
    baseUrl,
    parameters: mergedParameters(document, pathItem, operation),
    responseMediaTypes: [...responseMediaTypes],
  };
  if (operation.requestBody !== undefined) {
    const requestBody = resolveRef(document, operation.requestBody);
    const bodyName = operation['x-codegen-request-body-name'];
    spec.body = {
      name: typeof bodyName === 'string' ? bodyName : 'body',
      required: requestBody.required === true,
      mediaTypes: isJsonObject(requestBody.content) ? Object.keys(requestBody.content) : [],
    };
  }
  return spec;
}

/** Path-level parameters overridden by operation-level ones with the same name and location. */
function mergedParameters(document: JsonObject, pathItem: JsonObject, operation: JsonObject): ParameterSpec[] {
  const byKey = new Map<string, ParameterSpec>();
  for (const list of [pathItem.parameters, operation.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const parameter = resolveRef(document, raw);
      if (typeof parameter.name !== 'string' || typeof parameter.in !== 'string') continue;
      const location = parameter.in as ParameterSpec['in'];
      byKey.set(`${location}:${parameter.name}`, {
        name: parameter.name,
        in: location,
        required: location === 'path' || parameter.required === true,
      });
    }
  }
  return [...byKey.values()];
}

function expandServerVariables(server: JsonObject): string {
  const template = typeof server.url === 'string' ? server.url : '/';
  const variables = isJsonObject(server.variables) ? server.variables : {};
  return template.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const variable = variables[name];
    return isJsonObject(variable) && typeof variable.default === 'string' ? variable.default : whole;
  });
}

/** Follows local `$ref`s (`#/components/parameters/x`); other references are a configuration error. */
function resolveRef(document: JsonObject, value: Json, seen = new Set<string>()): JsonObject {
  if (!isJsonObject(value)) return {};
  const ref = value.$ref;
  if (typeof ref !== 'string') return value;
  if (!ref.startsWith('#/')) throw workflowError('configuration', `external OpenAPI reference '${ref}' is not supported`);
  if (seen.has(ref)) throw workflowError('configuration', `circular OpenAPI reference '${ref}'`);
  let target: Json | undefined = document;
  for (const segment of ref.slice(2).split('/')) {
    const key = decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
    target = isJsonObject(target) ? target[key] : undefined;
  }
  if (target === undefined) throw workflowError('configuration', `OpenAPI reference '${ref}' points to nothing`);
  return resolveRef(document, target, new Set([...seen, ref]));
}

function strings(value: Json | undefined): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
