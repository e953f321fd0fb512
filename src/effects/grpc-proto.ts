import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { isCancelledError, workflowError } from '../core/errors.ts';
import type { EffectContext } from './effect-context.ts';
import { performHttp } from './http.ts';
import { raceAbort } from './race-abort.ts';
import { parseFailureLocation, readLocalFile } from './local-files.ts';

/** How proto messages map to JSON: field names as written, 64-bit integers and enums as strings. */
const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

const PROTO_TIMEOUT_MS = 60_000;

/** Loaded protos per location for the life of the process; a failed load is not kept. */
const cache = new Map<string, Promise<grpc.GrpcObject>>();

/**
 * Loads a proto file from a path, a `file:` URL or an http(s) URL (downloaded through the HTTP
 * effect, so endpoint rewrites and errors match) into gRPC service constructors.
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
  let path: string;
  let downloaded: string | undefined;
  if (/^https?:\/\//i.test(location)) {
    const text = await performHttp({ kind: 'http', method: 'GET', uri: location, headers: { accept: 'text/plain' }, query: {}, output: 'raw', redirect: false }, context).catch(
      (error: unknown) => {
        if (!isCancelledError(error)) throw error;
        throw workflowError('timeout', `proto ${location} did not arrive within ${PROTO_TIMEOUT_MS / 1000} s`);
      },
    );
    downloaded = await mkdtemp(join(tmpdir(), 'cairn-proto-'));
    path = join(downloaded, 'service.proto');
    await writeFile(path, Buffer.from(String(text), 'base64'));
  } else {
    // Checks the file policy (and that the file is readable) before the loader opens it.
    await readLocalFile(location, context, 'proto');
    path = location.startsWith('file:') ? fileURLToPath(location) : location;
  }
  try {
    return grpc.loadPackageDefinition(await protoLoader.load(path, LOADER_OPTIONS));
  } catch (error) {
    // The loader's messages quote the offending text, which must not leak (it may be any file).
    const reason = (error as { code?: unknown }).code === 'ENOENT' ? 'an imported file is not found' : `not a valid proto file${parseFailureLocation(error)}`;
    throw workflowError('configuration', `cannot load proto ${location}: ${reason}`);
  } finally {
    // The definitions are in memory once loaded; a downloaded copy is not needed any more.
    if (downloaded !== undefined) await rm(downloaded, { recursive: true, force: true });
  }
}
