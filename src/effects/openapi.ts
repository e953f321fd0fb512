import type { HttpEffect, OpenApiEffect } from '../core/effects.ts';
import { workflowError } from '../core/errors.ts';
import type { Json, JsonObject } from '../core/json.ts';
import type { EffectContext } from './effect-context.ts';
import { isJsonMediaType } from './http-body.ts';
import { performHttp } from './http.ts';
import { loadOpenApiDocument } from './openapi-document.ts';
import { findOperation, type OperationSpec } from './openapi-operation.ts';

/**
 * Calls an OpenAPI operation: loads the document, finds `operationId`, maps `parameters` by name
 * onto path, query, header, cookie, form and body, then performs it as an HTTP call (same outputs,
 * same errors).
 */
export async function performOpenApi(effect: OpenApiEffect, context: EffectContext): Promise<Json> {
  const loaded = await loadOpenApiDocument(effect.document, effect.documentAuthentication, context);
  const operation = findOperation(loaded, effect.operationId);
  return performHttp(toHttpEffect(effect, operation), context);
}

function toHttpEffect(effect: OpenApiEffect, operation: OperationSpec): HttpEffect {
  const given = new Map(Object.entries(effect.parameters).filter(([, value]) => value !== null));
  const missing: string[] = [];
  const take = (name: string, required: boolean): Json | undefined => {
    const value = given.get(name);
    given.delete(name);
    if (value === undefined && required) missing.push(name);
    return value;
  };

  let path = operation.path;
  const query = new URLSearchParams();
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  const form: JsonObject = {};
  for (const parameter of operation.parameters) {
    const value = take(parameter.name, parameter.required);
    if (value === undefined) continue;
    switch (parameter.in) {
      case 'path':
        path = path.split(`{${parameter.name}}`).join(encodeURIComponent(scalarText(value)));
        break;
      case 'query':
        for (const item of Array.isArray(value) ? value : [value]) query.append(parameter.name, scalarText(item));
        break;
      case 'header':
        headers[parameter.name] = Array.isArray(value) ? value.map(scalarText).join(',') : scalarText(value);
        break;
      case 'cookie':
        cookies.push(`${parameter.name}=${encodeURIComponent(scalarText(value))}`);
        break;
      case 'formData':
        form[parameter.name] = value;
        break;
      case 'body':
        break;
    }
  }

  let body: Json | undefined;
  if (operation.body !== undefined) {
    const { name, required } = operation.body;
    body = given.has(name) ? take(name, false) : take('body', false);
    if (body === undefined && required) missing.push(name);
    given.delete('body');
    if (body !== undefined) headers['content-type'] = preferredMediaType(operation.body.mediaTypes);
  } else if (Object.keys(form).length > 0) {
    body = form;
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }

  if (missing.length > 0) {
    throw workflowError('validation', `operation '${operation.operationId}' requires parameter(s) ${missing.map((name) => `'${name}'`).join(', ')}`);
  }
  if (given.size > 0) {
    const declared = operation.parameters.map((parameter) => parameter.name);
    if (operation.body !== undefined) declared.push(operation.body.name);
    throw workflowError(
      'validation',
      `operation '${operation.operationId}' has no parameter(s) ${[...given.keys()].map((name) => `'${name}'`).join(', ')} (declared: ${declared.join(', ') || 'none'})`,
    );
  }
  if (cookies.length > 0) headers.cookie = cookies.join('; ');
  const hasAccept = Object.keys(headers).some((name) => name.toLowerCase() === 'accept');
  if (!hasAccept && operation.responseMediaTypes.some(isJsonMediaType)) headers.accept = 'application/json';

  const url = new URL(operation.baseUrl.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path.startsWith('/') ? '' : '/'}${path}`;
  url.search = query.toString();
  const http: HttpEffect = {
    kind: 'http',
    method: operation.method.toUpperCase(),
    uri: url.href,
    headers,
    query: {},
    output: effect.output,
    redirect: effect.redirect,
  };
  if (body !== undefined) http.body = body;
  if (effect.authentication !== undefined) http.authentication = effect.authentication;
  return http;
}

function preferredMediaType(mediaTypes: string[]): string {
  return mediaTypes.find(isJsonMediaType) ?? mediaTypes[0] ?? 'application/json';
}

function scalarText(value: Json): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}
