import type { Json, JsonObject } from '../../json.ts';
import { isJsonObject } from '../../json.ts';
import type { OAuth2Settings, ResolvedAuthentication, SecretReference, SecretText, UserCredentials } from '../../effects.ts';
import { isSecretReference } from '../../effects.ts';
import { workflowError } from '../../errors.ts';
import type { TaskContext } from '../types.ts';

const SCHEMES = ['basic', 'bearer', 'digest', 'oauth2', 'oidc'] as const;
type Scheme = (typeof SCHEMES)[number];

/**
 * Resolves an `authentication` block (inline, `use: name` from `use.authentications`, or a scheme
 * whose body is `use: secretName`) into a policy for the performer. Secrets stay references
 * (`{ secret: 'name.field' }`): the Node side resolves them, so they never enter effect requests.
 */
export function resolveAuthentication(authentication: Json | undefined, input: Json, context: TaskContext): ResolvedAuthentication | undefined {
  if (authentication === undefined || authentication === null) return undefined;
  const { execution, pointer } = context;
  let policy = authentication;
  if (isJsonObject(policy) && typeof policy.use === 'string') {
    const named = execution.document.use?.authentications?.[policy.use];
    if (!named) throw workflowError('configuration', `authentication '${policy.use}' is not defined in use.authentications`, { instance: pointer });
    policy = named;
  }
  if (!isJsonObject(policy)) throw workflowError('configuration', 'an authentication policy must be an object', { instance: pointer });
  const scheme = SCHEMES.find((candidate) => isJsonObject(policy[candidate]));
  if (scheme === undefined) {
    const named = Object.keys(policy)[0] ?? 'none';
    throw workflowError('configuration', `authentication scheme '${named}' is not supported (basic, bearer, digest, oauth2, oidc)`, { instance: pointer });
  }
  const body = policy[scheme] as JsonObject;
  if (typeof body.use === 'string') return { [scheme]: declaredSecret(body.use, context) } as ResolvedAuthentication;
  const resolved = secretAwareTemplate(body, input, context) as JsonObject;
  return shaped(scheme, resolved, pointer);
}

/**
 * Evaluates a template like `ExpressionEvaluator.template`, but a field that is exactly
 * `${ $secrets.name.field }` becomes a reference without being evaluated (and must be declared in
 * `use.secrets`).
 */
export function secretAwareTemplate(value: Json, input: Json, context: TaskContext): Json {
  const { execution, variables, pointer } = context;
  const walk = (item: Json): Json => {
    if (typeof item === 'string') {
      const direct = /^\s*\$\{\s*\$secrets((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)\s*\}\s*$/.exec(item);
      if (direct) return declaredSecret(direct[1]!.slice(1), context) as unknown as Json;
      // Any other string holding a secret value is sealed when the request leaves the core (secret-sealing.ts).
      return execution.evaluator.template(item, input, variables, pointer);
    }
    if (Array.isArray(item)) return item.map(walk);
    if (isJsonObject(item)) {
      const out: JsonObject = {};
      for (const [key, field] of Object.entries(item)) out[key] = walk(field);
      return out;
    }
    return item;
  };
  return walk(value);
}

/** A reference to a secret the document declares in `use.secrets` (spec: anything else is a 403). */
function declaredSecret(path: string, { execution, pointer }: TaskContext): SecretReference {
  const name = path.split('.')[0]!;
  if (!(execution.document.use?.secrets ?? []).includes(name)) {
    throw workflowError('authorization', `secret '${name}' is not declared in use.secrets`, { instance: pointer });
  }
  return { secret: path };
}

function shaped(scheme: Scheme, body: JsonObject, pointer: string): ResolvedAuthentication {
  const text = (field: string, optional = false): SecretText | undefined => {
    const value = body[field];
    if (typeof value === 'string' || isSecretReference(value)) return value;
    if (optional && (value === undefined || value === null)) return undefined;
    throw workflowError('configuration', `${scheme} authentication field '${field}' must be a string`, { instance: pointer });
  };
  switch (scheme) {
    case 'basic':
    case 'digest': {
      const credentials: UserCredentials = { username: text('username')!, password: text('password')! };
      return scheme === 'basic' ? { basic: credentials } : { digest: credentials };
    }
    case 'bearer':
      return { bearer: { token: text('token')! } };
    case 'oauth2':
    case 'oidc': {
      const settings = oauth2Settings(body, scheme, pointer);
      return scheme === 'oauth2' ? { oauth2: settings } : { oidc: settings };
    }
  }
}

function oauth2Settings(body: JsonObject, scheme: Scheme, pointer: string): OAuth2Settings {
  const fail = (message: string) => workflowError('configuration', `${scheme} authentication: ${message}`, { instance: pointer });
  if (typeof body.authority !== 'string') throw fail('authority must be a string');
  if (typeof body.grant !== 'string') throw fail('grant must be a string');
  const secretText = (value: Json | undefined, field: string): SecretText | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string' || isSecretReference(value)) return value;
    throw fail(`${field} must be a string`);
  };
  const strings = (value: Json | undefined, field: string): string[] | undefined => {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw fail(`${field} must be a list of strings`);
    return value as string[];
  };
  const token = (value: Json | undefined, field: string): OAuth2Settings['subject'] => {
    if (value === undefined || value === null) return undefined;
    if (!isJsonObject(value) || typeof value.type !== 'string') throw fail(`${field} needs token and type`);
    return { token: secretText(value.token, `${field}.token`) ?? '', type: value.type };
  };
  const settings: OAuth2Settings = { authority: body.authority, grant: body.grant };
  const endpoints = isJsonObject(body.endpoints) ? body.endpoints : {};
  if (typeof endpoints.token === 'string') settings.tokenEndpoint = endpoints.token;
  if (isJsonObject(body.client)) {
    const client: NonNullable<OAuth2Settings['client']> = {};
    const id = secretText(body.client.id, 'client.id');
    const secret = secretText(body.client.secret, 'client.secret');
    const assertion = secretText(body.client.assertion, 'client.assertion');
    if (id !== undefined) client.id = id;
    if (secret !== undefined) client.secret = secret;
    if (assertion !== undefined) client.assertion = assertion;
    if (typeof body.client.authentication === 'string') client.authentication = body.client.authentication;
    settings.client = client;
  }
  const encoding = isJsonObject(body.request) ? body.request.encoding : undefined;
  if (encoding === 'application/json' || encoding === 'application/x-www-form-urlencoded') settings.encoding = encoding;
  const issuers = strings(body.issuers, 'issuers');
  const scopes = strings(body.scopes, 'scopes');
  const audiences = strings(body.audiences, 'audiences');
  const username = secretText(body.username, 'username');
  const password = secretText(body.password, 'password');
  const subject = token(body.subject, 'subject');
  const actor = token(body.actor, 'actor');
  if (issuers) settings.issuers = issuers;
  if (scopes) settings.scopes = scopes;
  if (audiences) settings.audiences = audiences;
  if (username !== undefined) settings.username = username;
  if (password !== undefined) settings.password = password;
  if (subject) settings.subject = subject;
  if (actor) settings.actor = actor;
  return settings;
}

