import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { isCancelledError, isWorkflowError, workflowError } from '../core/errors.ts';
import type { EffectContext } from './effect-context.ts';
import { performHttp } from './http.ts';
import { raceAbort } from './race-abort.ts';
import { parseFailureLocation, readLocalFile } from './local-files.ts';

/** How proto messages map to JSON: field names as written, 64-bit integers and enums as strings. */
const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

const PROTO_TIMEOUT_MS = 60_000;

// A CommonJS module whose exports Node's ESM loader cannot name; it also adds Root#toDescriptor.
const { FileDescriptorSet } = createRequire(import.meta.url)('protobufjs/ext/descriptor.js') as typeof import('protobufjs/ext/descriptor.js');

/** Loaded protos per location for the life of the process; a failed load is not kept. */
const cache = new Map<string, Promise<grpc.GrpcObject>>();

/**
 * Loads a proto file from a path, a `file:` URL or an http(s) URL into gRPC service constructors.
 * Every file it reads — the proto and each file it imports — goes through the same door as the
 * proto itself: local files through the operator's file policy, URLs through the HTTP effect (egress
 * policy, endpoint rewrites, size cap). So an `import "/etc/…"` is refused like a `file:///etc/…`.
 */
export function loadProto(location: string, context: EffectContext): Promise<grpc.GrpcObject> {
  let loaded = cache.get(location);
  if (!loaded) {
    // Shared between callers, so not tied to one caller's signal; each caller races its own.
    loaded = load(location, { ...context, signal: AbortSignal.timeout(PROTO_TIMEOUT_MS) });
    cache.set(location, loaded);
    loaded.catch(() => cache.delete(location));
  }
  return raceAbort(loaded, context.signal, 'grpc call');
}

async function load(location: string, context: EffectContext): Promise<grpc.GrpcObject> {
  const root = new protobuf.Root();
  root.resolvePath = resolveImport;
  root.fetch = (file, done) => {
    // protobufjs types the callback's error as always present; success passes none.
    readProtoFile(file, context).then((text) => done(null as unknown as Error, text), (error: Error) => done(error));
  };
  try {
    await root.load(location, { keepCase: true });
  } catch (error) {
    if (isWorkflowError(error)) throw error;
    // The parser's messages quote the offending text, which must not leak (it may be any file).
    throw workflowError('configuration', `cannot load proto ${location}: not a valid proto file${parseFailureLocation(error)}`);
  }
  const descriptors = FileDescriptorSet.encode(root.toDescriptor('proto3')).finish();
  return grpc.loadPackageDefinition(protoLoader.loadFileDescriptorSetFromBuffer(Buffer.from(descriptors), LOADER_OPTIONS));
}

/** An import resolves against the importing file: beside it on disk, or relative to its URL. */
function resolveImport(origin: string, target: string): string {
  if (origin === '') return target;
  if (/^(https?|file):/i.test(origin)) return new URL(target, origin).href;
  return isAbsolute(target) ? target : resolve(dirname(origin), target);
}

async function readProtoFile(location: string, context: EffectContext): Promise<string> {
  if (!/^https?:\/\//i.test(location)) return readLocalFile(location, context, 'proto');
  const request = { kind: 'http', method: 'GET', uri: location, headers: { accept: 'text/plain' }, query: {}, output: 'raw', redirect: false } as const;
  const body = await performHttp(request, context).catch((error: unknown) => {
    if (!isCancelledError(error)) throw error;
    throw workflowError('timeout', `proto ${location} did not arrive within ${PROTO_TIMEOUT_MS / 1000} s`);
  });
  return Buffer.from(String(body), 'base64').toString('utf8');
}