/**
 * `$authorization` for a call's expressions: `{ scheme, parameter }`. The parameter is known to the
 * core only for basic and bearer credentials whose values it holds (literals, or `$secrets` the host
 * exposed); it is null when the host obtains it (digest challenge, oauth2/oidc token) or keeps it.
 */
export function authorizationDescriptor(authentication: ResolvedAuthentication | undefined, { execution }: TaskContext): Json {
  if (authentication === undefined) return null;
  let fromSecrets = isSecretReference(Object.values(authentication)[0]);
  const known = (value: SecretText): string | undefined => {
    if (typeof value === 'string') return value;
    fromSecrets = true;
    let found: Json | undefined = execution.secrets;
    for (const segment of value.secret.split('.')) found = isJsonObject(found) ? found[segment] : undefined;
    return typeof found === 'string' ? found : undefined;
  };
  const body = Object.values(authentication)[0] as JsonObject | SecretReference;
  const expanded = (isSecretReference(body) ? execution.secrets[body.secret] : body) as JsonObject | undefined;
  const field = (name: string): string | undefined => {
    const value = expanded?.[name];
    return typeof value === 'string' || isSecretReference(value) ? known(value) : undefined;
  };
  if ('basic' in authentication) {
    const username = field('username');
    const password = field('password');
    if (username === undefined || password === undefined) return { scheme: 'Basic', parameter: null };
    const parameter = base64(`${username}:${password}`);
    // Encoded, a secret no longer looks like itself: the encoding is redacted from events too.
    if (fromSecrets) execution.progress.protect(parameter);
    return { scheme: 'Basic', parameter };
  }
  if ('bearer' in authentication) {
    const token = isSecretReference(body) && typeof execution.secrets[body.secret] === 'string' ? (execution.secrets[body.secret] as string) : field('token');
    return { scheme: 'Bearer', parameter: token ?? null };
  }
  return { scheme: 'digest' in authentication ? 'Digest' : 'Bearer', parameter: null };
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 of the UTF-8 bytes of `text` (the core has no Buffer or btoa in Temporal's sandbox). */
function base64(text: string): string {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 63));
    else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
    else bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
  }
  let out = '';
  for (let index = 0; index < bytes.length; index += 3) {
    const [a, b, c] = [bytes[index]!, bytes[index + 1], bytes[index + 2]];
    const triple = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += BASE64[(triple >> 18) & 63]! + BASE64[(triple >> 12) & 63]!;
    out += b === undefined ? '=' : BASE64[(triple >> 6) & 63]!;
    out += c === undefined ? '=' : BASE64[triple & 63]!;
  }
  return out;
}

/** `$authorization` as a lazy variable: the call's policy (`with.authentication`, `with.endpoint…`, `with.service…`) is resolved only if an expression asks. */
export function lazyAuthorization(args: JsonObject, input: Json, context: TaskContext): () => Json {
  let value: Json | undefined;
  return () => {
    if (value === undefined) {
      const nested = (field: string): Json | undefined => (isJsonObject(args[field]) ? (args[field] as JsonObject).authentication : undefined);
      const policy = args.authentication ?? nested('endpoint') ?? nested('service');
      value = authorizationDescriptor(resolveAuthentication(policy, input, context), context);
    }
    return value;
  };
}
